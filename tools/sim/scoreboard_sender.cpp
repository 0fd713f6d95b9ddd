#include "tools/sim/scoreboard_sender.hpp"

#include <thread>

#include "base/host_port.hpp"
#include "base/net.hpp"
#include "tools/sim/live_pace.hpp"

namespace splitstream::sim {

namespace {

// Runs the one operation started on `ioc` to its end (its deadline bounds it).
void run_one(net::io_context& ioc) {
    ioc.restart();
    ioc.run();
}

beast::error_code connect(net::io_context& ioc, beast::tcp_stream& stream, const push_options& o) {
    beast::error_code result;
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (ec) return ec;
    stream.expires_after(o.timeout);
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { result = e; });
    run_one(ioc);
    if (!result) stream.socket().set_option(tcp::no_delay(true), ec);
    return result;
}

}  // namespace

push_result send_scoreboard(const std::vector<timed_payload>& stream, const push_options& o,
                            spdlog::logger& log) {
    push_result out;
    net::io_context ioc;
    beast::tcp_stream socket(ioc);
    const auto where = format_host_port(o.host, o.port);
    beast::error_code ec;
    for (int attempt = 1; attempt <= o.attempts; ++attempt) {
        ec = connect(ioc, socket, o);
        if (!ec) break;
        log.debug("sim: connecting to {} (attempt {} of {}): {}", where, attempt, o.attempts, ec.message());
        socket.close();
        if (attempt < o.attempts) std::this_thread::sleep_for(o.retry_wait);
    }
    if (ec) {
        out.error = "cannot connect to " + where + " after " + std::to_string(o.attempts) +
                    " attempts: " + ec.message();
        return out;
    }
    log.info("sim: connected to {} as a FinishLynx scoreboard; {} sends to go", where, stream.size());
    live_pace pace(o.session_start_unix_ms, o.speed);
    for (const auto& p : stream) {
        pace.wait_for(p.ts);
        beast::error_code write_ec;
        socket.expires_after(o.timeout);
        net::async_write(socket, net::buffer(p.bytes),
                         [&](beast::error_code e, std::size_t) { write_ec = e; });
        run_one(ioc);
        if (write_ec) {
            out.error = "connection to " + where + " lost after " + std::to_string(out.sent) + " of " +
                        std::to_string(stream.size()) + " sends: " + write_ec.message();
            return out;
        }
        ++out.sent;
    }
    socket.socket().shutdown(tcp::socket::shutdown_send, ec);
    return out;
}

}  // namespace splitstream::sim
