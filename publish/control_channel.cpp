#include "publish/control_channel.hpp"

#include <algorithm>
#include <array>

#include "publish/json_text.hpp"

namespace splitstream::publish {

namespace {

constexpr std::array all_views{control_view::startlist, control_view::running, control_view::results,
                               control_view::lower_third, control_view::strap};

std::string view_names() {
    std::string out;
    for (auto v : all_views) {
        if (!out.empty()) out += ", ";
        out += to_string(v);
    }
    return out;
}

control_error bad_request(std::string message) {
    return {control_error::kind::bad_request, "bad_request", std::move(message)};
}

// The members after the opening brace, shared by the HTTP state and the
// stream message.
void append_state_members(std::string& out, const control_state& s) {
    out += "\"channel\":";
    append_json_string(out, s.channel);
    out += ",\"rev\":" + std::to_string(s.rev);
    out += s.on_air ? ",\"on_air\":true" : ",\"on_air\":false";
    out += ",\"event\":";
    if (s.event)
        append_json_string(out, *s.event);
    else
        out += "null";
    out += ",\"view\":";
    if (s.view)
        append_json_string(out, to_string(*s.view));
    else
        out += "null";
    out += ",\"options\":";
    out += s.options;
    out += ",\"ts\":";
    if (s.ts.empty())
        out += "null";
    else
        append_json_string(out, s.ts);
    out += '}';
}

std::optional<control_error> read_on_air(simdjson::dom::element v, control_update& u) {
    bool b = false;
    if (v.get_bool().get(b) != simdjson::SUCCESS) return bad_request("on_air must be true or false");
    u.on_air = b;
    return std::nullopt;
}

std::optional<control_error> read_event(simdjson::dom::element v, control_update& u) {
    if (v.is_null()) {
        u.event = std::optional<std::string>{};
        return std::nullopt;
    }
    std::string_view id;
    if (v.get_string().get(id) != simdjson::SUCCESS || id.empty() || id.size() > control_event_max)
        return bad_request("event must be a string of 1 to " + std::to_string(control_event_max) +
                           " bytes, or null to clear it");
    u.event = std::optional<std::string>{std::string(id)};
    return std::nullopt;
}

std::optional<control_error> read_view(simdjson::dom::element v, control_update& u) {
    if (v.is_null()) {
        u.view = std::optional<control_view>{};
        return std::nullopt;
    }
    std::string_view name;
    std::optional<control_view> view;
    if (v.get_string().get(name) == simdjson::SUCCESS) view = parse_control_view(name);
    if (!view) return bad_request("view must be one of " + view_names() + ", or null to clear it");
    u.view = view;
    return std::nullopt;
}

std::optional<control_error> read_options(simdjson::dom::element v, control_update& u) {
    simdjson::dom::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return bad_request("options must be a JSON object");
    auto text = simdjson::minify(obj);
    if (text.size() > control_options_max)
        return bad_request("options must be at most " + std::to_string(control_options_max) +
                           " bytes of JSON (got " + std::to_string(text.size()) + ")");
    u.options = std::move(text);
    return std::nullopt;
}

}  // namespace

const char* to_string(control_view v) {
    switch (v) {
        case control_view::startlist:
            return "startlist";
        case control_view::running:
            return "running";
        case control_view::results:
            return "results";
        case control_view::lower_third:
            return "lower_third";
        case control_view::strap:
            return "strap";
    }
    return "?";
}

std::optional<control_view> parse_control_view(std::string_view name) {
    for (auto v : all_views)
        if (name == to_string(v)) return v;
    return std::nullopt;
}

bool valid_control_channel(std::string_view name) {
    if (name.empty() || name.size() > control_channel_name_max) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-';
    });
}

std::string control_state_json(const control_state& s) {
    std::string out = "{";
    append_state_members(out, s);
    return out;
}

std::string control_message_json(const control_state& s) {
    std::string out = R"({"type":"control",)";
    append_state_members(out, s);
    return out;
}

std::variant<control_update, control_error> parse_control_update(simdjson::dom::parser& parser,
                                                                 std::string_view body) {
    if (body.size() > control_body_max)
        return control_error{control_error::kind::too_large, "body_too_large",
                             "a control body is at most " + std::to_string(control_body_max) + " bytes"};
    simdjson::dom::element doc;
    if (auto err = parser.parse(body.data(), body.size()).get(doc); err != simdjson::SUCCESS)
        return bad_request(std::string("body is not JSON: ") + simdjson::error_message(err));
    simdjson::dom::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS)
        return bad_request("body must be a JSON object with any of on_air, event, view, options");
    control_update u;
    for (auto [key, value] : obj) {
        std::optional<control_error> err;
        if (key == "on_air")
            err = read_on_air(value, u);
        else if (key == "event")
            err = read_event(value, u);
        else if (key == "view")
            err = read_view(value, u);
        else if (key == "options")
            err = read_options(value, u);
        else
            err = bad_request("unknown field '" + std::string(key) +
                              "'; a control body has any of on_air, event, view, options");
        if (err) return std::move(*err);
    }
    return u;
}

void apply_control_update(control_state& s, const control_update& u, std::string ts) {
    if (u.on_air) s.on_air = *u.on_air;
    if (u.event) s.event = *u.event;
    if (u.view) s.view = *u.view;
    if (u.options) s.options = *u.options;
    ++s.rev;
    s.ts = std::move(ts);
}

control_state control_board::state(std::string_view channel) const {
    if (auto it = channels_.find(channel); it != channels_.end()) return it->second;
    control_state s;
    s.channel = std::string(channel);
    return s;
}

std::variant<const control_state*, control_error> control_board::apply(std::string_view channel,
                                                                       const control_update& u,
                                                                       std::string ts) {
    auto it = channels_.find(channel);
    if (it == channels_.end()) {
        if (channels_.size() >= control_channels_max)
            return control_error{control_error::kind::too_many_channels, "too_many_channels",
                                 "at most " + std::to_string(control_channels_max) +
                                     " control channels; reuse one of GET /v1/control"};
        control_state fresh;
        fresh.channel = std::string(channel);
        it = channels_.emplace(fresh.channel, std::move(fresh)).first;
    }
    apply_control_update(it->second, u, std::move(ts));
    return &it->second;
}

std::string control_board::list_json() const {
    std::string out = "[";
    for (const auto& [name, s] : channels_) {
        if (out.size() > 1) out += ',';
        out += control_state_json(s);
    }
    out += ']';
    return out;
}

}  // namespace splitstream::publish
