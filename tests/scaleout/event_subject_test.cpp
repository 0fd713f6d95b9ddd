// Subjects of derived events on NATS (scaleout/event_subject.hpp): one
// token per event id and type, whatever the id holds.

#include "scaleout/event_subject.hpp"

#include <gtest/gtest.h>

namespace splitstream::scaleout {
namespace {

TEST(EventSubject, IsThePrefixTheEventAndTheType) {
    EXPECT_EQ(event_subject("splitstream.events", "M1500-F", "split"), "splitstream.events.M1500-F.split");
}

TEST(EventSubject, CharactersNatsReservesInAnEventIdBecomeUnderscores) {
    EXPECT_EQ(event_subject("p", "W.100 m*>", "finish"), "p.W_100_m__.finish")
        << "a dot would add a token, * and > are wildcards, a space ends the subject";
}

TEST(EventSubject, AnEventlessEventHasAnUnderscoreToken) {
    EXPECT_EQ(event_subject("p", "", "feed"), "p._.feed");
}

}  // namespace
}  // namespace splitstream::scaleout
