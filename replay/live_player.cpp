// Serving a recording until a signal (replay/live_player.hpp).

#include "replay/live_player.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "base/host_port.hpp"

namespace splitstream::replay {

std::shared_ptr<spdlog::logger> make_live_player_logger() {
    return std::make_shared<spdlog::logger>("replay",
                                            std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
}

int serve_until_signal(feed_recording recording, feed_server_options options,
                       std::shared_ptr<spdlog::logger> log) {
    net::io_context ioc{1};
    auto frames = recording.frames.size();
    feed_server server(ioc, std::move(recording), options, log);
    if (auto ec = server.start()) {
        log->error("cannot listen on {}: {}", format_host_port(options.host, options.port), ec.message());
        return 1;
    }
    auto ep = server.local_endpoint();
    log->info("serving {} frames on ws://{}/ (speed {}, {})", frames,
              format_host_port(ep.address().to_string(), ep.port()),
              options.speed <= 0 ? std::string("max") : fmt::format("{}x", options.speed),
              options.loop ? "looping" : "once");
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        server.stop();
        ioc.stop();
    });
    ioc.run();
    log->info("stopped: {} connections, {} frames and {} heartbeats sent, {} faults",
              server.stats().connections, server.stats().frames_sent, server.stats().heartbeats_sent,
              server.stats().faults_fired);
    return 0;
}

int run_live_player(const feed_recording& recording, const live_player_options& options) {
    feed_server_options serve;
    serve.host = options.host;
    serve.port = options.port;
    serve.speed = options.speed;
    serve.loop = options.loop;
    serve.spin_before_due = options.spin_before_due;
    return serve_until_signal(cut_recording(recording, options.from_ms, options.to_ms), std::move(serve),
                              options.log ? options.log : make_live_player_logger());
}

}  // namespace splitstream::replay
