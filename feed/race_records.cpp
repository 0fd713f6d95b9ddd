// Record claims of one event (PROTOCOL.md §3): which finisher sets or
// equals a record in force, a personal or a season's best, and the
// `record` event that announces a claim.

#include <algorithm>
#include <cstdint>

#include "feed/marks.hpp"
#include "feed/race.hpp"
#include "feed/race_text.hpp"

namespace splitstream::feed {

namespace {

// The kinds a start list can hold, in the order their claims are listed.
constexpr const char* record_order[] = {"WR", "OR", "CR", "AR", "NR", "WL", "MR"};

record_kind kind_of(std::string_view name) {
    if (name == "WR") return record_kind::wr;
    if (name == "OR") return record_kind::or_;
    if (name == "CR") return record_kind::cr;
    if (name == "AR") return record_kind::ar;
    if (name == "NR") return record_kind::nr;
    if (name == "WL") return record_kind::wl;
    return record_kind::mr;
}

// Who a record of `kind` is held for: an area (AR), a country (NR), or
// everyone ("").
const std::string& scope_of(record_kind kind, const record_entry& r) {
    static const std::string everyone;
    return kind == record_kind::ar ? r.area : kind == record_kind::nr ? r.country : everyone;
}

}  // namespace

// Records in force: only the best official mark among the eligible can
// set or equal each one (per area for AR, per country for NR).
void race::claim_records(const std::vector<int>& ranked) {
    for (const char* kind_name : record_order) {
        const record_kind kind = kind_of(kind_name);
        std::vector<const record_entry*> entries;
        for (const auto& r : def_.records)
            if (r.kind == kind) entries.push_back(&r);
        std::vector<std::string> scopes;
        for (const auto* r : entries) {
            const std::string& scope = scope_of(kind, *r);
            if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
        }
        for (const auto& scope : scopes) {
            std::int64_t record = INT64_MAX;
            for (const auto* r : entries)
                if (scope_of(kind, *r) == scope) record = std::min(record, r->mark_ms);
            auto eligible = [&](const athlete& a) {
                if (kind == record_kind::ar) return !scope.empty() && a.entry.area == scope;
                if (kind == record_kind::nr) return !scope.empty() && a.entry.country == scope;
                return true;
            };
            std::int64_t best = INT64_MAX;
            for (int x : ranked) {
                const auto& a = athlete_at(x);
                if (eligible(a)) best = std::min(best, official_mark_ms(*a.finish_ms, def_.course));
            }
            if (best == INT64_MAX || best > record) continue;
            std::string claim(best < record ? "" : "=");
            claim += kind_name;
            for (int x : ranked) {
                auto& a = athlete_at(x);
                if (eligible(a) && official_mark_ms(*a.finish_ms, def_.course) == best)
                    a.records.push_back(claim);
            }
        }
    }
}

// Everyone can set a PB or SB; a PB is not also flagged SB.
void race::claim_personal_bests(const std::vector<int>& ranked) {
    for (int x : ranked) {
        auto& a = athlete_at(x);
        const std::int64_t mark = official_mark_ms(*a.finish_ms, def_.course);
        if (a.entry.pb_ms && mark <= *a.entry.pb_ms) {
            a.records.push_back(mark < *a.entry.pb_ms ? "PB" : "=PB");
        } else if (a.entry.sb_ms && mark <= *a.entry.sb_ms) {
            a.records.push_back(mark < *a.entry.sb_ms ? "SB" : "=SB");
        }
    }
}

void race::emit_record(int i, const std::string& claim, emitter& out) {
    const auto& a = athlete_at(i);
    const bool equal = claim.front() == '=';
    const std::string base = equal ? claim.substr(1) : claim;
    const std::string mark = format_mark(*a.finish_ms, def_.course);
    const bool provisional = phase_ != race_phase::official;

    const bool personal = base == "PB" || base == "SB";
    std::string text = a.headline;
    text += equal ? " equals the " : personal || base == "WL" ? " sets a " : " sets a new ";
    text += race_text::record_name(base, a.entry.area) + ": " + mark;
    if (provisional && !personal) text += " (provisional)";

    auto w = out.begin(event_type::record, id_, text);
    w.field("kind", std::string_view(claim));
    write_athlete_fields(w, a.entry);
    if (base == "AR") w.field("area", std::string_view(a.entry.area));
    w.field("mark", mark);
    w.field("elapsed_ms", *a.finish_ms);
    write_runners(w, a.entry);
    w.key("previous");
    const record_entry* previous = nullptr;
    std::optional<std::int64_t> previous_ms;
    if (base == "PB") {
        previous_ms = a.entry.pb_ms;
    } else if (base == "SB") {
        previous_ms = a.entry.sb_ms;
    } else {
        const record_kind kind = kind_of(base);
        for (const auto& r : def_.records) {
            if (r.kind != kind) continue;
            if (kind == record_kind::ar && r.area != a.entry.area) continue;
            if (kind == record_kind::nr && r.country != a.entry.country) continue;
            if (!previous || r.mark_ms < previous->mark_ms) previous = &r;
        }
        if (previous) previous_ms = previous->mark_ms;
    }
    w.begin_object();
    if (previous_ms) w.field("mark", format_mark(*previous_ms, def_.course));
    if (previous_ms) w.field("mark_ms", *previous_ms);
    if (previous && !previous->holder.empty()) w.field("holder", std::string_view(previous->holder));
    if (previous && !previous->country.empty()) w.field("country", std::string_view(previous->country));
    if (previous && previous->year) w.field("year", *previous->year);
    w.end_object();
    w.field("provisional", provisional);
    out.end();
}

}  // namespace splitstream::feed
