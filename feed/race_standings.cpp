// Standings of one event: places from the finish times, what changed since
// subscribers last heard (corrections), and the results list with its
// podium headline. Record claims are made in race_records.cpp.

#include <algorithm>
#include <climits>

#include "feed/marks.hpp"
#include "feed/race.hpp"
#include "feed/race_text.hpp"

namespace splitstream::feed {

void race::standings() {
    const std::vector<int> ranked = rank_finishers();
    claim_records(ranked);
    claim_personal_bests(ranked);
}

// Places every finisher still in the race and clears everyone's claims.
// Returns the finishers, best first.
std::vector<int> race::rank_finishers() {
    std::vector<int> ranked;
    for (std::size_t i = 0; i < athletes_.size(); ++i) {
        auto& a = athletes_[i];
        a.place.reset();
        a.records.clear();
        if (a.status == irm_code::ok && a.finish_ms) ranked.push_back(static_cast<int>(i));
    }
    // Thousandths decide; equal thousandths go to the judges' place; with
    // no judges' place the athletes share the place.
    std::sort(ranked.begin(), ranked.end(), [&](int x, int y) {
        const auto& a = athlete_at(x);
        const auto& b = athlete_at(y);
        if (*a.finish_ms != *b.finish_ms) return *a.finish_ms < *b.finish_ms;
        const int pa = a.judge_place.value_or(INT_MAX), pb = b.judge_place.value_or(INT_MAX);
        if (pa != pb) return pa < pb;
        return x < y;
    });
    for (std::size_t k = 0; k < ranked.size(); ++k) {
        auto& a = athlete_at(ranked[k]);
        int place = static_cast<int>(k) + 1;
        if (k > 0) {
            const auto& prev = athlete_at(ranked[k - 1]);
            if (*prev.finish_ms == *a.finish_ms && (!prev.judge_place || !a.judge_place)) place = *prev.place;
        }
        a.place = place;
    }
    return ranked;
}

race::published_result race::current_result(int i) const {
    const auto& a = athlete_at(i);
    published_result r;
    r.elapsed_ms = a.finish_ms;
    r.place = a.place;
    r.status = a.status;
    r.records = a.records;
    return r;
}

void race::publish_changes(int subject, emitter& out, bool subject_changed) {
    standings();
    bool corrected = false;
    auto visit = [&](int i) {
        auto& a = athlete_at(i);
        if (!a.published) return;
        const published_result before = *a.published;
        const published_result after = current_result(i);
        if (before == after) return;
        bool lost_claim = false;
        for (const auto& k : before.records)
            if (std::find(after.records.begin(), after.records.end(), k) == after.records.end())
                lost_claim = true;
        if (before.elapsed_ms != after.elapsed_ms || before.place != after.place ||
            before.status != after.status || lost_claim) {
            emit_correction(i, before, after, out);
            corrected = true;
        }
        for (const auto& k : after.records)
            if (std::find(before.records.begin(), before.records.end(), k) == before.records.end())
                emit_record(i, k, out);
        a.published = after;
    };
    if (subject >= 0) visit(subject);
    for (int i = 0; i < static_cast<int>(athletes_.size()); ++i)
        if (i != subject) visit(i);
    if ((corrected || subject_changed) &&
        (phase_ == race_phase::unofficial || phase_ == race_phase::official))
        emit_results(phase_ == race_phase::official, out);
}

void race::emit_correction(int i, const published_result& before, const published_result& after,
                           emitter& out) {
    using race_text::ordinal;
    const auto& a = athlete_at(i);
    std::string text = "Correction: " + a.headline;
    std::string sep = " ";
    auto part = [&](const std::string& s) {
        text += sep + s;
        sep = ", ";
    };
    if (before.status != after.status) part(race_text::status_words(after.status));
    if (before.elapsed_ms != after.elapsed_ms && after.elapsed_ms && after.status == irm_code::ok) {
        std::string t = "time " + format_mark(*after.elapsed_ms, def_.course);
        if (before.elapsed_ms) t += " (was " + format_mark(*before.elapsed_ms, def_.course) + ")";
        part(t);
    }
    if (before.place != after.place) {
        if (after.place)
            part("now " + ordinal(*after.place) +
                 (before.place ? " (was " + ordinal(*before.place) + ")" : ""));
        else if (before.place)
            part("no longer placed (was " + ordinal(*before.place) + ")");
    }
    std::string lost;
    for (const auto& k : before.records)
        if (std::find(after.records.begin(), after.records.end(), k) == after.records.end())
            lost += (lost.empty() ? "" : ", ") + k;
    if (!lost.empty()) part(lost + " withdrawn");

    auto w = out.begin(event_type::correction, id_, text);
    write_athlete_fields(w, a.entry);
    w.key("before");
    write_result(w, before);
    w.key("after");
    write_result(w, after);
    out.end();
}

std::vector<heat_result> race::heat_results() const {
    std::vector<heat_result> out;
    out.reserve(athletes_.size());
    for (const auto& a : athletes_) {
        heat_result r{a.entry.bib, a.entry.name, a.entry.country, def_.heat.value_or(0), a.place, {}};
        if (a.place) r.elapsed_ms = a.finish_ms;
        out.push_back(std::move(r));
    }
    return out;
}

bool race::mark_qualifiers(const qualification& q) {
    bool changed = false;
    for (auto& a : athletes_) {
        const char* mark = nullptr;
        for (const auto& through : q.qualified)
            if (through.result.heat == def_.heat.value_or(0) && through.result.bib == a.entry.bib)
                mark = to_string(through.by);
        if (mark != a.qualified) changed = true;
        a.qualified = mark;
    }
    return changed;
}

void race::reissue_results(emitter& out) {
    if (phase_ == race_phase::unofficial || phase_ == race_phase::official)
        emit_results(phase_ == race_phase::official, out);
}

void race::emit_results(bool official, emitter& out) {
    std::vector<int> podium;
    for (int i = 0; i < static_cast<int>(athletes_.size()); ++i)
        if (athlete_at(i).place) podium.push_back(i);
    std::stable_sort(podium.begin(), podium.end(),
                     [&](int x, int y) { return *athlete_at(x).place < *athlete_at(y).place; });
    std::string text = title_ + (official ? ", official results: " : ", unofficial results: ");
    const bool final_round = race_text::is_final_round(def_.round);
    for (std::size_t k = 0; k < podium.size() && k < 3; ++k) {
        const auto& a = athlete_at(podium[k]);
        if (k > 0) text += ", ";
        if (final_round && race_text::medal_of(*a.place)) {
            std::string medal = race_text::medal_of(*a.place);
            if (k == 0) medal[0] = static_cast<char>(medal[0] - ('a' - 'A'));
            text += medal + " ";
        } else {
            text += std::to_string(*a.place) + " ";
        }
        text += a.headline + " " + format_mark(*a.finish_ms, def_.course);
        if (a.qualified) text += std::string(" ") + a.qualified;
        if (!a.records.empty()) text += " " + a.records.front();
    }
    if (podium.empty()) text += "no finishers";
    auto w = out.begin(event_type::results, id_, text);
    w.field("official", official);
    w.key("ranking");
    write_ranking(w);
    out.end();
}

}  // namespace splitstream::feed
