// Sprint starts (extension): the reaction times the start information
// system reports after each gun, and the false starts they show (World
// Athletics TR 16.6, TR 16.8, TR 39.8.3; docs/protocol.md, Sprint starts).

#include "feed/race.hpp"
#include "feed/sprint_start.hpp"

namespace splitstream::feed {

namespace {

rejection reject(reject_reason r, std::string detail) {
    return rejection{r, std::move(detail)};
}

}  // namespace

std::optional<rejection> race::on_reaction(const reaction_msg& m, emitter& out) {
    int i = -1;
    if (auto refused = check_athlete(m.bib, i)) return refused;
    auto& a = athlete_at(i);
    if (awaiting_start())
        return reject(reject_reason::not_started,
                      "reaction time of bib " + m.bib + " before the gun of " + id_);
    if (phase_ != race_phase::started)
        return reject(reject_reason::invalid_transition, "event " + id_ + " is " + to_string(phase_) +
                                                             ": reaction times come right after the gun");
    if (a.status != irm_code::ok)
        return reject(reject_reason::after_out,
                      "reaction time of bib " + m.bib + " after " + to_string(a.status));
    // One reading per athlete and gun: a second one would silently undo or
    // redo a ruling already published. A wrong ruling is the officials' to
    // withdraw, with an `irm` OK.
    if (a.reaction_ms)
        return reject(reject_reason::invalid_transition, "bib " + m.bib +
                                                             " already has a reaction time for this start (" +
                                                             format_reaction(*a.reaction_ms) + ")");
    a.reaction_ms = m.reaction_ms;
    if (!is_false_start(m.reaction_ms)) return std::nullopt;

    const bool earlier = first_false_start_ && *first_false_start_ != starts_;
    const false_start_ruling ruling = rule_false_start(def_.combined_event, earlier);
    if (!first_false_start_) first_false_start_ = starts_;

    std::string text = a.headline + " false start, reaction " + format_reaction(m.reaction_ms) + ": " +
                       (ruling.outcome == false_start_outcome::dq ? "disqualified" : "warning to the field") +
                       " (" + ruling.rule_text + ")";
    auto w = out.begin(event_type::false_start, id_, text);
    write_athlete_fields(w, a.entry);
    w.field("reaction_ms", m.reaction_ms);
    w.field("reaction", format_reaction(m.reaction_ms));
    w.field("outcome", to_string(ruling.outcome));
    w.field("rule", ruling.rule);
    out.end();
    if (ruling.outcome == false_start_outcome::warning) return std::nullopt;

    const bool had_result = a.published.has_value();
    a.status = irm_code::dq;
    a.false_started = true;
    a.irm_rule = ruling.rule;
    a.irm_reason = "false start";
    a.irm_at_m.reset();
    publish_changes(i, out, /*subject_changed=*/!had_result);
    maybe_finished(out);
    return std::nullopt;
}

}  // namespace splitstream::feed
