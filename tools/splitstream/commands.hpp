#pragma once
// Each subcommand registers its options on the root app and returns the
// function main() runs when that subcommand was chosen.

#include <CLI/CLI.hpp>
#include <functional>

namespace splitstream::cli {

struct command {
    CLI::App* app;
    std::function<int()> run;
};

command add_process(CLI::App& root);
command add_serve(CLI::App& root);
command add_replay(CLI::App& root);
command add_record(CLI::App& root);
command add_journal(CLI::App& root);
command add_sim(CLI::App& root);
command add_tail(CLI::App& root);
command add_convert(CLI::App& root);

}  // namespace splitstream::cli
