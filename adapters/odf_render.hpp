#pragma once
// The other way round from odf_adapter.hpp: a feed v1 session as the ODF
// documents a distributor would push, so the simulator can drive the ODF
// adapter (`sim --format odf`).
//
// Per event: DT_RESULT START_LIST with the start list (PB and SB as
// EventUnitEntry), DT_RESULT LIVE at the gun (UnitDateTime StartDate),
// DT_CURRENT with the live positions (at most one every 2 s of race time per
// unit, and never two passings of one athlete in one document), DT_RESULT
// LIVE at each finish and IRM (IRM with the RULE of a DQ), and DT_RESULT
// UNOFFICIAL and OFFICIAL. Every DT_RESULT is a full snapshot: results,
// ranks, the intermediates passed (ExtendedResult INTERMEDIATE) and the
// intermediate points (ExtendedInfo). Times to the thousandth go in MS
// beside the printed Result. An IRM before the gun goes out with the gun
// (the adapter would take a document after START_LIST as the start). What
// ODF does not carry here: a recall, where a DNF stopped, the records in
// force (the meet file has them).
//
// Pure: messages in, documents out (UTF-8 XML).

#include <string>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::adapters {

struct odf_document {
    std::string name;  // "000001-M1500-F-DT_RESULT.xml": sorting the names gives the order
    std::string ts;    // the ts of the feed message that made it: when to push it
    std::string xml;
};

struct odf_session {
    std::vector<odf_document> documents;  // in the order to push them
    std::string meet_toml;                // unit codes -> event ids, records, PB/SB, timing points
};

odf_session render_odf(const std::vector<feed::feed_message>& session, const std::string& feed);

// The DocumentCode of an event's unit: "ATH" and the id's letters and
// digits, padded with '-' to ODF's 34 characters ("ATHM1500F-----...").
std::string odf_unit_code(const std::string& event_id);

}  // namespace splitstream::adapters
