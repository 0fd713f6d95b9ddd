#include "adapters/heat_results.hpp"

#include <algorithm>

namespace splitstream::adapters {

namespace {

feed::feed_message make(const std::string& event, feed::message_body body) {
    feed::feed_message m;
    m.event = event;
    m.body = std::move(body);
    return m;
}

const sent_athlete* find_athlete(const sent_event* sent, const std::string& bib) {
    if (!sent) return nullptr;
    auto it = sent->athletes.find(bib);
    return it == sent->athletes.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<feed::feed_message> diff_results(const sent_event* sent, const heat_results& now) {
    std::vector<feed::feed_message> out;
    const auto phase = sent ? sent->phase : sent_phase::scheduled;
    const bool has_results =
        !now.outcomes.empty() || !now.splits.empty() || now.status != results_status::none;
    if (phase == sent_phase::scheduled && (now.started || has_results))
        out.push_back(make(now.event, feed::status_msg{feed::status_code::started, now.gun_ts}));

    // A snapshot lists athletes in its own order; the engine must see each
    // point's passings in the order they happened, or it would announce the
    // lead of whoever is listed first.
    auto splits = now.splits;
    std::stable_sort(splits.begin(), splits.end(),
                     [](const split_time& x, const split_time& y) { return x.elapsed_ms < y.elapsed_ms; });
    for (const auto& s : splits) {
        const auto* a = find_athlete(sent, s.bib);
        if (a) {
            auto it = a->splits.find(s.distance_m);
            if (it != a->splits.end() && it->second == s.elapsed_ms) continue;
        }
        out.push_back(make(now.event, feed::split_msg{s.bib, s.distance_m, s.elapsed_ms}));
    }

    std::vector<feed::feed_message> finishes;
    std::vector<feed::feed_message> irms;
    for (const auto& o : now.outcomes) {
        const auto* a = find_athlete(sent, o.bib);
        const auto current = a ? a->status : feed::irm_code::ok;
        const auto wanted = o.irm.value_or(feed::irm_code::ok);
        if (wanted == feed::irm_code::ok) {
            // An IRM withdrawn goes first: a finish after a DQ would be refused.
            if (current != feed::irm_code::ok)
                out.push_back(make(now.event, feed::irm_msg{o.bib, feed::irm_code::ok, {}, {}, {}}));
            const bool same = a && a->finish_ms == o.elapsed_ms && a->place == o.place;
            if (o.elapsed_ms && !same)
                finishes.push_back(make(now.event, feed::finish_msg{o.bib, *o.elapsed_ms, o.place}));
        } else if (current != wanted || (a && a->rule != o.rule)) {
            irms.push_back(make(now.event, feed::irm_msg{o.bib, wanted, o.rule, {}, {}}));
        }
    }
    std::stable_sort(finishes.begin(), finishes.end(), [](const auto& x, const auto& y) {
        const auto& fx = std::get<feed::finish_msg>(x.body);
        const auto& fy = std::get<feed::finish_msg>(y.body);
        return fx.elapsed_ms < fy.elapsed_ms;
    });
    for (auto& m : finishes) out.push_back(std::move(m));
    for (auto& m : irms) out.push_back(std::move(m));

    if (now.status == results_status::unofficial &&
        (phase == sent_phase::scheduled || phase == sent_phase::started))
        out.push_back(make(now.event, feed::status_msg{feed::status_code::unofficial, {}}));
    if (now.status == results_status::official && phase != sent_phase::official)
        out.push_back(make(now.event, feed::status_msg{feed::status_code::official, {}}));
    return out;
}

}  // namespace splitstream::adapters
