#pragma once
// What a subscriber asked to see: `events=` and `types=` (PROTOCOL.md §2).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/derived_event.hpp"

namespace splitstream::publish {

inline constexpr std::uint32_t all_event_types = (1u << feed::event_type_count) - 1;

struct subscription_filter {
    std::vector<std::string> events;  // empty: every event
    std::uint32_t types = all_event_types;

    // Upstream-health events (type `feed`, no event id) pass every `events`
    // filter; the `types` filter applies to everything.
    bool matches(feed::event_type type, std::string_view event) const;
    // True when snapshots of `event` belong to this subscriber.
    bool wants_event(std::string_view event) const;
};

// Splits a comma-separated list, dropping empty items.
std::vector<std::string> split_list(std::string_view csv);

// Builds a filter from event ids and type names; an unknown type name is an
// error (the message says which), and the filter is not changed.
std::optional<std::string> make_filter(std::vector<std::string> events, const std::vector<std::string>& types,
                                       subscription_filter& out);

// The filter as JSON arrays: "events":[...],"types":[...] (no braces).
std::string filter_json_fields(const subscription_filter& f);

}  // namespace splitstream::publish
