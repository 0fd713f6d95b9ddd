#pragma once
// Parses one text message a subscriber sends (PROTOCOL.md: `{"op":"ping"}`,
// `{"op":"subscribe","events":[...],"types":[...]}`, `{"op":"refresh",
// "token":"..."}`) into an op or an error
// to send back. Pure: no session state, so it can be tested and fuzzed alone.

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace splitstream::publish {

struct client_op {
    enum class kind { ping, subscribe, refresh };
    kind op = kind::ping;
    std::vector<std::string> events;  // subscribe only
    std::vector<std::string> types;   // subscribe only
    std::string token;                // refresh only
};

struct client_op_error {
    std::string code;  // bad_request, unknown_op, too_many_filters
    std::string message;
};

// `max_filter_items`: most entries `events` and `types` may each hold.
std::variant<client_op, client_op_error> parse_client_op(simdjson::dom::parser& parser, std::string_view text,
                                                         std::size_t max_filter_items);

}  // namespace splitstream::publish
