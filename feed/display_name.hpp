#pragma once
// Headline form of a start-list name: results print family names in
// capitals ("Josh KERR", "Narve Gilje NORDÅS"); headlines read "Josh Kerr",
// "Narve Gilje Nordås". Works on UTF-8 Latin letters; others pass unchanged.

#include <string>
#include <string_view>

namespace splitstream::feed {

std::string display_name(std::string_view startlist_name);

}  // namespace splitstream::feed
