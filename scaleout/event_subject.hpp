#pragma once
// The NATS subject of a derived event: `<prefix>.<event>.<type>`
// (docs/scale-out.md, Derived events on subjects). A subject token may not
// hold `.`, `*`, `>` or white space, nor be empty: those characters of an
// event id become `_`, and an event-less (`feed`) event is `_`.

#include <string>
#include <string_view>

namespace splitstream::scaleout {

std::string event_subject(std::string_view prefix, std::string_view event, std::string_view type);

}  // namespace splitstream::scaleout
