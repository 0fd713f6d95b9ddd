#include "daemon/run.hpp"

#include <csignal>
#include <memory>

namespace splitstream::daemon {

namespace {

// How often a stopping daemon looks whether its subscribers have closed: a
// loopback close handshake takes well under a millisecond, so the process
// ends within this of the last one.
constexpr auto drain_poll = std::chrono::milliseconds(5);

// After stop(): ends the loop once every subscriber has closed, or at
// `deadline` for those that never answer the close handshake.
void end_when_drained(net::io_context& ioc, const service& svc, std::shared_ptr<net::steady_timer> timer,
                      std::chrono::steady_clock::time_point deadline,
                      const std::shared_ptr<spdlog::logger>& log) {
    const auto open = svc.connections();
    if (open == 0) return ioc.stop();
    if (std::chrono::steady_clock::now() >= deadline) {
        log->warn("{} subscribers did not finish their close handshake in time; stopping without them", open);
        return ioc.stop();
    }
    timer->expires_after(drain_poll);
    timer->async_wait([&ioc, &svc, timer, deadline, log](beast::error_code ec) {
        if (!ec) end_when_drained(ioc, svc, timer, deadline, log);
    });
}

}  // namespace

int run_until_signalled(service_options options, service_logs logs) {
    net::io_context ioc{1};
    const auto close_timeout = options.publish.close_timeout;
    auto main_log = logs.main;
    service svc(ioc, std::move(options), std::move(logs));
    if (svc.start()) return 1;
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code ec, int sig) {
        if (ec) return;
        main_log->info("signal {}: shutting down", sig);
        svc.stop();
        // Subscribers that answer the close frame are gone within
        // milliseconds; the loop ends then. One that does not answer holds
        // the process for close_timeout at most (plus a second for the
        // session's own timer to end it), and the log says why.
        if (const auto open = svc.connections(); open > 0)
            main_log->info("waiting up to {} ms for {} connection{} to close", close_timeout.count(), open,
                           open == 1 ? "" : "s");
        end_when_drained(ioc, svc, std::make_shared<net::steady_timer>(ioc),
                         std::chrono::steady_clock::now() + close_timeout + std::chrono::seconds(1),
                         main_log);
    });
    ioc.run();
    main_log->info("stopped");
    return 0;
}

}  // namespace splitstream::daemon
