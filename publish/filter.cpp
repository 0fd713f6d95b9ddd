#include "publish/filter.hpp"

#include <algorithm>

#include "publish/json_text.hpp"

namespace splitstream::publish {

bool subscription_filter::matches(feed::event_type type, std::string_view event) const {
    if ((types & (1u << static_cast<unsigned>(type))) == 0) return false;
    if (events.empty() || event.empty()) return true;
    return wants_event(event);
}

bool subscription_filter::wants_event(std::string_view event) const {
    if (events.empty()) return true;
    return std::find(events.begin(), events.end(), event) != events.end();
}

std::vector<std::string> split_list(std::string_view csv) {
    std::vector<std::string> out;
    while (!csv.empty()) {
        const auto comma = csv.find(',');
        auto item = csv.substr(0, comma);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        csv.remove_prefix(comma + 1);
    }
    return out;
}

std::optional<std::string> make_filter(std::vector<std::string> events, const std::vector<std::string>& types,
                                       subscription_filter& out) {
    std::uint32_t mask = types.empty() ? all_event_types : 0;
    for (const auto& name : types) {
        feed::event_type t{};
        if (!feed::parse_event_type(name, t)) return "unknown event type '" + name + "'";
        mask |= 1u << static_cast<unsigned>(t);
    }
    std::sort(events.begin(), events.end());
    events.erase(std::unique(events.begin(), events.end()), events.end());
    out.events = std::move(events);
    out.types = mask;
    return std::nullopt;
}

std::string filter_json_fields(const subscription_filter& f) {
    std::string out = "\"events\":[";
    for (std::size_t i = 0; i < f.events.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, f.events[i]);
    }
    out += "],\"types\":[";
    bool first = true;
    for (int i = 0; i < feed::event_type_count; ++i) {
        if (f.types == all_event_types) break;
        if ((f.types & (1u << i)) == 0) continue;
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, feed::to_string(static_cast<feed::event_type>(i)));
    }
    out += "]";
    return out;
}

}  // namespace splitstream::publish
