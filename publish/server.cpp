#include "publish/server.hpp"

#include <boost/asio/ssl.hpp>
#include <chrono>
#include <stdexcept>

#include "base/host_port.hpp"
#include "publish/hub.hpp"
#include "publish/listener.hpp"
#include "publish/shard.hpp"

namespace splitstream::publish {

server::server(net::io_context& ioc, server_options options, state_provider& provider,
               metrics_registry& registry, std::shared_ptr<spdlog::logger> log)
    : ioc_(ioc), hub_(std::make_shared<hub>(ioc, provider, std::move(options), registry, std::move(log))) {
    const auto& opts = hub_->options();
    for (std::size_t i = 1; i < opts.threads; ++i)
        shards_.push_back(std::make_unique<publish_shard>(opts, registry, hub_->shared_log(), *hub_));
    std::vector<publish_shard*> shards;
    for (auto& s : shards_) shards.push_back(s.get());
    hub_->set_shards(std::move(shards));
}

server::~server() {
    if (listener_) listener_->stop();
    // The hub may outlive the server (its sessions hold it): it must not
    // reach the shards once they are gone.
    hub_->set_shards({});
    for (auto& s : shards_) s->stop();
    shards_.clear();  // waits for their threads
}

void server::start() {
    const auto& opts = hub_->options();
    if (!opts.tls_cert_file.empty() || !opts.tls_key_file.empty()) {
        if (opts.tls_cert_file.empty() || opts.tls_key_file.empty())
            throw std::runtime_error("TLS needs both a certificate file and a key file");
        tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
        tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                          net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                          net::ssl::context::no_tlsv1_1);
        beast::error_code ec;
        tls_->use_certificate_chain_file(opts.tls_cert_file, ec);
        if (ec) throw std::runtime_error("TLS certificate " + opts.tls_cert_file + ": " + ec.message());
        tls_->use_private_key_file(opts.tls_key_file, net::ssl::context::pem, ec);
        if (ec) throw std::runtime_error("TLS key " + opts.tls_key_file + ": " + ec.message());
    }
    hub_->start_history(hub_->provider().head());
    for (auto& s : shards_) s->start(*hub_);
    beast::error_code ec;
    const auto address = net::ip::make_address(opts.listen_address, ec);
    if (ec) throw std::runtime_error("bad listen address '" + opts.listen_address + "': " + ec.message());
    const tcp::endpoint endpoint{address, opts.listen_port};
    try {
        listener_ = std::make_shared<listener>(ioc_, endpoint, hub_, tls_.get());
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + opts.listen_address + ":" +
                                 std::to_string(opts.listen_port) + ": " + e.code().message());
    }
    port_ = listener_->local_endpoint().port();
    listener_->run();
    hub_->log().info("listening on {}://{}", tls_ ? "https" : "http",
                     format_host_port(opts.listen_address, port_));
}

void server::publish(const feed::derived_event& ev) {
    publish(ev, std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count());
}

void server::publish(const feed::derived_event& ev, std::int64_t received_mono_ns) {
    hub_->publish(ev, received_mono_ns);
}

void server::follow_epoch() {
    const auto before = hub_->epoch();
    hub_->follow_epoch();
    if (hub_->epoch() != before)
        for (auto& s : shards_) s->mirror(*hub_);
}

std::vector<history_entry> server::retained_events() const {
    return hub_->retained_events();
}

void server::restore_history(std::span<const restored_event> events, std::uint64_t head) {
    hub_->restore_history(events, head);
    for (auto& s : shards_) s->mirror(*hub_);
}

void server::stop() {
    if (stopped_) return;
    stopped_ = true;
    if (listener_) listener_->stop();
    hub_->log().info("stopping: closing {} subscribers with 1001", subscribers());
    hub_->shutdown_all();
    for (auto& s : shards_) s->stop();
}

std::uint16_t server::port() const {
    return port_;
}
std::size_t server::subscribers() const {
    std::size_t n = hub_->subscribers();
    for (const auto& s : shards_) n += s->load();
    return n;
}
std::size_t server::connections() const {
    std::size_t n = hub_->connections();
    for (const auto& s : shards_) n += s->connections();
    return n;
}

}  // namespace splitstream::publish
