#include "daemon/health.hpp"

namespace splitstream::daemon {

std::string health_members(const health_facts& facts) {
    return "\"upstreams_connected\":" + std::to_string(facts.upstreams_connected) +
           ",\"feed_seq\":" + std::to_string(facts.feed_seq) +
           ",\"recovered\":" + (facts.recovered ? "true" : "false");
}

}  // namespace splitstream::daemon
