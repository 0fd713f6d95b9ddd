// `serve --max-delay SECONDS`: the longest broadcast delay a subscriber may
// ask for (publish::server_options::max_delay), its default in --help, and
// its range.

#include <gtest/gtest.h>

#include "daemon/command_line.hpp"

namespace splitstream::daemon {
namespace {

using namespace std::chrono_literals;

struct parsed {
    command_line::result result;
    std::string help;
};

parsed parse(std::vector<std::string> args) {
    CLI::App app;
    auto* serve = app.add_subcommand("serve");
    command_line flags(*serve, {});
    args.insert(args.begin(), {"splitstream", "serve", "--upstream", "ws://a/feed"});
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return {flags.finish(), serve->help()};
}

TEST(MaxDelayFlag, DefaultsToTwoMinutesAndSetsTheServerOption) {
    const auto defaults = parse({});
    ASSERT_TRUE(defaults.result.settings) << defaults.result.error;
    EXPECT_EQ(defaults.result.settings->service.publish.max_delay, 120s);
    EXPECT_NE(defaults.help.find("--max-delay INT:INT in [0 - 3600]=120"), std::string::npos)
        << defaults.help;

    const auto thirty = parse({"--max-delay", "30"});
    ASSERT_TRUE(thirty.result.settings) << thirty.result.error;
    EXPECT_EQ(thirty.result.settings->service.publish.max_delay, 30s);

    const auto off = parse({"--max-delay", "0"});
    ASSERT_TRUE(off.result.settings) << off.result.error;
    EXPECT_EQ(off.result.settings->service.publish.max_delay, 0s);

    EXPECT_THROW(parse({"--max-delay", "4000"}), CLI::ValidationError);
}

}  // namespace
}  // namespace splitstream::daemon
