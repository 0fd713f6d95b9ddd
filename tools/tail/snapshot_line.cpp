#include "tools/tail/snapshot_line.hpp"

#include <string_view>

#include "feed/display_name.hpp"

namespace splitstream::tail {

namespace {

std::string_view string_of(simdjson::dom::element el, std::string_view key) {
    std::string_view v;
    return el[key].get_string().get(v) == simdjson::SUCCESS ? v : std::string_view{};
}

// "Josh Kerr (GBR)"
std::string who(simdjson::dom::element athlete) {
    std::string out = feed::display_name(string_of(athlete, "name"));
    if (out.empty()) out = "bib " + std::string(string_of(athlete, "bib"));
    if (const auto country = string_of(athlete, "country"); !country.empty())
        out += " (" + std::string(country) + ")";
    return out;
}

// The stage as a reader says it; the feed's word when there is no better.
std::string stage(std::string_view status) {
    if (status == "scheduled") return "start list";
    if (status == "started") return "under way";
    if (status == "unofficial") return "unofficial results";
    if (status == "official") return "official results";
    return status.empty() ? "unknown" : std::string(status);
}

// The athlete placed first: from the results once published, else the
// first to finish.
std::string winner(simdjson::dom::element state) {
    simdjson::dom::array rows;
    if (state["results"].get_array().get(rows) == simdjson::SUCCESS) {
        for (auto row : rows) {
            std::uint64_t place = 0;
            if (row["place"].get_uint64().get(place) == simdjson::SUCCESS && place == 1)
                return who(row) + " " + std::string(string_of(row, "mark"));
        }
    }
    if (state["athletes"].get_array().get(rows) == simdjson::SUCCESS) {
        for (auto a : rows) {
            std::uint64_t place = 0;
            if (a["finish"]["place"].get_uint64().get(place) == simdjson::SUCCESS && place == 1)
                return who(a) + " " + std::string(string_of(a["finish"], "mark"));
        }
    }
    return {};
}

}  // namespace

std::string snapshot_line(simdjson::dom::element state) {
    auto name = string_of(state, "name");
    const auto status = string_of(state, "status");
    std::string out = std::string(name.empty() ? "event" : name) + ": " + stage(status);
    simdjson::dom::array athletes;
    if (state["athletes"].get_array().get(athletes) == simdjson::SUCCESS)
        out += ", " + std::to_string(athletes.size()) + " athletes";
    if (const auto first = winner(state); !first.empty()) return out + ", winner " + first;
    if (status != "started") return out;  // a leader only while the race is run
    simdjson::dom::object lead;
    if (state["leader"].get_object().get(lead) == simdjson::SUCCESS) {
        out += ", leader " + who(state["leader"]);
        std::uint64_t at = 0;
        if (state["last_point_m"].get_uint64().get(at) == simdjson::SUCCESS)
            out += " at " + std::to_string(at) + " m";
    }
    return out;
}

}  // namespace splitstream::tail
