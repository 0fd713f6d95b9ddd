#include "ingest/feed_listener.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace splitstream::ingest {

feed_listener::created feed_listener::create(net::any_io_executor executor, listen_options options,
                                             int first_line, line_handler& handler,
                                             std::shared_ptr<spdlog::logger> log) {
    if (options.token.empty()) return {nullptr, "feed listener: a feed token is required"};
    beast::error_code ec;
    const auto address = net::ip::make_address(options.address, ec);
    if (ec) return {nullptr, "feed listener: bad address " + options.address + ": " + ec.message()};
    const tcp::endpoint endpoint(address, options.port);
    auto listener = std::make_shared<feed_listener>(std::move(executor), std::move(options), first_line,
                                                    handler, std::move(log));
    auto& acceptor = listener->acceptor_;
    const auto where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    if (acceptor.open(endpoint.protocol(), ec); ec) return {nullptr, "feed listener: open: " + ec.message()};
    if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec)
        return {nullptr, "feed listener: reuse_address: " + ec.message()};
    if (acceptor.bind(endpoint, ec); ec)
        return {nullptr, "feed listener: bind " + where + ": " + ec.message()};
    if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec)
        return {nullptr, "feed listener: listen " + where + ": " + ec.message()};
    return {std::move(listener), {}};
}

feed_listener::feed_listener(net::any_io_executor executor, listen_options options, int first_line,
                             line_handler& handler, std::shared_ptr<spdlog::logger> log)
    : executor_(executor),
      options_(std::move(options)),
      acceptor_(executor),
      next_line_(first_line),
      handler_(handler),
      log_(std::move(log)) {}

void feed_listener::count_refusals_in(metrics_registry& registry) {
    for (std::size_t i = 0; i < push_refusal_count; ++i)
        shared_->refused[i] =
            &registry.make_counter("ingest_push_refused_total", "Push connections refused, by reason",
                                   {{"reason", to_string(static_cast<push_refusal>(i))}});
}

tcp::endpoint feed_listener::local_endpoint() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void feed_listener::run() {
    log_->info("accepting pushed feeds on {}:{}", local_endpoint().address().to_string(),
               local_endpoint().port());
    do_accept();
}

void feed_listener::stop() {
    if (stopped_) return;
    stopped_ = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    for (auto& weak : sessions_)
        if (auto session = weak.lock()) session->stop();
    sessions_.clear();
}

// Connections that have not authenticated yet are bounded by their
// handshake deadline and by max_pending. At the bound the oldest goes, not
// the newest: whoever holds many idle sockets cannot keep a real pusher
// from being read.
void feed_listener::make_room_for_pending() {
    std::size_t pending = 0;
    for (const auto& weak : sessions_)
        if (auto session = weak.lock(); session && session->pending()) ++pending;
    for (auto& weak : sessions_) {
        if (pending < options_.max_pending) return;
        if (auto session = weak.lock(); session && session->pending()) {
            session->stop();
            --pending;
        }
    }
}

void feed_listener::do_accept() {
    // Sessions share the listener's executor: the line handler they report
    // to is not thread-safe.
    acceptor_.async_accept(beast::bind_front_handler(&feed_listener::on_accept, shared_from_this()));
}

void feed_listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (ec) {
        log_->warn("feed listener: accept: {}", ec.message());
        if (ec == net::error::operation_aborted) return;
    } else {
        std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
        make_room_for_pending();
        auto session = std::make_shared<push_session>(std::move(socket), next_line_++, options_, handler_,
                                                      log_, shared_);
        sessions_.push_back(session);
        session->run();
    }
    do_accept();
}

}  // namespace splitstream::ingest
