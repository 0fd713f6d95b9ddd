#pragma once
// Faults the feed server injects for testing consumers: which frames are
// dropped, duplicated, reordered, corrupted, oversized, preceded by a
// disconnect or a silence, and where the upstream "restarts". Deterministic:
// rates are decided per seq from base/mix64.hpp, so the same options fault
// the same frames on every run. Pure: the server (replay/feed_server.cpp)
// applies the decisions.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace splitstream::replay {

struct silence_fault {
    std::uint64_t seq = 0;
    std::chrono::milliseconds duration{0};
};

// Which faults to inject. Rates are per frame, decided by a hash of
// (seed, seq, fault) so the same options fault the same frames every run.
struct fault_options {
    double drop_rate = 0;
    double dup_rate = 0;
    double reorder_rate = 0;
    double corrupt_rate = 0;
    std::vector<std::uint64_t> drop_at;
    std::vector<std::uint64_t> dup_at;
    std::vector<std::uint64_t> reorder_at;         // send this frame after the next one
    std::vector<std::uint64_t> corrupt_at;         // send invalid JSON instead
    std::vector<std::uint64_t> oversize_at;        // send it padded past 1 MiB instead
    std::vector<std::uint64_t> disconnect_at;      // drop the connection before it
    std::vector<silence_fault> silence_at;         // send nothing at all, heartbeats included
    std::optional<std::uint64_t> epoch_change_at;  // a new epoch starts here, seq from 1
    std::uint64_t seed = 1;
};

// The kinds of fault, each its own input to the per-seq hash (and the key
// under which the server remembers that a fault has fired).
enum fault_kind : std::uint64_t {
    fault_drop = 1,
    fault_dup,
    fault_reorder,
    fault_corrupt,
    fault_oversize,
    fault_disconnect,
    fault_silence
};

// The faults for the frame with this (original) seq.
struct fault_decision {
    bool drop = false;
    bool duplicate = false;
    bool reorder = false;
    bool corrupt = false;
    bool oversize = false;
    bool disconnect = false;
    std::chrono::milliseconds silence{0};
};
fault_decision decide_faults(const fault_options& f, std::uint64_t seq);

// Size of an oversized frame: just over ingest's 1 MiB limit.
inline constexpr std::size_t oversize_frame_bytes = (1u << 20) + 4096;

// Invalid JSON that is still valid UTF-8 (a WebSocket text frame must be).
std::string corrupted_frame(const std::string& text);

// Valid JSON, over the 1 MiB frame limit (oversize_frame_bytes of padding).
std::string oversized_frame(const std::string& text);

}  // namespace splitstream::replay
