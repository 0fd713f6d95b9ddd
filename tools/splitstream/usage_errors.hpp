#pragma once
// What `splitstream` says when its command line cannot be parsed: the
// command that was not found (with the list of those that exist), the words
// a command did not understand (in the order they were typed), or CLI11's
// own message prefixed with the command. Always one line on stderr and a
// pointer to the --help that explains it.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace splitstream::cli {

// The message for `error`, raised while `root` parsed `args` (argv without
// the program name).
std::string usage_error_text(const CLI::App& root, const CLI::ParseError& error,
                             const std::vector<std::string>& args);

}  // namespace splitstream::cli
