// The HTTP side of a subscription: request target -> path and query ->
// events/types lists -> filter -> the filter echoed as JSON. Whatever the
// bytes: no crash, and whatever is echoed is valid JSON.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/request_target.hpp"
#include "publish/filter.hpp"

using namespace splitstream;
using namespace splitstream::publish;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto target = parse_request_target(text);
    if (!target) return 0;
    if (target->path.empty() || target->path.front() != '/') std::abort();
    std::vector<std::string> events;
    std::vector<std::string> types;
    if (auto v = target->param("events")) events = split_list(*v);
    if (auto v = target->param("types")) types = split_list(*v);
    for (const auto& e : events)
        if (e.empty() || e.find(',') != std::string::npos) std::abort();
    subscription_filter filter;
    if (make_filter(std::move(events), types, filter)) return 0;
    static simdjson::dom::parser parser;
    const std::string json = "{" + filter_json_fields(filter) + "}";
    simdjson::dom::element doc;
    // Event ids come from the client; invalid UTF-8 in them is echoed as is,
    // so only the structure is checked when the input is not UTF-8.
    const auto err = parser.parse(json).get(doc);
    if (err != simdjson::SUCCESS && err != simdjson::UTF8_ERROR) std::abort();
    return 0;
}
