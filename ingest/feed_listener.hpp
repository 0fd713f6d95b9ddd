#pragma once
// Accepts timing systems that push the feed to splitstream
// (`--feed-listen HOST:PORT --feed-token TOKEN`), one push_session each,
// each on its own line number (first_line, first_line + 1, ...). Owned by
// its pending accept; feed_ingest keeps a shared_ptr to stop it.

#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "ingest/line_handler.hpp"
#include "ingest/push_session.hpp"

namespace splitstream::ingest {

class feed_listener : public std::enable_shared_from_this<feed_listener> {
public:
    struct created {
        std::shared_ptr<feed_listener> listener;  // null on error
        std::string error;
    };

    // Binds and listens now, so the port is known (and a bind error
    // reported) before run().
    static created create(net::any_io_executor executor, listen_options options, int first_line,
                          line_handler& handler, std::shared_ptr<spdlog::logger> log);

    void run();
    // Stops accepting and stops every session.
    void stop();
    tcp::endpoint local_endpoint() const;
    // Counts every refused connection in `registry` (which must outlive the
    // listener) as ingest_push_refused_total{reason}.
    void count_refusals_in(metrics_registry& registry);

    feed_listener(net::any_io_executor executor, listen_options options, int first_line,
                  line_handler& handler, std::shared_ptr<spdlog::logger> log);

private:
    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    void make_room_for_pending();

    net::any_io_executor executor_;
    listen_options options_;
    tcp::acceptor acceptor_;
    int next_line_;
    line_handler& handler_;
    std::shared_ptr<spdlog::logger> log_;
    std::vector<std::weak_ptr<push_session>> sessions_;
    std::shared_ptr<push_listener_state> shared_ = std::make_shared<push_listener_state>();
    bool stopped_ = false;
};

}  // namespace splitstream::ingest
