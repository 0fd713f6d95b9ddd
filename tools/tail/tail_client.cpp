// `splitstream tail`: connection, resume and printing of a subscriber.

#include "tools/tail/tail_client.hpp"

#include "base/connection_ending.hpp"
#include "tools/tail/snapshot_line.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace splitstream::tail {

namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

// `delay=` as decimal seconds, shortest form ("5", "1.5").
std::string delay_text(std::chrono::milliseconds d) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(d.count()) / 1000.0);
    return std::string(buf, r.ptr);
}

std::string local_clock() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
    return buf;
}

}  // namespace

tail_client::created tail_client::create(net::io_context& ioc, tail_options options, std::ostream& out,
                                         std::shared_ptr<spdlog::logger> log) {
    auto url = ingest::parse_ws_url(options.url, default_stream_path);
    if (!url)
        return {nullptr, "bad URL " + options.url + ": " + ingest::ws_url_problem(options.url) +
                             " (expected ws://HOST[:PORT][/v1/stream] or wss://...)"};
    auto client =
        std::make_shared<tail_client>(ioc, std::move(options), std::move(*url), out, std::move(log));
    if (client->url_.tls) {
        if (auto error = ingest::configure_tls_client(client->tls_context_, client->opt_.tls); !error.empty())
            return {nullptr, error};
    }
    return {std::move(client), {}};
}

tail_client::tail_client(net::io_context& ioc, tail_options options, ingest::ws_url url, std::ostream& out,
                         std::shared_ptr<spdlog::logger> log)
    : ioc_(ioc),
      opt_(std::move(options)),
      url_(std::move(url)),
      out_(out),
      log_(std::move(log)),
      tls_context_(net::ssl::context::tls_client),
      resolver_(ioc),
      backoff_timer_(ioc),
      deadline_(ioc),
      backoff_(opt_.reconnect) {}

void tail_client::run() {
    if (opt_.duration) {
        deadline_.expires_after(*opt_.duration);
        deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->stop();
        });
    }
    do_resolve();
}

void tail_client::stop() {
    if (stopped_) return;
    stopped_ = true;
    resolver_.cancel();
    backoff_timer_.cancel();
    deadline_.cancel();
    with_ws([](auto& ws) {
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws).close();
    });
}

void tail_client::close_socket() {
    with_ws([](auto& ws) {
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
    });
}

std::string tail_client::target() const {
    std::string t = url_.target;
    if (!opt_.events.empty()) t = ingest::with_query(t, "events", joined(opt_.events));
    if (!opt_.types.empty()) t = ingest::with_query(t, "types", joined(opt_.types));
    if (stats_.last_seq > 0) {
        t = ingest::with_query(t, "since", std::to_string(stats_.last_seq));
        if (!stats_.epoch.empty()) t = ingest::with_query(t, "epoch", stats_.epoch);
    } else if (opt_.recent > 0) {
        // Only on a first join: a reconnect resumes exactly with since.
        t = ingest::with_query(t, "recent", std::to_string(opt_.recent));
    }
    // On every connection, so a resumed tail stays as far behind.
    if (opt_.delay) t = ingest::with_query(t, "delay", delay_text(*opt_.delay));
    return t;
}

void tail_client::do_resolve() {
    if (stopped_) return;
    resolver_.async_resolve(url_.host, url_.port,
                            beast::bind_front_handler(&tail_client::on_resolve, shared_from_this()));
}

void tail_client::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return schedule_reconnect(ec, "resolve");
    plain_.reset();
    tls_.reset();
    if (url_.tls)
        tls_ = std::make_unique<tls_ws>(net::make_strand(ioc_), tls_context_);
    else
        plain_ = std::make_unique<plain_ws>(net::make_strand(ioc_));
    with_ws([&](auto& ws) {
        ws.read_message_max(opt_.max_message_bytes);
        beast::get_lowest_layer(ws).expires_after(opt_.connect_timeout);
        beast::get_lowest_layer(ws).async_connect(
            results, beast::bind_front_handler(&tail_client::on_connect, shared_from_this()));
    });
}

void tail_client::on_connect(beast::error_code ec, tcp::endpoint) {
    if (ec) return schedule_reconnect(ec, "connect");
    if (!tls_) return do_ws_handshake();
    if (auto failed =
            ingest::prepare_tls_stream(tls_->next_layer(), url_.host, opt_.tls.insecure_skip_verify))
        return schedule_reconnect(failed, "tls");
    beast::get_lowest_layer(*tls_).expires_after(opt_.connect_timeout);
    tls_->next_layer().async_handshake(
        net::ssl::stream_base::client,
        beast::bind_front_handler(&tail_client::on_tls_handshake, shared_from_this()));
}

void tail_client::on_tls_handshake(beast::error_code ec) {
    if (ec) return schedule_reconnect(ec, "tls");
    do_ws_handshake();
}

void tail_client::do_ws_handshake() {
    with_ws([&](auto& ws) {
        beast::get_lowest_layer(ws).expires_never();
        websocket::stream_base::timeout t;
        t.handshake_timeout = opt_.connect_timeout;
        t.idle_timeout = opt_.idle_timeout;
        t.keep_alive_pings = true;
        ws.set_option(t);
        ws.async_handshake(ingest::host_header(url_), target(),
                           beast::bind_front_handler(&tail_client::on_handshake, shared_from_this()));
    });
}

void tail_client::on_handshake(beast::error_code ec) {
    if (ec) return schedule_reconnect(ec, "handshake");
    ++stats_.connects;
    backoff_.reset();
    log_->debug("connected to {}{}", opt_.url, target());
    do_read();
}

void tail_client::do_read() {
    with_ws([&](auto& ws) {
        ws.async_read(buffer_, beast::bind_front_handler(&tail_client::on_read, shared_from_this()));
    });
}

void tail_client::on_read(beast::error_code ec, std::size_t) {
    if (ec) return schedule_reconnect(ec, "read");
    auto data = buffer_.cdata();
    handle(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (!stopped_) do_read();
}

namespace {

bool wanted(const std::vector<std::string>& allowed, std::string_view v) {
    return allowed.empty() || std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

}  // namespace

bool tail_client::wanted_event(std::string_view event) const {
    return wanted(opt_.events, event);
}

void tail_client::handle(std::string_view frame) {
    simdjson::dom::element el;
    if (parser_.parse(frame.data(), frame.size()).get(el) != simdjson::SUCCESS) {
        log_->warn("a frame that is not JSON ({} bytes), skipped", frame.size());
        return;
    }
    std::string_view type, event, text;
    // Absent members stay empty: every one of them is optional here.
    if (el["type"].get_string().get(type) != simdjson::SUCCESS) type = {};
    if (el["event"].get_string().get(event) != simdjson::SUCCESS) event = {};
    if (el["text"].get_string().get(text) != simdjson::SUCCESS) text = {};
    if (type == "hello") {
        std::string_view epoch;
        if (el["epoch"].get_string().get(epoch) == simdjson::SUCCESS && epoch != stats_.epoch) {
            // A new epoch numbers its events from the start again.
            if (!stats_.epoch.empty()) log_->info("new epoch {} (was {})", epoch, stats_.epoch);
            stats_.epoch = std::string(epoch);
            stats_.last_seq = 0;
        }
        return;
    }
    if (type == "heartbeat" || type == "pong") return;
    if (type == "snapshot") {
        // Where each race stands when we join, so the terminal is not blank
        // until the next event happens (a gun may be minutes away).
        if (opt_.format == tail_format::json)
            print(frame, event, text, type);
        else if (wanted_event(event))
            print(frame, event, snapshot_line(el["state"]), type);
        return;
    }
    std::uint64_t seq = 0;
    if (el["seq"].get_uint64().get(seq) == simdjson::SUCCESS) {
        if (seq <= stats_.last_seq) {
            ++stats_.skipped_duplicates;
            return;
        }
        stats_.last_seq = seq;
    }
    // The server filters too; this keeps the promise against a server that
    // ignores the query (a raw timing feed, for one).
    if (!wanted(opt_.types, type) || !wanted_event(event)) return;
    print(frame, event, text, type);
    ++stats_.printed;
    if (opt_.count && stats_.printed >= *opt_.count) stop();
}

void tail_client::print(std::string_view frame, std::string_view event, std::string_view text,
                        std::string_view type) {
    if (opt_.format == tail_format::json) {
        out_ << frame << '\n';
    } else {
        out_ << local_clock() << "  " << (event.empty() ? "-" : event) << "  ";
        if (!text.empty())
            out_ << text;
        else
            out_ << type << ' ' << frame;
        out_ << '\n';
    }
    out_.flush();
}

void tail_client::schedule_reconnect(beast::error_code ec, const char* what) {
    if (stopped_) return;
    const auto delay = backoff_.next();
    if (tls_ && std::string_view(what) == "tls" && ingest::certificate_refused(ec))
        // The one failure a retry never fixes: say what to change.
        log_->error("TLS handshake failed: {}; {}; retrying in {} ms",
                    ingest::tls_failure_text(ec, tls_->next_layer()), ingest::refused_certificate_advice,
                    delay.count());
    else if (is_ordinary_ending(ec) || ec == beast::error::timeout)  // the tail reconnects
        log_->info("{}: {}; reconnecting in {} ms", what, ec.message(), delay.count());
    else
        log_->warn("{}: {}; reconnecting in {} ms", what, ec.message(), delay.count());
    close_socket();
    buffer_.consume(buffer_.size());
    backoff_timer_.expires_after(delay);
    backoff_timer_.async_wait(beast::bind_front_handler(&tail_client::on_backoff, shared_from_this()));
}

void tail_client::on_backoff(beast::error_code ec) {
    if (ec || stopped_) return;
    do_resolve();
}

int run_tail(const tail_options& options, std::ostream& out, std::shared_ptr<spdlog::logger> log) {
    net::io_context ioc{1};
    auto made = tail_client::create(ioc, options, out, log);
    if (!made.client) {
        log->error("{}", made.error);
        return 1;
    }
    auto client = std::move(made.client);
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code ec, int) {
        if (!ec) client->stop();
    });
    client->run();
    // The signal wait would keep run() going after the client is done.
    while (!client->done() && ioc.run_one() > 0) {
    }
    signals.cancel();
    // Every line was flushed as printed, so nothing is left to wait for but
    // the completions of the closed socket. Beast's WebSocket keeps its
    // ping timer until it fires (up to half the idle timeout, seconds
    // away), so the loop gets a short bound instead of running dry.
    ioc.run_for(stop_grace);
    return 0;
}

}  // namespace splitstream::tail
