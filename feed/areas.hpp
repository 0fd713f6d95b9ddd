#pragma once
// World Athletics areas of the member federations, by three-letter country
// code: AFR, ASI, EUR, NAC, OCE, SAM. Used for area records (AR).

#include <string_view>

namespace splitstream::feed {

// The area of `country`, or an empty view for a code that is not a member
// federation (e.g. "ANA", neutral athletes).
std::string_view area_of(std::string_view country);

// A readable name for an area code, as used in headlines ("European").
std::string_view area_adjective(std::string_view area);

}  // namespace splitstream::feed
