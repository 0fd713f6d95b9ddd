#pragma once
// What the scale-out integration tests share: services on NATS (an ingest
// node takes pushed frames, a relay only the stream), a timing system that
// pushes frames at a race's pace, and waits on the stream's contents.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/daemon/daemon_test_support.hpp"
#include "tests/scaleout/nats_fixture.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::scaleout::testing {

using daemon::testing::feed_token;
using daemon::testing::push_options;
using daemon::testing::race_events;
using daemon::testing::race_events_received;
using daemon::testing::reference_frames;
using daemon::testing::running_service;
using publish::testing::http_get;
using publish::testing::run_until;
using publish::testing::ws_client;

inline const std::string reference_epoch = "budapest-2023-men-1500m-final-1";
// The reference race's data frames are seqs 2..185 (1 is the hello).
inline constexpr std::uint64_t first_data_seq = 2;

#define SKIP_WITHOUT_NATS_SERVER()                                      \
    if (::splitstream::scaleout::testing::nats_server_binary().empty()) \
    GTEST_SKIP() << "nats-server is not installed (tools/setup.sh installs it)"

inline scaleout::nats_options nats_at(std::vector<std::string> urls, int replicas = 1) {
    scaleout::nats_options o;
    o.servers = std::move(urls);
    o.replicas = replicas;
    o.reconnect_wait = std::chrono::milliseconds(100);
    return o;
}

// An ingest node: frames pushed to it go into the stream; it serves the
// stream read back.
inline daemon::service_options ingest_node(std::vector<std::string> urls, int replicas = 1) {
    auto o = push_options();
    o.nats = nats_at(std::move(urls), replicas);
    o.nats_module = test_paths::nats_module;
    return o;
}

// A relay: no feed of its own, only the stream.
inline daemon::service_options relay_node(std::vector<std::string> urls, int replicas = 1) {
    auto o = ingest_node(std::move(urls), replicas);
    o.ingest.listen.reset();
    return o;
}

inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Runs `ioc` until the stream holds at least `count` frames (bounded); the
// ids stored then.
inline std::vector<std::string> wait_stored(net::io_context& ioc, const std::vector<std::string>& urls,
                                            std::size_t count, std::chrono::milliseconds limit = 20s) {
    std::vector<std::string> ids;
    const auto stream = scaleout::nats_options{}.stream;
    run_until(
        ioc,
        [&] {
            if (auto now = stored_ids(urls, stream)) ids = std::move(*now);
            if (ids.size() >= count) return true;
            ioc.run_for(50ms);
            return false;
        },
        limit);
    return ids;
}

// A subscriber of the whole stream (`since=0`) on `port`.
inline std::shared_ptr<ws_client> subscribe_all(net::io_context& ioc, std::uint16_t port) {
    auto sub = std::make_shared<ws_client>(ioc);
    sub->start(port, "/v1/stream?since=0");
    return sub;
}

// The derived events a subscriber received, with their seqs: the bytes
// that must be the same on every node.
inline std::vector<std::string> derived_received(const ws_client& client) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < client.messages.size(); ++i)
        if (publish::testing::is_derived_type(client.parsed()[i].type)) out.push_back(client.messages[i]);
    return out;
}

inline std::vector<std::uint64_t> seqs_from(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> out;
    for (auto s = first; s <= last; ++s) out.push_back(s);
    return out;
}

// A viewer that saw the stream up to `resume_at` (`before`, from seq 1)
// moves to the node on `port` with since=N once the feed is all pushed:
// it gets exactly the continuation up to `total` (no snapshot, nothing
// lost, nothing twice), and the two parts together are the ingest node's
// stream (on `ingest_port`), byte for byte.
template <class FeedDone>
void expect_exact_continuation(net::io_context& ioc, const ws_client& before, std::uint16_t port,
                               std::uint16_t ingest_port, std::uint64_t resume_at, std::size_t total,
                               FeedDone feed_done) {
    using namespace std::chrono_literals;
    auto after = std::make_shared<ws_client>(ioc);
    after->start(port, "/v1/stream?since=" + std::to_string(resume_at));
    ASSERT_TRUE(run_until(
        ioc, [&] { return feed_done() && after->event_seqs().size() >= total - resume_at; }, 15s));
    EXPECT_EQ(after->count_type("snapshot"), 0u);
    EXPECT_EQ(before.event_seqs(), seqs_from(1, resume_at));
    EXPECT_EQ(after->event_seqs(), seqs_from(resume_at + 1, total)) << "nothing lost, nothing twice";

    auto whole_ingest = subscribe_all(ioc, ingest_port);
    ASSERT_TRUE(run_until(
        ioc, [&] { return derived_received(*whole_ingest).size() >= total; }, 10s));
    auto joined = derived_received(before);
    const auto rest = derived_received(*after);
    joined.insert(joined.end(), rest.begin(), rest.end());
    EXPECT_EQ(joined, derived_received(*whole_ingest));
}

}  // namespace splitstream::scaleout::testing
