// Wire names of the enums in message.hpp, rejection.hpp and derived_event.hpp.

#include "feed/derived_event.hpp"
#include "feed/message.hpp"
#include "feed/rejection.hpp"

namespace splitstream::feed {

const char* to_string(message_type t) {
    switch (t) {
        case message_type::hello:
            return "hello";
        case message_type::heartbeat:
            return "heartbeat";
        case message_type::startlist:
            return "startlist";
        case message_type::status:
            return "status";
        case message_type::split:
            return "split";
        case message_type::finish:
            return "finish";
        case message_type::irm:
            return "irm";
        case message_type::card:
            return "card";
        case message_type::penalty_zone:
            return "penalty_zone";
        case message_type::reaction:
            return "reaction";
    }
    return "?";
}

const char* to_string(status_code s) {
    switch (s) {
        case status_code::started:
            return "started";
        case status_code::recalled:
            return "recalled";
        case status_code::unofficial:
            return "unofficial";
        case status_code::official:
            return "official";
        case status_code::cancelled:
            return "cancelled";
    }
    return "?";
}

const char* to_string(irm_code c) {
    switch (c) {
        case irm_code::dns:
            return "DNS";
        case irm_code::dnf:
            return "DNF";
        case irm_code::dq:
            return "DQ";
        case irm_code::ok:
            return "OK";
    }
    return "?";
}

const char* to_string(record_kind k) {
    switch (k) {
        case record_kind::wr:
            return "WR";
        case record_kind::or_:
            return "OR";
        case record_kind::cr:
            return "CR";
        case record_kind::ar:
            return "AR";
        case record_kind::nr:
            return "NR";
        case record_kind::wl:
            return "WL";
        case record_kind::mr:
            return "MR";
    }
    return "?";
}

const char* to_string(venue v) {
    switch (v) {
        case venue::track:
            return "track";
        case venue::road:
            return "road";
    }
    return "?";
}

const char* to_string(reject_reason r) {
    switch (r) {
        case reject_reason::invalid_json:
            return "invalid_json";
        case reject_reason::missing_field:
            return "missing_field";
        case reject_reason::wrong_type:
            return "wrong_type";
        case reject_reason::unknown_type:
            return "unknown_type";
        case reject_reason::bad_version:
            return "bad_version";
        case reject_reason::bad_timestamp:
            return "bad_timestamp";
        case reject_reason::bad_value:
            return "bad_value";
        case reject_reason::too_large:
            return "too_large";
        case reject_reason::unknown_event:
            return "unknown_event";
        case reject_reason::unknown_bib:
            return "unknown_bib";
        case reject_reason::not_started:
            return "not_started";
        case reject_reason::time_backwards:
            return "time_backwards";
        case reject_reason::beyond_distance:
            return "beyond_distance";
        case reject_reason::after_out:
            return "after_out";
        case reject_reason::already_finished:
            return "already_finished";
        case reject_reason::event_closed:
            return "event_closed";
        case reject_reason::duplicate_bib:
            return "duplicate_bib";
        case reject_reason::invalid_transition:
            return "invalid_transition";
    }
    return "?";
}

const char* to_string(event_type t) {
    switch (t) {
        case event_type::startlist:
            return "startlist";
        case event_type::race_state:
            return "race_state";
        case event_type::split:
            return "split";
        case event_type::leader_change:
            return "leader_change";
        case event_type::finish:
            return "finish";
        case event_type::record:
            return "record";
        case event_type::irm:
            return "irm";
        case event_type::correction:
            return "correction";
        case event_type::results:
            return "results";
        case event_type::feed:
            return "feed";
        case event_type::qualifiers:
            return "qualifiers";
        case event_type::card:
            return "card";
        case event_type::penalty_zone:
            return "penalty_zone";
        case event_type::false_start:
            return "false_start";
    }
    return "?";
}

bool parse_event_type(const std::string& name, event_type& out) {
    for (int i = 0; i < event_type_count; ++i) {
        auto t = static_cast<event_type>(i);
        if (name == to_string(t)) {
            out = t;
            return true;
        }
    }
    return false;
}

}  // namespace splitstream::feed
