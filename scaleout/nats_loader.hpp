#pragma once
// Loads the NATS module (libsplitstream_nats.so, scaleout/nats_link.hpp)
// for `serve --nats`; nothing else loads it, so without --nats neither it
// nor libnats is ever opened. Once loaded it stays loaded: nats.c keeps
// threads and library state of its own for the life of the process.

#include <filesystem>
#include <memory>
#include <string>

#include "scaleout/nats_link.hpp"

namespace splitstream::scaleout {

inline constexpr const char* nats_module_file = "libsplitstream_nats.so";
// Names the module to load instead of the one beside the program.
inline constexpr const char* nats_module_env = "SPLITSTREAM_NATS_MODULE";

// Where the module is: $SPLITSTREAM_NATS_MODULE if set, else beside
// `program` (the build tree) if it is there, else `program`'s
// ../lib/splitstream (installed).
std::filesystem::path nats_module_path(const std::filesystem::path& program);

struct loaded_link {
    std::unique_ptr<nats_link> link;  // null when it could not be loaded
    std::string error;                // then why, with what to install
};

loaded_link load_nats_link(const std::filesystem::path& module, const nats_link_args& args);

}  // namespace splitstream::scaleout
