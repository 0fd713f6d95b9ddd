// `recent=N` on /v1/stream over real sockets: a ticker opened during a race
// starts with the last N matching headlines, then goes live.

#include <gtest/gtest.h>

#include "desk_fixture.hpp"

namespace splitstream::publish {
namespace {

using namespace testing;
using feed::event_type;

TEST_F(desk_server, recent_gives_the_last_n_matching_events_then_live_with_the_count_in_the_hello) {
    provider.states = {{"A", R"({"event":"A"})"}, {"B", R"({"event":"B"})"}};
    start();
    publish_events(20, event_type::split, "A");   // 1..20
    publish_events(10, event_type::finish, "B");  // 21..30
    publish_events(5, event_type::split, "A");    // 31..35

    auto last5 = connect("/v1/stream?recent=5");
    auto a_only = connect("/v1/stream?events=A&recent=8");
    auto finishes = connect("/v1/stream?types=finish&recent=50");  // fewer than asked
    auto plain = connect("/v1/stream");
    ASSERT_TRUE(wait_hello({last5, a_only, finishes, plain}));
    ASSERT_TRUE(run_until(ioc, [&] {
        return last5->event_seqs().size() == 5 && a_only->event_seqs().size() == 8 &&
               finishes->event_seqs().size() == 10 && plain->count_type("snapshot") == 2;
    }));
    publish_events(1, event_type::split, "A");  // 36: live
    ASSERT_TRUE(run_until(ioc, [&] {
        return last5->event_seqs().size() == 6 && a_only->event_seqs().size() == 9 &&
               plain->event_seqs().size() == 1;
    }));

    EXPECT_TRUE(has(last5->messages[0], R"("recent":5,"resume":true)"));
    EXPECT_EQ(last5->count_type("snapshot"), 0u);
    EXPECT_EQ(last5->event_seqs(), seq_range(31, 36));

    EXPECT_TRUE(has(a_only->messages[0], R"("recent":8)"));
    std::vector<std::uint64_t> want{18, 19, 20};
    for (std::uint64_t s = 31; s <= 36; ++s) want.push_back(s);
    EXPECT_EQ(a_only->event_seqs(), want);

    EXPECT_TRUE(has(finishes->messages[0], R"("recent":10)"));
    EXPECT_EQ(finishes->event_seqs(), seq_range(21, 30));

    EXPECT_TRUE(has(plain->messages[0], R"("resume":false)"));
    EXPECT_FALSE(has(plain->messages[0], R"("recent")"));
}

TEST_F(desk_server, since_wins_over_recent_and_an_unservable_recent_falls_back_to_snapshots) {
    provider.states = {{"A", R"({"event":"A"})"}, {"B", R"({"event":"B"})"}};
    auto o = options();
    o.history_max_events = 10;
    start(o);
    publish_events(30, event_type::split, "A");  // 21..30 retained

    auto resumed = connect("/v1/stream?since=27&recent=5");
    auto nothing_of_b = connect("/v1/stream?events=B&recent=5");  // B's events all evicted (none)
    auto other_epoch = connect("/v1/stream?recent=5&epoch=e0");
    auto zero = connect("/v1/stream?recent=0");
    ASSERT_TRUE(wait_hello({resumed, nothing_of_b, other_epoch, zero}));
    ASSERT_TRUE(run_until(ioc, [&] {
        return resumed->event_seqs().size() == 3 && nothing_of_b->count_type("snapshot") == 1 &&
               other_epoch->count_type("snapshot") == 2 && zero->count_type("snapshot") == 2;
    }));
    EXPECT_EQ(resumed->event_seqs(), seq_range(28, 30));
    EXPECT_FALSE(has(resumed->messages[0], R"("recent")"));
    for (const auto& c : {nothing_of_b, other_epoch, zero}) {
        EXPECT_TRUE(has(c->messages[0], R"("resume":false)"));
        EXPECT_FALSE(has(c->messages[0], R"("recent")"));
        EXPECT_TRUE(c->event_seqs().empty());
    }
}

TEST_F(desk_server, recent_out_of_range_is_a_400) {
    start();
    auto over = connect("/v1/stream?recent=1001");
    auto negative = connect("/v1/stream?recent=-1");
    auto word = connect("/v1/stream?recent=lots");
    ASSERT_TRUE(run_until(ioc, [&] { return over->ended && negative->ended && word->ended; }));
    EXPECT_EQ(over->http_status, 400u);
    EXPECT_EQ(negative->http_status, 400u);
    EXPECT_EQ(word->http_status, 400u);
    auto max = connect("/v1/stream?recent=1000");
    ASSERT_TRUE(wait_hello({max}));
}

}  // namespace
}  // namespace splitstream::publish
