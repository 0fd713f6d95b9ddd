#include "daemon/scoreboard_listener.hpp"

#include <spdlog/spdlog.h>

#include <array>

#include "base/connection_ending.hpp"
#include "base/listen_on.hpp"

namespace splitstream::daemon {

// One FinishLynx scoreboard connection: reads until it ends.
class scoreboard_session : public std::enable_shared_from_this<scoreboard_session> {
public:
    scoreboard_session(tcp::socket socket, std::shared_ptr<scoreboard_listener> owner, int id)
        : socket_(std::move(socket)), owner_(std::move(owner)), id_(id) {
        beast::error_code ec;
        const auto remote = socket_.remote_endpoint(ec);
        peer_ = ec ? std::string("scoreboard")
                   : "scoreboard " + remote.address().to_string() + ":" + std::to_string(remote.port());
    }
    ~scoreboard_session() {
        --owner_->open_;
        owner_->on_closed_(id_);
    }

    void do_read() {
        socket_.async_read_some(net::buffer(buffer_),
                                beast::bind_front_handler(&scoreboard_session::on_read, shared_from_this()));
    }

private:
    void on_read(beast::error_code ec, std::size_t n) {
        if (owner_->stopped_) return;
        if (n > 0) owner_->on_bytes_(id_, std::string_view(buffer_.data(), n), peer_);
        if (ec) {
            if (is_ordinary_ending(ec))
                owner_->log_->info("{} closed", peer_);
            else
                owner_->log_->warn("{}: {}", peer_, ec.message());
            return;
        }
        do_read();
    }

    tcp::socket socket_;
    std::shared_ptr<scoreboard_listener> owner_;
    int id_;
    std::string peer_;
    std::array<char, 4096> buffer_{};
};

scoreboard_listener::scoreboard_listener(net::any_io_executor executor, scoreboard_listen_options options,
                                         bytes_handler on_bytes, closed_handler on_closed,
                                         std::shared_ptr<spdlog::logger> log)
    : acceptor_(executor),
      options_(std::move(options)),
      on_bytes_(std::move(on_bytes)),
      on_closed_(std::move(on_closed)),
      log_(std::move(log)) {}

std::shared_ptr<scoreboard_listener> scoreboard_listener::create(
    net::any_io_executor executor, scoreboard_listen_options options, bytes_handler on_bytes,
    closed_handler on_closed, std::shared_ptr<spdlog::logger> log, std::string& error) {
    std::shared_ptr<scoreboard_listener> l(new scoreboard_listener(executor, options, std::move(on_bytes),
                                                                   std::move(on_closed), std::move(log)));
    if (auto why = listen_on(l->acceptor_, options.address, options.port)) {
        error = "--lynx-scoreboard: " + *why;
        return nullptr;
    }
    return l;
}

tcp::endpoint scoreboard_listener::endpoint() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void scoreboard_listener::start() {
    log_->info("FinishLynx scoreboard listener on {}:{}", options_.address, endpoint().port());
    do_accept();
}

void scoreboard_listener::stop() {
    stopped_ = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
}

void scoreboard_listener::do_accept() {
    acceptor_.async_accept(beast::bind_front_handler(&scoreboard_listener::on_accept, shared_from_this()));
}

void scoreboard_listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
        if (open_ >= options_.max_connections) {
            log_->warn("scoreboard listener: {} connections open, at the limit: one more closed", open_);
        } else {
            ++open_;
            std::make_shared<scoreboard_session>(std::move(socket), shared_from_this(), ++next_id_)
                ->do_read();
        }
    }
    do_accept();
}

}  // namespace splitstream::daemon
