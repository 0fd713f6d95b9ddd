#include "adapters/odf_adapter.hpp"

#include <pugixml.hpp>

#include <functional>
#include <set>

#include "adapters/heat_results.hpp"
#include "adapters/lynx_text.hpp"
#include "feed/iso_time.hpp"

namespace splitstream::adapters {

namespace {

bool named(const pugi::xml_node& n, const char* name) {
    return std::string_view(n.name()) == name;
}

// Every descendant of `root` named `name`, in document order.
void each(const pugi::xml_node& root, const char* name, const std::function<void(const pugi::xml_node&)>& f) {
    for (auto child : root.children()) {
        if (named(child, name)) f(child);
        each(child, name, f);
    }
}

pugi::xml_node first(const pugi::xml_node& root, const char* name) {
    pugi::xml_node found;
    each(root, name, [&](const pugi::xml_node& n) {
        if (!found) found = n;
    });
    return found;
}

// The ExtendedResult of `result` with this Code (first one), or none.
pugi::xml_node extended(const pugi::xml_node& result, std::string_view code) {
    pugi::xml_node found;
    each(result, "ExtendedResult", [&](const pugi::xml_node& n) {
        if (!found && code == n.attribute("Code").value()) found = n;
    });
    return found;
}

std::optional<feed::irm_code> irm_of(std::string_view code) {
    if (code == "DNS") return feed::irm_code::dns;
    if (code == "DNF") return feed::irm_code::dnf;
    if (code == "DQ") return feed::irm_code::dq;
    return std::nullopt;
}

struct document_problems {
    std::vector<problem>& list;
    std::string where;
    void add(problem_reason r, std::string detail) { list.push_back({r, where, std::move(detail)}); }
};

}  // namespace

odf_adapter::odf_adapter(const meet_file& meet, feed_output& output, odf_options options)
    : meet_(meet), output_(output), options_(options) {}

conversion odf_adapter::on_document(std::string_view bytes, std::string_view where, std::string_view ts) {
    conversion out;
    std::vector<problem> found;
    document_problems report{found, std::string(where)};
    auto finish = [&] {
        for (auto& p : found) {
            counts_.add(p.reason);
            out.problems.push_back(std::move(p));
        }
        return std::move(out);
    };
    if (bytes.size() > options_.max_document_bytes) {
        report.add(problem_reason::too_large, std::to_string(bytes.size()) + " bytes, over the limit of " +
                                                  std::to_string(options_.max_document_bytes) + ": not read");
        return finish();
    }
    // ODF declares no DTD; a document that does may try entity expansion.
    if (bytes.find("<!DOCTYPE") != std::string_view::npos ||
        bytes.find("<!ENTITY") != std::string_view::npos) {
        report.add(problem_reason::entity_expansion, "the document declares a DOCTYPE or entities: not read");
        return finish();
    }
    pugi::xml_document doc;
    // No pugi::parse_doctype: a DOCTYPE would be skipped, never interpreted.
    const auto parsed = doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        report.add(problem_reason::not_xml, std::string("not well-formed XML at byte ") +
                                                std::to_string(parsed.offset) + ": " + parsed.description());
        return finish();
    }
    const auto body = doc.child("OdfBody");
    const std::string type = body.attribute("DocumentType").value();
    const std::string code = body.attribute("DocumentCode").value();
    const std::string status = body.attribute("ResultStatus").value();
    report.where += " (" + code + " v" + body.attribute("Version").value() + ")";
    if (!body || (type != "DT_RESULT" && type != "DT_CURRENT")) {
        report.add(problem_reason::unknown_document,
                   "not an ODF DT_RESULT or DT_CURRENT document (DocumentType \"" + type + "\")");
        return finish();
    }
    const auto* me = meet_.by_odf(code);
    const std::string event = me ? me->id : code;
    auto& points = intermediates_[event];
    each(body, "ExtendedInfo", [&](const pugi::xml_node& n) {
        if (std::string_view(n.attribute("Code").value()) != "INTERMEDIATE") return;
        const auto pos = parse_lynx_int(n.attribute("Pos").value());
        const auto metres = parse_lynx_int(n.attribute("Value").value());
        if (pos && metres && *metres > 0) points[*pos] = *metres;
    });
    auto distance_of = [&](int pos) -> std::optional<std::int64_t> {
        if (auto it = points.find(pos); it != points.end()) return it->second;
        if (me && pos >= 1 && static_cast<std::size_t>(pos) <= me->timing_points_m.size())
            return me->timing_points_m[static_cast<std::size_t>(pos) - 1];
        return std::nullopt;
    };

    // The start list: every Result's competitor. Sent when none was, or when a
    // START_LIST document changes it before the start.
    const auto* sent = output_.find(event);
    if (type == "DT_RESULT" && (!sent || !sent->startlist || status == "START_LIST")) {
        feed::startlist_msg sl;
        sl.name = me && !me->name.empty() ? me->name : code;
        sl.distance_m = me ? me->distance_m : 0;
        sl.round = me && !me->round.empty() ? me->round : "final";
        if (me) {
            sl.heat = me->heat;
            sl.course = me->course;
            sl.timing_points_m = me->timing_points_m;
            sl.records = me->records;
        }
        std::set<std::string> bibs;
        each(body, "Result", [&](const pugi::xml_node& r) {
            const auto athlete = first(r, "Athlete");
            const auto competitor = first(r, "Competitor");
            feed::athlete_entry a;
            a.bib = athlete.attribute("Bib").value();
            if (a.bib.empty()) a.bib = competitor.attribute("Code").value();
            if (a.bib.empty() || !bibs.insert(a.bib).second) {
                report.add(problem_reason::bad_value, "a competitor without a bib or code, or listed twice");
                return;
            }
            const auto description = first(athlete, "Description");
            const std::string given = description.attribute("GivenName").value();
            const std::string family = description.attribute("FamilyName").value();
            a.name = given.empty() ? family : family.empty() ? given : given + " " + family;
            a.country = competitor.attribute("Organisation").value();
            a.lane = parse_lynx_int(r.attribute("StartOrder").value());
            each(r, "EventUnitEntry", [&](const pugi::xml_node& e) {
                const std::string_view kind = e.attribute("Code").value();
                const auto mark = parse_lynx_time(e.attribute("Value").value());
                if (kind == "PB" && mark) a.pb_ms = mark;
                if (kind == "SB" && mark) a.sb_ms = mark;
            });
            if (auto it = meet_.athletes.find(a.bib); it != meet_.athletes.end()) {
                if (!a.pb_ms) a.pb_ms = it->second.pb_ms;
                if (!a.sb_ms) a.sb_ms = it->second.sb_ms;
            }
            sl.athletes.push_back(std::move(a));
        });
        if (sl.distance_m <= 0) {
            report.add(problem_reason::bad_value,
                       "unit " + code + " has no distance: set distance_m in the meet file");
            return finish();
        }
        const bool changed = !sent || sent->startlist_json != startlist_body_json(sl);
        if (changed && (!sent || sent->phase == sent_phase::scheduled)) {
            feed::feed_message m;
            m.event = event;
            m.body = std::move(sl);
            output_.emit(std::move(m), ts, out.messages);
            sent = output_.find(event);
        }
    }
    if (!sent || !sent->startlist) {
        report.add(problem_reason::no_start_list, "live data for " + event + ", which has no start list");
        return finish();
    }
    if (status == "START_LIST") return finish();

    heat_results now;
    now.event = event;
    now.started = true;
    if (auto start = first(body, "UnitDateTime"))
        if (auto ms = feed::parse_iso_ms(start.attribute("StartDate").value()))
            now.gun_ts = feed::format_iso_ms(*ms);
    each(body, "Result", [&](const pugi::xml_node& r) {
        const auto athlete = first(r, "Athlete");
        std::string bib = athlete.attribute("Bib").value();
        if (bib.empty()) bib = first(r, "Competitor").attribute("Code").value();
        if (!sent->has_bib(bib)) {
            report.add(problem_reason::unknown_bib, "bib " + bib + " is not in the start list of " + event);
            return;
        }
        // Intermediates: cumulative times at numbered points (DT_CURRENT: LIVE with Arrive).
        each(r, "ExtendedResult", [&](const pugi::xml_node& x) {
            const std::string_view xcode = x.attribute("Code").value();
            const bool live = xcode == "LIVE";
            if (xcode != "INTERMEDIATE" && !live) return;
            const auto pos = parse_lynx_int((live ? x.attribute("Arrive") : x.attribute("Pos")).value());
            const auto time = parse_lynx_time(x.attribute("Value").value());
            if (!pos || !time) {
                report.add(problem_reason::bad_time, "an intermediate of bib " + bib + " does not read");
                return;
            }
            const auto metres = distance_of(*pos);
            if (!metres) {
                report.add(problem_reason::bad_value,
                           "intermediate " + std::to_string(*pos) + " of " + event +
                               " has no distance (ExtendedInfo or timing_points_m)");
                return;
            }
            now.splits.push_back({bib, *metres, *time});
        });
        if (type != "DT_RESULT") return;
        const std::string irm = r.attribute("IRM").value();
        const std::string result = r.attribute("Result").value();
        athlete_outcome o;
        o.bib = bib;
        if (!irm.empty()) {
            o.irm = irm_of(irm);
            if (!o.irm) {
                report.add(problem_reason::unknown_irm,
                           "IRM \"" + irm + "\" of bib " + bib + " is not DNS, DNF or DQ");
                return;
            }
            o.rule = extended(r, "RULE").attribute("Value").value();
        } else if (!result.empty()) {
            // MS carries the thousandths that split equal hundredths.
            const std::string precise = extended(r, "MS").attribute("Value").value();
            o.elapsed_ms = parse_lynx_time(precise.empty() ? result : precise);
            o.place = parse_lynx_int(r.attribute("Rank").value());
            if (!o.elapsed_ms) {
                report.add(problem_reason::bad_time,
                           "result \"" + result + "\" of bib " + bib + " does not read");
                return;
            }
        } else {
            return;  // not finished yet
        }
        now.outcomes.push_back(std::move(o));
    });
    if (status == "UNOFFICIAL") now.status = results_status::unofficial;
    if (status == "OFFICIAL") now.status = results_status::official;
    for (auto& m : diff_results(sent, now)) output_.emit(std::move(m), ts, out.messages);
    return finish();
}

}  // namespace splitstream::adapters
