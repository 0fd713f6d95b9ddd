#pragma once
// Where `serve` finds its web pages when --web-dir is not given: beside the
// program, so the same binary serves its pages from the build tree and after
// `cmake --install`, and --help never shows the build machine's paths.

#include <filesystem>
#include <string>

namespace splitstream::daemon {

// The first directory holding index.html of, relative to the directory of
// `program`: ../share/splitstream/web (installed) and web (the build tree,
// where CMake links the source's publish/web). Empty when neither exists.
std::string installed_web_dir(const std::filesystem::path& program);

// The running program's own path (/proc/self/exe); empty if unknown.
std::filesystem::path this_program();

}  // namespace splitstream::daemon
