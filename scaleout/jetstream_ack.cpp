#include "scaleout/jetstream_ack.hpp"

namespace splitstream::scaleout {

namespace {
constexpr std::string_view duplicate_key = "\"duplicate\":";
constexpr std::string_view wrong_last_code = "\"err_code\":10070";
}  // namespace

jetstream_ack read_jetstream_ack(std::string_view body) {
    jetstream_ack out;
    out.refused = body.empty() || body.find("\"error\"") != std::string_view::npos;
    if (out.refused) {
        out.wrong_last = body.find(wrong_last_code) != std::string_view::npos;
        return out;
    }
    if (const auto at = body.find(duplicate_key); at != std::string_view::npos) {
        const auto value = body.find_first_not_of(' ', at + duplicate_key.size());
        out.duplicate = value != std::string_view::npos && body.substr(value, 4) == "true";
    }
    return out;
}

}  // namespace splitstream::scaleout
