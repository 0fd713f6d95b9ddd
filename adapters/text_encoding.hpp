#pragma once
// FinishLynx writes its files in the Windows code page of the PC it runs on
// (Windows-1252 in Western Europe and the Americas); newer setups write
// UTF-8. Text that is valid UTF-8 is kept as it is; anything else is read as
// Windows-1252. A Windows-1252 name that happens to be valid UTF-8 needs two
// or more accented capitals and symbols in a row ("Ã©"), which names do not
// have.

#include <string>
#include <string_view>

namespace splitstream::adapters {

bool is_valid_utf8(std::string_view text);

// `text` as UTF-8: unchanged when it already is, else decoded as
// Windows-1252 (its five unassigned bytes become U+FFFD).
std::string to_utf8(std::string_view text);

}  // namespace splitstream::adapters
