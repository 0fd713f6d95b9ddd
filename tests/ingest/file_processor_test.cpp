// The recorded-feed processor: lines handed over in batches give exactly
// what the same lines give one by one.

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::ingest {
namespace {

struct output {
    std::vector<std::string> events;   // every derived event's JSON, in order
    std::vector<std::string> reports;  // every problem: line, seq, reason, text
    std::string summary;
};

template <class Feed>
output run(Feed feed_to) {
    output out;
    feed::engine engine;
    file_processor processor(
        engine, [&](const feed::derived_event& e) { out.events.push_back(e.json); },
        [&](const line_report& r) {
            out.reports.push_back(std::to_string(r.line) + " seq " + (r.seq ? std::to_string(*r.seq) : "-") +
                                  (r.duplicate ? " duplicate" : " rejected " + r.rejected->detail) + ": " +
                                  std::string(r.text));
        });
    feed_to(processor);
    out.summary = processor.summary();
    return out;
}

// The reference race with what a real recording also holds: blank lines,
// garbage, a resent stretch, a line the rules refuse.
std::vector<std::string> messy_feed() {
    std::vector<std::string> lines;
    const auto clean = test_paths::reference_feed_lines();
    for (std::size_t i = 0; i < clean.size(); ++i) {
        lines.push_back(clean[i]);
        if (i % 37 == 5) lines.emplace_back("");
        if (i % 41 == 7) lines.emplace_back("{\"seq\":");
        if (i % 53 == 20) lines.push_back(clean[i - 3]);  // a resend: duplicate
    }
    lines.emplace_back(
        R"({"seq":9999,"type":"split","ts":"2023-08-23T19:30:00.000Z","event":"NOPE","bib":"1",)"
        R"("distance_m":100,"elapsed_ms":1000})");
    return lines;
}

TEST(file_processor, batches_give_the_same_events_and_reports_as_single_lines) {
    const auto lines = messy_feed();
    ASSERT_GT(lines.size(), 2 * file_processor::batch_lines) << "the feed must span several batches";
    const std::vector<std::string_view> views(lines.begin(), lines.end());

    const auto one_by_one = run([&](file_processor& p) {
        for (auto line : views) p.process_line(line);
    });
    const auto all_at_once = run([&](file_processor& p) { p.process_lines(views); });
    const auto uneven = run([&](file_processor& p) {
        // Slices that start and end inside the processor's own batches.
        std::span<const std::string_view> rest(views);
        for (std::size_t n = 1; !rest.empty(); n = n * 3 % 97 + 1) {
            const auto take = std::min(n, rest.size());
            p.process_lines(rest.first(take));
            rest = rest.subspan(take);
        }
    });

    ASSERT_FALSE(one_by_one.events.empty());
    ASSERT_GE(one_by_one.reports.size(), 4u) << "garbage, a duplicate and a refused line are reported";
    EXPECT_EQ(all_at_once.events, one_by_one.events);
    EXPECT_EQ(all_at_once.reports, one_by_one.reports);
    EXPECT_EQ(all_at_once.summary, one_by_one.summary);
    EXPECT_EQ(uneven.events, one_by_one.events);
    EXPECT_EQ(uneven.reports, one_by_one.reports);
    EXPECT_EQ(uneven.summary, one_by_one.summary);
}

}  // namespace
}  // namespace splitstream::ingest
