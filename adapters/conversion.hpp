#pragma once
// What one foreign input (a file, a document, a scoreboard block) became:
// feed v1 messages, numbered and stamped, and the problems found on the way.

#include <vector>

#include "adapters/input_problem.hpp"
#include "feed/message.hpp"

namespace splitstream::adapters {

struct conversion {
    std::vector<feed::feed_message> messages;
    std::vector<problem> problems;
};

}  // namespace splitstream::adapters
