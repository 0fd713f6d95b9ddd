#pragma once
// Control channels: what a graphics operator has taken on air. A channel is
// a name an overlay subscribes to (`/v1/stream?control=A`); its state says
// whether the graphic is on air, which event and which view it shows, and a
// small object of view options. This file is the plain part: names, the
// update body of `POST /v1/control/{channel}`, the state and its JSON, and
// the bounded set of channels. No I/O, no clock (the time of a change comes
// in as text), no threads.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace splitstream::publish {

// Limits of the control API (docs/publish.md, Control channels).
inline constexpr std::size_t control_channels_max = 64;
inline constexpr std::size_t control_channel_name_max = 32;
inline constexpr std::size_t control_event_max = 64;
inline constexpr std::size_t control_options_max = 4 * 1024;  // minified JSON
inline constexpr std::size_t control_body_max = 8 * 1024;

// What an overlay shows. A switch over it has no default, so a new view is
// a compile error wherever it must be handled.
enum class control_view : std::uint8_t { startlist, running, results, lower_third, strap };

const char* to_string(control_view v);
std::optional<control_view> parse_control_view(std::string_view name);

// `[A-Za-z0-9_-]{1,32}`.
bool valid_control_channel(std::string_view name);

struct control_state {
    std::string channel;
    std::uint64_t rev = 0;  // changes so far; 0: never set
    bool on_air = false;
    std::optional<std::string> event;
    std::optional<control_view> view;
    std::string options = "{}";  // a minified JSON object
    std::string ts;              // ISO 8601 UTC of the last change; empty at rev 0
};

// The state as JSON: {"channel":…,"rev":…,"on_air":…,"event":…|null,
// "view":…|null,"options":{…},"ts":…|null}.
std::string control_state_json(const control_state& s);
// The same members after "type":"control": the stream message.
std::string control_message_json(const control_state& s);

// A parsed POST body: each field present or not; a present `event` or
// `view` may be null (cleared).
struct control_update {
    std::optional<bool> on_air;
    std::optional<std::optional<std::string>> event;
    std::optional<std::optional<control_view>> view;
    std::optional<std::string> options;  // minified JSON object
};

// Why a body or a change was refused; `code` is the JSON error code, the
// message says what to send instead.
struct control_error {
    enum class kind : std::uint8_t { bad_request, too_large, too_many_channels };
    kind why;
    std::string code;
    std::string message;
};

// Parses a POST body: a JSON object with any of on_air (bool), event
// (string of 1 to 64 bytes, or null), view (one of the view names, or
// null), options (object, at most 4 KiB minified). Unknown members are
// refused, so a misspelt field is not silently ignored.
std::variant<control_update, control_error> parse_control_update(simdjson::dom::parser& parser,
                                                                 std::string_view body);

// Applies an update: missing fields keep their value, rev goes up by one
// (every accepted update is a change: taking the same graphic again
// replays its animation), ts is the given time.
void apply_control_update(control_state& s, const control_update& u, std::string ts);

// The channels that have been set, at most control_channels_max.
class control_board {
public:
    // The channel's state; a channel never set is rev 0, off air.
    control_state state(std::string_view channel) const;
    // Applies `u` to `channel` (created on its first change). Refused when
    // that would make more than control_channels_max channels.
    std::variant<const control_state*, control_error> apply(std::string_view channel, const control_update& u,
                                                            std::string ts);
    // Every channel set so far, by name: a JSON array of states.
    std::string list_json() const;
    std::size_t size() const { return channels_.size(); }

private:
    std::map<std::string, control_state, std::less<>> channels_;
};

}  // namespace splitstream::publish
