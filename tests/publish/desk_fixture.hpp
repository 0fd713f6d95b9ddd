#pragma once
// A publish server on 127.0.0.1 with a fake provider, for the live desk's
// tests (recent headlines, broadcast delay).

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "publish/server.hpp"
#include "test_support.hpp"

namespace splitstream::publish::testing {

class desk_server : public ::testing::Test {
protected:
    net::io_context ioc;
    fake_provider provider;
    metrics_registry registry;
    std::unique_ptr<server> srv;
    std::vector<std::shared_ptr<ws_client>> clients;

    static server_options options() {
        return {.listen_address = "127.0.0.1",
                .listen_port = 0,
                .max_delay = std::chrono::milliseconds(10'000),
                .close_timeout = std::chrono::milliseconds(500)};
    }

    void start(server_options o = options()) {
        srv = std::make_unique<server>(ioc, std::move(o), provider, registry, quiet_logger());
        srv->start();
    }

    std::shared_ptr<ws_client> connect(const std::string& target) {
        auto c = std::make_shared<ws_client>(ioc);
        c->start(srv->port(), target);
        clients.push_back(c);
        return c;
    }

    bool wait_hello(const std::vector<std::shared_ptr<ws_client>>& cs) {
        return run_until(ioc, [&] {
            return std::all_of(cs.begin(), cs.end(), [](auto& c) { return c->count_type("hello") == 1; });
        });
    }

    void publish_events(int n, feed::event_type type, const std::string& event) {
        for (int i = 0; i < n; ++i) srv->publish(next_event(provider, type, event));
        ioc.run_for(std::chrono::milliseconds(1));
    }

    void TearDown() override {
        if (!srv) return;
        srv->stop();
        EXPECT_TRUE(run_until(
            ioc,
            [&] {
                return srv->connections() == 0 &&
                       std::all_of(clients.begin(), clients.end(), [](auto& c) { return c->ended; });
            },
            10s));
    }
};

inline std::vector<std::uint64_t> seq_range(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> v(last - first + 1);
    std::iota(v.begin(), v.end(), first);
    return v;
}

inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace splitstream::publish::testing
