// splitstream: live championship results feed processor.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/splitstream/commands.hpp"
#include "tools/splitstream/usage_errors.hpp"

int main(int argc, char** argv) {
    using namespace splitstream::cli;
    CLI::App app{"splitstream " SPLITSTREAM_VERSION
                 ": live championship results feed processor.\n"
                 "Ingests a live timing feed, keeps race state, and republishes derived events."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "splitstream " SPLITSTREAM_VERSION);

    std::vector<command> commands{add_serve(app),   add_process(app), add_replay(app), add_record(app),
                                  add_journal(app), add_sim(app),     add_tail(app),   add_convert(app)};
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "%s\n",
                     usage_error_text(app, e, std::vector<std::string>(argv + 1, argv + argc)).c_str());
        return 2;
    }
    for (auto& c : commands)
        if (c.app->parsed()) return c.run();
    return 2;
}
