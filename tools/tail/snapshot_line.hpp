#pragma once
// The ticker line `tail` prints for a snapshot (where a race stands when the
// tail joins), from its `state` object (PROTOCOL.md §2): the event, what
// stage it is at, the field, and who is ahead: "leader" while the race is
// run, "winner" once it is won. Names read as headlines do ("Josh Kerr",
// not the start list's "Josh KERR").

#include <simdjson.h>

#include <string>

namespace splitstream::tail {

// "Men's 1500 metres Final: under way, 12 athletes, leader Josh Kerr (GBR) at 1400 m"
// "Men's 1500 metres Final: official results, 12 athletes, winner Josh Kerr (GBR) 3:29.38"
std::string snapshot_line(simdjson::dom::element state);

}  // namespace splitstream::tail
