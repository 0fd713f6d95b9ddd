#pragma once
// The offline player: reads a recorded feed (a journal or a JSON Lines
// file), runs it through the parser and a fresh engine as fast as it can,
// and hands over each derived event in order. Deterministic: the same input
// gives the same events, byte for byte, on every run.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "feed/derived_event.hpp"
#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/journal_reader.hpp"

namespace splitstream::replay {

enum class input_format { journal, json_lines };
const char* to_string(input_format f);

// A journal starts with the journal magic; anything else is read as JSON
// Lines. Fails only when the file cannot be read.
std::optional<input_format> detect_format(const std::filesystem::path& path, std::error_code& ec);

// Input that produced no events: refused by the parser or the engine (now,
// or when it was journalled), or dropped as a duplicate.
struct skipped_input {
    std::string location;  // "line 12" or "journal.1 offset 4096"
    std::string_view frame;
    std::string reason;  // a reject_reason name, or "duplicate"
    std::string_view detail;
};

struct offline_options {
    feed::engine_options engine;
    ingest::parser_options parser;
};

struct offline_callbacks {
    std::function<void(const feed::derived_event&)> on_event;
    std::function<void(const skipped_input&)> on_skipped;
};

struct offline_summary {
    input_format format = input_format::json_lines;
    std::uint64_t applied = 0;            // frames applied
    std::uint64_t skipped = 0;            // frames refused or dropped
    std::uint64_t notices = 0;            // journalled notices reissued
    std::uint64_t events = 0;             // derived events made
    std::optional<read_end> journal_end;  // journals: where reading stopped
    std::chrono::nanoseconds elapsed{0};
};

// Plays `path` from start to end. Fails only when it cannot be read.
offline_summary play_offline(const std::filesystem::path& path, const offline_options& options,
                             const offline_callbacks& callbacks, std::error_code& ec);

}  // namespace splitstream::replay
