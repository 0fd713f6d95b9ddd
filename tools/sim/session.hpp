#pragma once
// A championship session: every event of a session_spec generated with one
// seed and merged into one timing feed, in order of time, with `seq` from 1
// (the hello) and `ts` = session start + offset. Pure and deterministic.

#include <cstdint>
#include <ostream>

#include "replay/recording.hpp"
#include "tools/sim/race_spec.hpp"
#include "tools/sim/spec_loader.hpp"

namespace splitstream::sim {

// The session's frames, ready to serve (replay::feed_server) or to write.
// Epoch: the spec's, or "<feed>-<seed>".
replay::feed_recording build_session(const session_spec& spec, std::uint64_t seed);

// The built-in session (tools/sim/specs/default-session.json, compiled in):
// the Budapest 2023 men's 1500 m final from its results file, a women's
// 100 m final with a false start, a championship record and a photo-finish
// correction, a men's 800 m semi-final run from the front with a DNS and a
// DQ, and a women's 5000 m final with surges and a DNF; overlapping in time.
session_spec default_session();

// The embedded spec text, and a reader for the files it names.
std::string_view default_session_json();
file_reader embedded_files();

// Writes one frame per line, in order.
void write_jsonl(const replay::feed_recording& rec, std::ostream& out);

}  // namespace splitstream::sim
