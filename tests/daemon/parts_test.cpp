// The daemon's small parts: how refused frames are told (one log line per
// burst, one `rejected` feed event per interval with the count), the
// members it adds to /healthz, and fresh stream epochs.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <sstream>

#include "daemon/epoch.hpp"
#include "daemon/health.hpp"
#include "daemon/rejection_notices.hpp"

namespace splitstream::daemon {
namespace {

using namespace std::chrono_literals;

struct captured_log {
    std::ostringstream text;
    spdlog::logger log{"ingest", std::make_shared<spdlog::sinks::ostream_sink_st>(text)};
    captured_log() { log.set_pattern("%v"); }
    std::size_t lines() const {
        const auto s = text.str();
        return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
    }
};

std::int64_t detail_number(const feed::feed_notice& n, const std::string& key) {
    for (const auto& [k, v] : n.details)
        if (k == key) return std::get<std::int64_t>(v);
    return -1;
}

TEST(RejectionNotices, ABurstMakesOneEventPerIntervalCountingTheOthers) {
    rejection_notices notices(1000ms, 1000ms);
    captured_log log;
    const feed::rejection why{feed::reject_reason::time_backwards, "time went back"};
    const auto t0 = rejection_notices::clock::now();

    auto first = notices.on_rejected(why, 7, false, 6, t0, log.log);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->state, "rejected");
    EXPECT_EQ(first->src_seq, 6u);
    EXPECT_EQ(detail_number(*first, "count"), 1);
    EXPECT_EQ(detail_number(*first, "frame_seq"), 7);
    EXPECT_NE(first->text.find("frame seq 7 rejected"), std::string::npos) << first->text;

    for (int i = 1; i <= 4; ++i)
        EXPECT_FALSE(notices.on_rejected(why, 7 + i, false, 6, t0 + i * 100ms, log.log));
    auto next = notices.on_rejected(why, std::nullopt, false, 6, t0 + 1000ms, log.log);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(detail_number(*next, "count"), 5) << "the four held back and this one";
    EXPECT_EQ(detail_number(*next, "frame_seq"), -1) << "no seq could be read";
    EXPECT_NE(next->text.find("frame seq ?"), std::string::npos) << next->text;
    EXPECT_EQ(log.lines(), 0u) << "parser refusals are logged by ingest";
}

TEST(RejectionNotices, RuleRefusalsAreLoggedOnceABurstWithHowManyWereNot) {
    rejection_notices notices(1000ms, 1000ms);
    captured_log log;
    const feed::rejection why{feed::reject_reason::time_backwards, "time went back"};
    const auto t0 = rejection_notices::clock::now();
    for (int i = 0; i < 4; ++i) notices.on_rejected(why, 10 + i, true, 9, t0 + i * 10ms, log.log);
    EXPECT_EQ(log.lines(), 1u);
    notices.on_rejected(why, 20, true, 9, t0 + 1500ms, log.log);
    EXPECT_EQ(log.lines(), 2u);
    EXPECT_NE(log.text.str().find("frame seq 20 refused by the race rules"), std::string::npos)
        << log.text.str();
    EXPECT_NE(log.text.str().find("(3 more since the last line)"), std::string::npos) << log.text.str();
}

TEST(Health, MembersNameConnectionsFeedPositionAndRecovery) {
    EXPECT_EQ(health_members({.upstreams_connected = 2, .feed_seq = 42, .recovered = true}),
              "\"upstreams_connected\":2,\"feed_seq\":42,\"recovered\":true");
    EXPECT_EQ(health_members({}), "\"upstreams_connected\":0,\"feed_seq\":0,\"recovered\":false");
}

TEST(Epoch, IsTheStartTimeWithoutColonsAndRandomBits) {
    const auto a = new_epoch();
    const auto b = new_epoch();
    EXPECT_NE(a, b);
    ASSERT_EQ(a.size(), 19u + 1 + 8) << a;
    EXPECT_EQ(a.find(':'), std::string::npos) << a;
    EXPECT_EQ(a[10], 'T') << a;
    EXPECT_EQ(a[19], '-') << a;
}

}  // namespace
}  // namespace splitstream::daemon
