#include "tools/tail/tail_client.hpp"
#include "base/connection_ending.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

namespace splitstream::tail {

namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
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

std::optional<ws_url> parse_ws_url(const std::string& url) {
    const std::string scheme = "ws://";
    if (url.rfind(scheme, 0) != 0) return std::nullopt;
    auto rest = url.substr(scheme.size());
    auto slash = rest.find_first_of("/?");
    auto hostport = rest.substr(0, slash);
    ws_url u;
    u.path = slash == std::string::npos ? "/v1/stream" : rest.substr(slash);
    if (!u.path.empty() && u.path[0] == '?') u.path = "/v1/stream" + u.path;
    auto colon = hostport.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == hostport.size()) return std::nullopt;
    u.host = hostport.substr(0, colon);
    u.port = hostport.substr(colon + 1);
    if (u.host.size() > 2 && u.host.front() == '[' && u.host.back() == ']')
        u.host = u.host.substr(1, u.host.size() - 2);
    return u;
}

tail_client::tail_client(net::io_context& ioc, tail_options options, std::ostream& out,
                         std::shared_ptr<spdlog::logger> log)
    : ioc_(ioc),
      opt_(std::move(options)),
      url_(parse_ws_url(opt_.url).value_or(ws_url{})),
      out_(out),
      log_(std::move(log)),
      resolver_(ioc),
      backoff_timer_(ioc),
      deadline_(ioc),
      backoff_(opt_.backoff_initial) {}

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
    if (ws_) {
        beast::error_code ignored;
        beast::get_lowest_layer(*ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(*ws_).close();
    }
}

std::string tail_client::target() const {
    std::string t = url_.path;
    char sep = t.find('?') == std::string::npos ? '?' : '&';
    auto add = [&](const std::string& key, const std::string& value) {
        t += sep + key + "=" + value;
        sep = '&';
    };
    if (!opt_.events.empty()) add("events", joined(opt_.events));
    if (!opt_.types.empty()) add("types", joined(opt_.types));
    if (stats_.last_seq > 0) {
        add("since", std::to_string(stats_.last_seq));
        if (!stats_.epoch.empty()) add("epoch", stats_.epoch);
    }
    return t;
}

void tail_client::do_resolve() {
    if (stopped_) return;
    resolver_.async_resolve(url_.host, url_.port,
                            beast::bind_front_handler(&tail_client::on_resolve, shared_from_this()));
}

void tail_client::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return schedule_reconnect(ec, "resolve");
    // A fresh stream per connection: a websocket stream cannot be reused.
    ws_.emplace(net::make_strand(ioc_));
    ws_->read_message_max(opt_.max_message_bytes);
    beast::get_lowest_layer(*ws_).expires_after(opt_.connect_timeout);
    beast::get_lowest_layer(*ws_).async_connect(
        results, beast::bind_front_handler(&tail_client::on_connect, shared_from_this()));
}

void tail_client::on_connect(beast::error_code ec, tcp::endpoint) {
    if (ec) return schedule_reconnect(ec, "connect");
    beast::get_lowest_layer(*ws_).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = opt_.connect_timeout;
    t.idle_timeout = opt_.idle_timeout;
    t.keep_alive_pings = true;
    ws_->set_option(t);
    ws_->async_handshake(url_.host + ":" + url_.port, target(),
                         beast::bind_front_handler(&tail_client::on_handshake, shared_from_this()));
}

void tail_client::on_handshake(beast::error_code ec) {
    if (ec) return schedule_reconnect(ec, "handshake");
    ++stats_.connects;
    backoff_ = opt_.backoff_initial;
    log_->debug("tail: connected to {}:{}{}", url_.host, url_.port, target());
    do_read();
}

void tail_client::do_read() {
    ws_->async_read(buffer_, beast::bind_front_handler(&tail_client::on_read, shared_from_this()));
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

// "Men's 1500 metres Final: started, 12 athletes, leader Josh KERR (GBR)"
std::string snapshot_summary(simdjson::dom::element state) {
    std::string_view name, status;
    if (state["name"].get_string().get(name) != simdjson::SUCCESS) name = "event";
    if (state["status"].get_string().get(status) != simdjson::SUCCESS) status = "unknown";
    std::string out = std::string(name) + ": " + std::string(status);
    simdjson::dom::array athletes;
    if (state["athletes"].get_array().get(athletes) == simdjson::SUCCESS)
        out += ", " + std::to_string(athletes.size()) + " athletes";
    std::string_view leader, country;
    simdjson::dom::object lead;
    if (state["leader"].get_object().get(lead) == simdjson::SUCCESS &&
        lead["name"].get_string().get(leader) == simdjson::SUCCESS) {
        out += ", leader " + std::string(leader);
        if (lead["country"].get_string().get(country) == simdjson::SUCCESS)
            out += " (" + std::string(country) + ")";
    }
    return out;
}

}  // namespace

bool tail_client::wanted_event(std::string_view event) const {
    return wanted(opt_.events, event);
}

void tail_client::handle(std::string_view frame) {
    simdjson::dom::element el;
    if (parser_.parse(frame.data(), frame.size()).get(el) != simdjson::SUCCESS) {
        log_->warn("tail: a frame that is not JSON ({} bytes), skipped", frame.size());
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
            if (!stats_.epoch.empty()) log_->info("tail: new epoch {} (was {})", epoch, stats_.epoch);
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
            print(frame, event, snapshot_summary(el["state"]), type);
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
    if (is_ordinary_ending(ec) || ec == beast::error::timeout)  // the tail reconnects
        log_->info("tail: {}: {}; reconnecting in {} ms", what, ec.message(), backoff_.count());
    else
        log_->warn("tail: {}: {}; reconnecting in {} ms", what, ec.message(), backoff_.count());
    if (ws_) {
        beast::error_code ignored;
        beast::get_lowest_layer(*ws_).socket().close(ignored);
    }
    buffer_.consume(buffer_.size());
    // Jitter of up to a quarter of the wait, so many clients do not return at once.
    jitter_state_ = jitter_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    auto jitter = std::chrono::milliseconds(
        backoff_.count() > 0 ? static_cast<std::int64_t>((jitter_state_ >> 33) %
                                                         static_cast<std::uint64_t>(backoff_.count() / 4 + 1))
                             : 0);
    backoff_timer_.expires_after(backoff_ + jitter);
    backoff_timer_.async_wait(beast::bind_front_handler(&tail_client::on_backoff, shared_from_this()));
    backoff_ = std::min(backoff_ * 2, opt_.backoff_max);
}

void tail_client::on_backoff(beast::error_code ec) {
    if (ec || stopped_) return;
    do_resolve();
}

int run_tail(const tail_options& options, std::ostream& out, std::shared_ptr<spdlog::logger> log) {
    if (!parse_ws_url(options.url)) {
        log->error("tail: bad URL {} (expected ws://HOST:PORT[/v1/stream])", options.url);
        return 1;
    }
    net::io_context ioc{1};
    auto client = std::make_shared<tail_client>(ioc, options, out, log);
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code ec, int) {
        if (!ec) client->stop();
    });
    client->run();
    // The signal wait would keep run() going after the client is done.
    while (!client->done() && ioc.run_one() > 0) {
    }
    signals.cancel();
    ioc.run();
    return 0;
}

}  // namespace splitstream::tail
