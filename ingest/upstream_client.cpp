#include "ingest/upstream_client.hpp"

#include <spdlog/spdlog.h>

#include "base/connection_ending.hpp"
#include "base/redact.hpp"
#include "ingest/frame_receipt.hpp"
#include "ingest/tls_client.hpp"

namespace splitstream::ingest {

upstream_client::created upstream_client::create(net::any_io_executor executor, upstream_options options,
                                                 line_handler& handler, std::shared_ptr<spdlog::logger> log) {
    auto url = parse_ws_url(options.url);
    if (!url)
        return {nullptr, "upstream " + options.name + ": bad URL " + redact_credentials(options.url) + ": " +
                             ws_url_problem(options.url)};
    auto client = std::make_shared<upstream_client>(std::move(executor), std::move(options), std::move(*url),
                                                    handler, log);
    // For ws:// too: an unreadable --ca-file is an error at start whatever
    // the scheme (the context then goes unused).
    const tls_trust trust{.ca_file = client->options_.ca_file,
                          .insecure_skip_verify = client->options_.insecure_skip_verify};
    if (auto error = configure_tls_client(client->tls_context_, trust); !error.empty())
        return {nullptr, "upstream " + client->options_.name + ": " + error};
    return {std::move(client), {}};
}

upstream_client::upstream_client(net::any_io_executor executor, upstream_options options, ws_url url,
                                 line_handler& handler, std::shared_ptr<spdlog::logger> log)
    : executor_(executor),
      options_(std::move(options)),
      url_(std::move(url)),
      handler_(handler),
      log_(std::move(log)),
      tls_context_(net::ssl::context::tls_client),
      resolver_(executor),
      attempt_timer_(executor),
      stale_timer_(executor),
      parser_(parser_options{.max_frame_bytes = options_.read_message_max}),
      backoff_(options_.reconnect) {}

void upstream_client::run() {
    net::post(executor_, [self = shared_from_this()] {
        if (self->phase_ == phase::idle) self->do_resolve();
    });
}

void upstream_client::stop() {
    if (phase_ == phase::stopped) return;
    const bool open = phase_ == phase::open;
    phase_ = phase::stopped;
    resolver_.cancel();
    attempt_timer_.cancel();
    stale_timer_.cancel();
    if (open) {
        // The pending read completes when the close handshake does (or its
        // timeout, set at handshake time, expires).
        with_ws([&](auto& ws) {
            ws.async_close(websocket::close_reason(websocket::close_code::going_away, "shutting down"),
                           beast::bind_front_handler(&upstream_client::on_close, shared_from_this()));
        });
    } else {
        drop_socket();
    }
}

void upstream_client::restart() {
    if (phase_ == phase::stopped) return;
    restart_now_ = true;
    if (phase_ == phase::waiting) {
        attempt_timer_.cancel();
        return;
    }
    if (phase_ == phase::open) {
        end_reason_ = "resume requested";
        drop_socket();
    }
    // An attempt in progress asks for the newest position anyway.
}

void upstream_client::do_resolve() {
    ++attempt_;
    phase_ = phase::resolving;
    plain_.reset();
    tls_.reset();
    buffer_.clear();
    end_reason_.clear();
    // The resolver has no deadline of its own.
    attempt_timer_.expires_after(options_.connect_timeout);
    attempt_timer_.async_wait(
        beast::bind_front_handler(&upstream_client::on_attempt_deadline, shared_from_this(), attempt_));
    resolver_.async_resolve(
        url_.host, url_.port,
        beast::bind_front_handler(&upstream_client::on_resolve, shared_from_this(), attempt_));
}

void upstream_client::on_attempt_deadline(std::uint64_t attempt, beast::error_code ec) {
    if (ec || attempt != attempt_ || phase_ != phase::resolving) return;
    resolver_.cancel();
}

void upstream_client::on_resolve(std::uint64_t attempt, beast::error_code ec,
                                 tcp::resolver::results_type results) {
    if (phase_ == phase::stopped || attempt != attempt_) return;
    attempt_timer_.cancel();
    if (ec) return attempt_failed("resolve", ec);
    phase_ = phase::connecting;
    if (url_.tls) {
        tls_ = std::make_unique<tls_ws>(executor_, tls_context_);
    } else {
        plain_ = std::make_unique<plain_ws>(executor_);
    }
    with_ws([&](auto& ws) {
        auto& tcp_layer = beast::get_lowest_layer(ws);
        tcp_layer.expires_after(options_.connect_timeout);
        tcp_layer.async_connect(results,
                                beast::bind_front_handler(&upstream_client::on_connect, shared_from_this()));
    });
}

void upstream_client::on_connect(beast::error_code ec, tcp::endpoint) {
    if (phase_ == phase::stopped) return;
    if (ec) return attempt_failed("connect", ec);
    phase_ = phase::handshaking;
    if (!tls_) return do_ws_handshake();

    auto& ssl = tls_->next_layer();
    if (auto failed = prepare_tls_stream(ssl, url_.host, options_.insecure_skip_verify))
        return attempt_failed("tls", failed);
    beast::get_lowest_layer(*tls_).expires_after(options_.handshake_timeout);
    ssl.async_handshake(net::ssl::stream_base::client,
                        beast::bind_front_handler(&upstream_client::on_tls_handshake, shared_from_this()));
}

void upstream_client::on_tls_handshake(beast::error_code ec) {
    if (phase_ == phase::stopped) return;
    if (ec) return attempt_failed("tls", ec);
    do_ws_handshake();
}

void upstream_client::do_ws_handshake() {
    since_ = handler_.resume_position();
    std::string target = url_.target;
    if (since_) target = with_query(target, "since", std::to_string(*since_));
    const std::string host = host_header(url_);

    with_ws([&](auto& ws) {
        // The WebSocket layer keeps its own deadlines from here on.
        beast::get_lowest_layer(ws).expires_never();
        ws.set_option(websocket::stream_base::timeout{
            .handshake_timeout = options_.handshake_timeout,
            .idle_timeout = websocket::stream_base::none(),
            .keep_alive_pings = false,
        });
        ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& req) {
            req.set(http::field::user_agent, "splitstream");
            if (!options_.bearer_token.empty())
                req.set(http::field::authorization, "Bearer " + options_.bearer_token);
            for (const auto& [name, value] : options_.headers) req.set(name, value);
        }));
        ws.read_message_max(options_.read_message_max);
        ws.async_handshake(host, target,
                           beast::bind_front_handler(&upstream_client::on_ws_handshake, shared_from_this()));
    });
}

void upstream_client::on_ws_handshake(beast::error_code ec) {
    if (phase_ == phase::stopped) return;
    if (ec) return attempt_failed("websocket", ec);
    phase_ = phase::open;
    backoff_.reset();
    log_->info("upstream {} connected to {}{}", options_.name, redact_credentials(options_.url),
               since_ ? " since " + std::to_string(*since_) : std::string());
    handler_.on_line_up(options_.line, since_);
    if (phase_ != phase::open) return;
    last_frame_ = std::chrono::steady_clock::now();
    arm_stale_timer();
    do_read();
}

void upstream_client::do_read() {
    with_ws([&](auto& ws) {
        ws.async_read(buffer_, beast::bind_front_handler(&upstream_client::on_read, shared_from_this()));
    });
}

void upstream_client::on_read(beast::error_code ec, std::size_t) {
    if (phase_ == phase::stopped) return;
    if (ec) return connection_ended(ec);
    handler_.on_line_frame(take_frame(buffer_, options_.line, parser_, last_frame_));
    // The handler may have asked for a restart or a stop; the socket is then
    // closed and this read completes at once with an error.
    if (phase_ == phase::stopped) return;
    do_read();
}

void upstream_client::arm_stale_timer() {
    stale_timer_.expires_at(last_frame_ + options_.stale_after);
    stale_timer_.async_wait(
        beast::bind_front_handler(&upstream_client::on_stale_timer, shared_from_this(), attempt_));
}

void upstream_client::on_stale_timer(std::uint64_t attempt, beast::error_code ec) {
    if (ec || attempt != attempt_ || phase_ != phase::open) return;
    const auto silent = std::chrono::steady_clock::now() - last_frame_;
    // Frames reset nothing but last_frame_; the timer re-arms for the rest.
    if (silent < options_.stale_after) return arm_stale_timer();
    const auto silent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(silent);
    log_->warn("upstream {} stale: no frame for {} ms, reconnecting", options_.name, silent_ms.count());
    handler_.on_line_stale(options_.line, silent_ms);
    if (phase_ != phase::open) return;
    end_reason_ = "stale";
    // No close handshake: a silent peer would not answer it.
    drop_socket();
}

void upstream_client::on_close(beast::error_code ec) {
    if (ec && !is_ordinary_ending(ec)) log_->debug("upstream {} close: {}", options_.name, ec.message());
    drop_socket();
}

void upstream_client::attempt_failed(std::string_view step, beast::error_code ec) {
    std::string error = ec.message();
    if (step == "tls" && tls_ && certificate_refused(ec)) {
        // The one failure a retry never fixes: say what to change.
        error = tls_failure_text(ec, tls_->next_layer());
        log_->error("upstream {} ({}): TLS handshake failed: {}; {}; retrying", options_.name,
                    redact_credentials(options_.url), error, refused_certificate_advice);
    } else {
        log_->warn("upstream {} ({}): {} failed: {}", options_.name, redact_credentials(options_.url), step,
                   error);
    }
    handler_.on_line_attempt_failed(options_.line, step, error);
    if (phase_ == phase::stopped) return;
    schedule_reconnect();
}

void upstream_client::connection_ended(beast::error_code ec) {
    stale_timer_.cancel();
    std::string reason = end_reason_.empty() ? ec.message() : end_reason_;
    if (ec == websocket::error::message_too_big) {
        reason = "frame over " + std::to_string(options_.read_message_max) + " bytes";
        log_->warn("upstream {}: frame over {} bytes, closed with 1009", options_.name,
                   options_.read_message_max);
        handler_.on_line_oversize(options_.line);
    } else if (!end_reason_.empty() || is_ordinary_ending(ec)) {
        log_->debug("upstream {} disconnected: {}", options_.name, reason);
    } else {
        log_->warn("upstream {} disconnected: {}", options_.name, reason);
    }
    if (phase_ == phase::stopped) return;
    phase_ = phase::waiting;
    handler_.on_line_down(options_.line, reason);
    schedule_reconnect();
}

void upstream_client::schedule_reconnect() {
    if (phase_ == phase::stopped) return;
    phase_ = phase::waiting;
    drop_socket();
    const auto delay = restart_now_ ? std::chrono::milliseconds(0) : backoff_.next();
    restart_now_ = false;
    handler_.on_line_reconnect(options_.line, delay);
    if (phase_ != phase::waiting) return;
    attempt_timer_.expires_after(delay);
    attempt_timer_.async_wait(
        beast::bind_front_handler(&upstream_client::on_retry_timer, shared_from_this(), attempt_));
}

void upstream_client::on_retry_timer(std::uint64_t attempt, beast::error_code ec) {
    if (phase_ != phase::waiting || attempt != attempt_) return;
    // Cancelled by restart(): connect at once rather than wait out the delay.
    if (ec && ec != net::error::operation_aborted) return;
    do_resolve();
}

void upstream_client::drop_socket() {
    beast::error_code ignored;
    with_ws([&](auto& ws) {
        auto& tcp_layer = beast::get_lowest_layer(ws);
        if (tcp_layer.socket().is_open()) tcp_layer.socket().close(ignored);
    });
}

}  // namespace splitstream::ingest
