// libFuzzer target for the sequencer: the input is a stream of operations
// (data, hello, heartbeat and refused frames with arbitrary seqs on a few
// lines, time passing, lines going down). Whatever the stream:
// - the data messages it applies are in order: within an epoch each seq is
//   the one after the last, except across a gap it announced as skipped;
// - one step never moves the position more than max_jump (a new epoch or
//   the first position aside), and the hold never exceeds hold_max;
// - after the garbage, once time has passed, in-order input from the
//   position it reports is applied: it never stalls.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "ingest/sequencer.hpp"

using namespace splitstream;
using namespace splitstream::ingest;
using namespace std::chrono_literals;

namespace {

constexpr sequencer_options options{.hold_max = 64, .gap_timeout = 100ms, .gap_retries = 2, .max_jump = 1000};

void check(bool ok) {
    if (!ok) std::abort();
}

sequenced_frame valid(feed::feed_message msg, int line) {
    sequenced_frame in;
    in.frame.line = line;
    in.outcome.seq = msg.seq;
    in.outcome.result = std::move(msg);
    return in;
}

sequenced_frame data_frame(std::uint64_t seq, int line) {
    feed::feed_message msg;
    msg.seq = seq;
    msg.event = "E";
    msg.body = feed::split_msg{.bib = "1", .distance_m = 100, .elapsed_ms = 1};
    return valid(std::move(msg), line);
}

sequenced_frame hello(std::uint64_t seq, int epoch, int line) {
    feed::feed_message msg;
    msg.seq = seq;
    msg.body = feed::hello_msg{.feed = "f", .epoch = "e" + std::to_string(epoch)};
    return valid(std::move(msg), line);
}

sequenced_frame heartbeat(std::uint64_t seq, int line) {
    feed::feed_message msg;
    msg.seq = seq;
    msg.body = feed::heartbeat_msg{};
    return valid(std::move(msg), line);
}

sequenced_frame refused(std::optional<std::uint64_t> seq, int line) {
    sequenced_frame in;
    in.frame.line = line;
    in.outcome.seq = seq;
    in.outcome.result = feed::rejection{.reason = feed::reject_reason::invalid_json, .detail = "fuzz"};
    return in;
}

bool is_data(const sequenced_frame& in) {
    if (!in.outcome.ok()) return false;
    const auto type = in.outcome.message().type();
    return type != feed::message_type::hello && type != feed::message_type::heartbeat;
}

// Follows the applied stream and checks every step against the rules above.
struct checker {
    sequencer s{options};
    sequencer::clock::time_point now{};

    sequencer_step run(const std::optional<sequenced_frame>& in) {
        const bool tracking_before = s.resume_position().has_value();
        const auto position_before = s.last_applied();
        auto step = in ? s.offer(*in, now) : s.tick(now);
        // The position the applied frames must continue, frame by frame.
        std::optional<std::uint64_t> expected;
        if (tracking_before) expected = position_before;
        if (step.skipped) {
            check(expected && step.skipped->first == *expected + 1 &&
                  step.skipped->last >= step.skipped->first);
            expected = step.skipped->last;
        }
        for (const auto& out : step.apply) {
            const auto seq = out.outcome.ok() ? std::optional(out.outcome.message().seq) : out.outcome.seq;
            if (out.outcome.ok() && out.outcome.message().type() == feed::message_type::hello) {
                check(step.epoch.has_value());
                expected = seq;
            } else if (is_data(out)) {
                if (expected) check(*seq == *expected + 1);
                expected = seq;
            } else if (!out.outcome.ok() && seq && expected && *seq == *expected + 1) {
                expected = seq;  // a refused frame placed in the order
            } else if (!out.outcome.ok()) {
                check(step.apply.size() == 1);  // reported unplaced, alone
            }
        }
        if (expected) check(s.last_applied() == *expected);
        if (tracking_before && !step.epoch && s.last_applied() > position_before)
            check(s.last_applied() - position_before <= options.max_jump);
        check(s.held() <= options.hold_max);
        return step;
    }
};

std::uint64_t read_u64(const std::uint8_t*& data, std::size_t& size, std::size_t bytes) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes && size > 0; ++i, ++data, --size) v = (v << 8) | *data;
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    checker c;
    while (size > 0) {
        const std::uint8_t op = *data++;
        --size;
        const int line = op >> 5 & 3;
        // Seqs near the position (the interesting cases) or anywhere.
        const bool near = op & 0x10;
        const auto raw = read_u64(data, size, near ? 2 : 8);
        const auto seq =
            near ? c.s.last_applied() + static_cast<std::uint64_t>(static_cast<std::int16_t>(raw)) : raw;
        switch (op & 0x0F) {
            case 0:
            case 1:
            case 2:
                c.run(data_frame(seq, line));
                break;
            case 3:
                c.run(hello(seq, static_cast<int>(raw % 3), line));
                break;
            case 4:
                c.run(heartbeat(seq, line));
                break;
            case 5:
                c.run(refused(seq, line));
                break;
            case 6:
                c.run(refused(std::nullopt, line));
                break;
            case 7:
                c.now += std::chrono::milliseconds(raw % 1000);
                c.run(std::nullopt);
                break;
            case 8:
                c.s.line_down(line);
                break;
            default:
                c.run(data_frame(c.s.last_applied() + 1, line));
                break;
        }
    }

    // Let every gap time out (each is resumed gap_retries times, then
    // skipped; a skip may reveal the next gap).
    for (int i = 0; i < 1000 && c.s.gap_deadline(); ++i) {
        c.now = *c.s.gap_deadline();
        c.run(std::nullopt);
    }
    check(!c.s.gap_deadline());
    // In-order input on a line that never named an epoch is applied.
    const auto from = c.s.last_applied();
    if (from > UINT64_MAX - 100) return 0;
    for (std::uint64_t seq = from + 1; seq <= from + 20; ++seq) {
        const bool ahead = seq > c.s.last_applied();
        auto step = c.run(data_frame(seq, 7));
        if (ahead) check(step.what == verdict::applied && !step.apply.empty());
    }
    check(c.s.last_applied() >= from + 20);
    return 0;
}
