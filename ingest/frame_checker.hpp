#pragma once
// Internal to the frame parser: the schema checks. A `checker` reads the
// collected values into the message's typed fields and keeps the first
// problem as a rejection that names the field and the reason. The reads are
// out of line: inlined at every read site they would grow the parser's hot
// code, which shares the instruction cache with the engine
// (docs/benchmarks.md).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "feed/rejection.hpp"
#include "ingest/frame_scan.hpp"

namespace splitstream::ingest::frame_parsing {

// A value quoted for a one-line detail: escapes control characters and
// quotes, and cuts long values at a UTF-8 character boundary.
std::string quote_value(std::string_view s);

// Where a value sits, for the detail text: `elapsed_ms` or `athletes[2].bib`.
struct field_path {
    std::string_view key;
    std::string_view list = {};
    std::size_t index = 0;

    std::string str() const;
};

enum class presence { required, optional };

// Collects the first schema error; later reads are skipped once one is set,
// so the order of the reads is the order in which problems are reported.
// Each read takes the value at `at`, returns whether it was present and
// valid, and stores it in `out` when it was.
class checker {
public:
    bool failed() const { return failure_.has_value(); }
    feed::rejection take() { return std::move(*failure_); }

    void fail(feed::reject_reason r, std::string detail);
    void fail(feed::rejection r);
    void fail_field(feed::reject_reason r, const field_path& at, std::string_view what);

    // Absent (or null, for an optional field) is reported as not present.
    bool present(const scalar& s, const field_path& at, presence p);
    void wrong_type(const scalar& s, const field_path& at, std::string_view expected);

    bool read(const scalar& s, const field_path& at, presence p, std::string& out);
    bool read(const scalar& s, const field_path& at, presence p, std::string_view& out);
    bool read_non_empty(const scalar& s, const field_path& at, presence p, std::string& out);
    bool read(const scalar& s, const field_path& at, presence p, std::int64_t& out);
    bool read(const scalar& s, const field_path& at, presence p, std::optional<std::int64_t>& out);
    bool read(const scalar& s, const field_path& at, presence p, std::optional<int>& out);
    bool read(const scalar& s, const field_path& at, presence p, std::uint64_t& out);
    bool read(const scalar& s, const field_path& at, presence p, bool& out);

    // Checks a value already read; `rule` is the detail on failure.
    void require(bool ok, const field_path& at, std::string_view rule, std::int64_t got) {
        if (ok || failure_) return;
        fail_rule(at, rule, got);
    }

    void require_positive(std::int64_t v, const field_path& at) { require(v > 0, at, "must be positive", v); }

    void require_time(std::int64_t v, const field_path& at) { require(v >= 0, at, "negative time", v); }

    void unknown_value(const field_path& at, std::string_view got, std::string_view expected);

    // A string that must be one of `names`; an unknown one is refused with
    // the list of those allowed ("track|road").
    template <class E, std::size_t N>
    bool read_named(const scalar& s, const field_path& at, presence p,
                    const std::array<std::pair<std::string_view, E>, N>& names, E& out) {
        std::string_view text;
        if (!read(s, at, p, text)) return false;
        for (const auto& [name, value] : names) {
            if (name == text) {
                out = value;
                return true;
            }
        }
        std::string expected;
        for (const auto& [name, value] : names) {
            if (!expected.empty()) expected += '|';
            expected += name;
        }
        unknown_value(at, text, expected);
        return false;
    }

private:
    void fail_rule(const field_path& at, std::string_view rule, std::int64_t got);

    std::optional<feed::rejection> failure_;
};

}  // namespace splitstream::ingest::frame_parsing
