#pragma once
// Reads the simulator's inputs: a session spec (JSON, docs/simulator.md) and
// real results files (the format of shared/data/races/*.json). Errors are
// values: a message naming the field and what is wrong with it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tools/sim/race_spec.hpp"

namespace splitstream::sim {

template <class T>
struct loaded {
    std::optional<T> value;
    std::string error;  // set when value is empty

    bool ok() const { return value.has_value(); }
};

// Reads a file named in a spec (`results_file`); nullopt when it cannot.
using file_reader = std::function<std::optional<std::string>(const std::string& name)>;

// Parses a session spec; `read` resolves `results_file` names.
loaded<session_spec> parse_session_spec(std::string_view json, const file_reader& read);
loaded<session_spec> load_session_spec(const std::string& path);

// One event from a results file: the official order and printed marks
// become exact targets, the named leaders at timing points (and their times)
// become constraints, the records in force are carried over. Bibs are not in
// such files: they are given in name order from 101 in steps of 7.
loaded<event_spec> parse_results_file(std::string_view json);
loaded<event_spec> load_results_file(const std::string& path);

// Reads a whole file; nullopt when it cannot be read or exceeds max_bytes.
std::optional<std::string> read_text_file(const std::string& path, std::size_t max_bytes = 64 << 20);

}  // namespace splitstream::sim
