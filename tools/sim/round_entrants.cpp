#include "tools/sim/round_entrants.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "feed/round_qualification.hpp"

namespace splitstream::sim {

namespace {

// How one athlete's heat ended, from the messages in feed order: the last
// finish reading counts; an IRM code takes the athlete out, OK back in.
struct outcome {
    std::optional<std::int64_t> elapsed_ms;
    std::optional<int> judges_place;
    bool out = false;
};

std::map<std::string, outcome> outcomes_of(const std::vector<timed_message>& messages) {
    std::map<std::string, outcome> out;
    simdjson::dom::parser parser;
    for (const auto& m : messages) {
        if (m.type != "finish" && m.type != "irm") continue;
        // `fields` are the members after `event`, each led by a comma.
        const std::string json = "{" + m.fields.substr(1) + "}";
        simdjson::dom::element doc;
        if (parser.parse(json).get(doc)) continue;
        std::string_view bib;
        if (doc["bib"].get_string().get(bib)) continue;
        auto& o = out[std::string(bib)];
        if (m.type == "finish") {
            std::int64_t ms = 0, place = 0;
            if (!doc["elapsed_ms"].get_int64().get(ms)) o.elapsed_ms = ms;
            if (!doc["place"].get_int64().get(place)) o.judges_place = static_cast<int>(place);
        } else {
            std::string_view code;
            if (!doc["code"].get_string().get(code)) o.out = code != "OK";
        }
    }
    return out;
}

// A heat's field as the engine places it: by thousandths, then the judges'
// place; equal thousandths without one share the place.
std::vector<feed::heat_result> placed(const generated_heat& h, int heat_number) {
    const auto outcomes = outcomes_of(*h.messages);
    std::vector<feed::heat_result> field;
    std::vector<std::pair<std::pair<std::int64_t, int>, std::size_t>> finishers;
    for (const auto& a : h.spec->athletes) {
        feed::heat_result r{a.bib, a.name, a.country, heat_number, std::nullopt, std::nullopt};
        const auto o = outcomes.find(a.bib);
        if (o != outcomes.end() && !o->second.out && o->second.elapsed_ms) {
            r.elapsed_ms = o->second.elapsed_ms;
            finishers.push_back({{*r.elapsed_ms, o->second.judges_place.value_or(0)}, field.size()});
        }
        field.push_back(std::move(r));
    }
    std::sort(finishers.begin(), finishers.end());
    for (std::size_t k = 0; k < finishers.size(); ++k) {
        const bool shares = k > 0 && finishers[k].first == finishers[k - 1].first;
        field[finishers[k].second].place =
            shares ? field[finishers[k - 1].second].place : std::optional<int>(static_cast<int>(k) + 1);
    }
    return field;
}

}  // namespace

std::vector<athlete_spec> qualifiers_of(const std::vector<generated_heat>& heats, double pace) {
    if (heats.empty()) return {};
    const event_spec& first = *heats.front().spec;
    const feed::qualify_rule rule{first.qualify_by_place, first.qualify_by_time};
    std::vector<std::vector<feed::heat_result>> fields;
    std::map<std::pair<int, std::string>, const athlete_spec*> who;
    for (std::size_t k = 0; k < heats.size(); ++k) {
        const int number = heats[k].spec->heat.value_or(static_cast<int>(k) + 1);
        fields.push_back(placed(heats[k], number));
        for (const auto& a : heats[k].spec->athletes) who[{number, a.bib}] = &a;
    }
    std::vector<athlete_spec> out;
    for (const auto& q : feed::qualify(rule, fields).qualified) {
        athlete_spec a = *who.at({q.result.heat, q.result.bib});
        a.lane.reset();
        a.exact = false;
        a.target_ms = std::llround(static_cast<double>(*q.result.elapsed_ms) * pace);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace splitstream::sim
