#include "publish/client_op.hpp"

namespace splitstream::publish {

std::variant<client_op, client_op_error> parse_client_op(simdjson::dom::parser& parser, std::string_view text,
                                                         std::size_t max_filter_items) {
    simdjson::dom::element doc;
    if (parser.parse(text.data(), text.size()).get(doc) != simdjson::SUCCESS)
        return client_op_error{"bad_request", "message is not valid JSON"};
    std::string_view op;
    if (doc["op"].get_string().get(op) != simdjson::SUCCESS)
        return client_op_error{"bad_request", "message has no string \"op\""};
    if (op == "ping") return client_op{};
    if (op == "refresh") {
        std::string_view token;
        if (doc["token"].get_string().get(token) != simdjson::SUCCESS)
            return client_op_error{"bad_request", "refresh needs a string \"token\""};
        client_op out;
        out.op = client_op::kind::refresh;
        out.token = std::string(token);
        return out;
    }
    if (op != "subscribe") {
        // The op is echoed as JSON text later; cap it so a huge one stays small.
        return client_op_error{"unknown_op", "unknown op '" + std::string(op.substr(0, 64)) +
                                                 "'; expected subscribe, refresh or ping"};
    }
    client_op out;
    out.op = client_op::kind::subscribe;
    for (auto [key, list] : {std::pair{"events", &out.events}, std::pair{"types", &out.types}}) {
        simdjson::dom::element el;
        if (doc[key].get(el) != simdjson::SUCCESS) continue;
        simdjson::dom::array arr;
        if (el.get_array().get(arr) != simdjson::SUCCESS)
            return client_op_error{"bad_request", std::string("\"") + key + "\" must be an array of strings"};
        if (arr.size() > max_filter_items)
            return client_op_error{"too_many_filters", std::string("\"") + key + "\" names more than " +
                                                           std::to_string(max_filter_items) + " entries"};
        for (auto item : arr) {
            std::string_view s;
            if (item.get_string().get(s) != simdjson::SUCCESS)
                return client_op_error{"bad_request",
                                       std::string("\"") + key + "\" must be an array of strings"};
            list->emplace_back(s);
        }
    }
    return out;
}

}  // namespace splitstream::publish
