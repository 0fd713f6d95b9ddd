#pragma once
// Splits an HTTP request target into its path and percent-decoded query
// parameters.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace splitstream {

struct request_target {
    std::string path;
    std::vector<std::pair<std::string, std::string>> query;

    // The first value of `key`, or nullopt.
    std::optional<std::string_view> param(std::string_view key) const;
};

// The value of one hex digit of a %-escape, or -1.
int hex_digit_value(char c);

// nullopt when the target is not origin-form or has a bad %-escape.
std::optional<request_target> parse_request_target(std::string_view target);

}  // namespace splitstream
