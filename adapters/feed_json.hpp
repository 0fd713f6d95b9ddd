#pragma once
// Feed v1 (docs/protocol.md §1) as text: what an adapter hands on is the
// same JSON line a feed v1 upstream would have sent, so it is journalled,
// replayed and processed like one.

#include <string>

#include "feed/message.hpp"

namespace splitstream::adapters {

// One feed v1 message as compact JSON, without a line end. Optional fields
// are written only when set.
std::string to_feed_json(const feed::feed_message& msg);

}  // namespace splitstream::adapters
