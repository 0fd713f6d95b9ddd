#include "ingest/push_session.hpp"

#include <openssl/crypto.h>

#include <spdlog/spdlog.h>

#include "base/redact.hpp"
#include "base/request_target.hpp"
#include "ingest/frame_receipt.hpp"

namespace splitstream::ingest {

namespace {

constexpr std::size_t request_header_limit = 8 * 1024;

// Constant time in the token's length, so a wrong guess says nothing about
// how much of it was right.
bool same_secret(std::string_view given, std::string_view expected) {
    return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

}  // namespace

const char* to_string(push_refusal r) {
    switch (r) {
        case push_refusal::unauthorized:
            return "unauthorized";
        case push_refusal::not_websocket:
            return "not_websocket";
        case push_refusal::bad_request:
            return "bad_request";
        case push_refusal::too_many:
            return "too_many";
    }
    return "unknown";
}

push_session::push_session(tcp::socket socket, int line, const listen_options& options, line_handler& handler,
                           std::shared_ptr<spdlog::logger> log, std::shared_ptr<push_listener_state> shared)
    : ws_(std::move(socket)),
      stale_timer_(ws_.get_executor()),
      parser_(parser_options{.max_frame_bytes = options.read_message_max}),
      line_(line),
      options_(options),
      handler_(handler),
      log_(std::move(log)),
      shared_(std::move(shared)) {
    beast::error_code ec;
    const auto ep = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    peer_ = ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

push_session::~push_session() {
    if (holds_slot_) --shared_->authenticated;
}

void push_session::run() {
    do_read_request();
}

void push_session::stop() {
    if (stopped_) return;
    stopped_ = true;
    stale_timer_.cancel();
    if (open_) {
        ws_.async_close(websocket::close_reason(websocket::close_code::going_away, "shutting down"),
                        beast::bind_front_handler(&push_session::on_close, shared_from_this()));
        return;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

void push_session::do_read_request() {
    request_.emplace();
    request_->header_limit(request_header_limit);
    request_->body_limit(0);
    beast::get_lowest_layer(ws_).expires_after(options_.handshake_timeout);
    http::async_read(beast::get_lowest_layer(ws_), buffer_, *request_,
                     beast::bind_front_handler(&push_session::on_read_request, shared_from_this()));
}

bool push_session::authorised() const {
    const auto& req = request_->get();
    const auto header = req[http::field::authorization];
    constexpr std::string_view bearer = "Bearer ";
    if (header.size() > bearer.size() && beast::iequals(header.substr(0, bearer.size()), bearer))
        return same_secret(header.substr(bearer.size()), options_.token);
    // Percent-decoded, so a token with reserved characters can travel in the
    // query; a malformed target carries no token.
    const auto target = parse_request_target(req.target());
    if (!target) return false;
    for (const auto& [key, value] : target->query)
        if (key == "token" && !value.empty()) return same_secret(value, options_.token);
    return false;
}

void push_session::on_read_request(beast::error_code ec, std::size_t) {
    if (stopped_) return;
    if (ec) {
        log_->debug("push {}: upgrade request not read: {}", peer_, ec.message());
        return;
    }
    decided_ = true;
    if (!websocket::is_upgrade(request_->get())) return do_refuse(push_refusal::not_websocket);
    if (options_.token.empty() || !authorised()) return do_refuse(push_refusal::unauthorized);
    // Slots go to authenticated pushers only: an unauthenticated socket
    // never takes the place of the timing system.
    if (shared_->authenticated >= options_.max_connections) return do_refuse(push_refusal::too_many);
    holds_slot_ = true;
    ++shared_->authenticated;

    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout{
        .handshake_timeout = options_.handshake_timeout,
        .idle_timeout = websocket::stream_base::none(),
        .keep_alive_pings = false,
    });
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "splitstream"); }));
    ws_.read_message_max(options_.read_message_max);
    ws_.async_accept(request_->get(),
                     beast::bind_front_handler(&push_session::on_accept, shared_from_this()));
}

void push_session::do_refuse(push_refusal why) {
    auto& res = refusal_.emplace();
    res.version(request_->get().version());
    res.keep_alive(false);
    res.set(http::field::server, "splitstream");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    switch (why) {
        case push_refusal::unauthorized:
            res.result(http::status::unauthorized);
            res.set(http::field::www_authenticate, "Bearer realm=\"splitstream feed\"");
            res.body() =
                "401 Unauthorized: this feed endpoint needs the feed token; send "
                "\"Authorization: Bearer <token>\" or \"?token=<token>\"\n";
            break;
        case push_refusal::not_websocket:
            res.result(http::status::upgrade_required);
            res.set(http::field::upgrade, "websocket");
            res.body() = "426 Upgrade Required: connect with WebSocket to push the timing feed\n";
            break;
        case push_refusal::bad_request:
            res.result(http::status::bad_request);
            res.body() = "400 Bad Request\n";
            break;
        case push_refusal::too_many:
            res.result(http::status::service_unavailable);
            res.body() = "503 Service Unavailable: too many feed connections\n";
            break;
    }
    res.prepare_payload();
    if (auto* refused = shared_->refused[static_cast<std::size_t>(why)]) refused->inc();
    // Anyone can cause this, as often as they like: one line per burst, and
    // never the token a refused request may carry.
    if (const auto unlogged = shared_->refusal_log.admit()) {
        log_->warn("push {}: refused ({}) {}{}", peer_, to_string(why),
                   redact_credentials(request_->get().target()),
                   *unlogged ? " (" + std::to_string(*unlogged) + " more refused since the last line)"
                             : std::string());
    }
    http::async_write(beast::get_lowest_layer(ws_), *refusal_,
                      beast::bind_front_handler(&push_session::on_refused, shared_from_this()));
}

void push_session::on_refused(beast::error_code, std::size_t) {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

void push_session::on_accept(beast::error_code ec) {
    if (stopped_) return;
    if (ec) {
        log_->debug("push {}: WebSocket accept failed: {}", peer_, ec.message());
        return;
    }
    open_ = true;
    log_->info("push {}: timing system connected (line {})", peer_, line_);
    handler_.on_line_up(line_, std::nullopt);
    if (stopped_) return;
    last_frame_ = std::chrono::steady_clock::now();
    arm_stale_timer();
    do_read();
}

void push_session::do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&push_session::on_read, shared_from_this()));
}

void push_session::on_read(beast::error_code ec, std::size_t) {
    if (stopped_) return;
    if (ec) {
        stale_timer_.cancel();
        open_ = false;
        std::string reason = ec.message();
        if (ec == websocket::error::message_too_big) {
            reason = "frame over " + std::to_string(options_.read_message_max) + " bytes";
            log_->warn("push {}: frame over {} bytes, closed with 1009", peer_, options_.read_message_max);
            handler_.on_line_oversize(line_);
        } else {
            log_->info("push {}: disconnected: {}", peer_, reason);
        }
        handler_.on_line_down(line_, reason);
        return;
    }
    handler_.on_line_frame(take_frame(buffer_, line_, parser_, last_frame_));
    if (stopped_) return;
    do_read();
}

void push_session::arm_stale_timer() {
    stale_timer_.expires_at(last_frame_ + options_.stale_after);
    stale_timer_.async_wait(beast::bind_front_handler(&push_session::on_stale_timer, shared_from_this()));
}

void push_session::on_stale_timer(beast::error_code ec) {
    if (ec || stopped_ || !open_) return;
    const auto silent = std::chrono::steady_clock::now() - last_frame_;
    if (silent < options_.stale_after) return arm_stale_timer();
    const auto silent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(silent);
    log_->warn("push {}: stale, no frame for {} ms, closing", peer_, silent_ms.count());
    handler_.on_line_stale(line_, silent_ms);
    // The timing system reconnects when it is alive again.
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

void push_session::on_close(beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

}  // namespace splitstream::ingest
