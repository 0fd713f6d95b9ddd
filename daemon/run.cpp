#include "daemon/run.hpp"

#include <csignal>
#include <memory>

namespace splitstream::daemon {

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
        // Subscribers get close_timeout to complete their close handshake;
        // the loop ends when this fires.
        auto guard = std::make_shared<net::steady_timer>(ioc);
        guard->expires_after(close_timeout + std::chrono::seconds(1));
        guard->async_wait([&ioc, guard](beast::error_code) { ioc.stop(); });
    });
    ioc.run();
    main_log->info("stopped");
    return 0;
}

}  // namespace splitstream::daemon
