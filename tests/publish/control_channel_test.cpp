// Control channels without sockets: channel names, POST bodies, partial
// updates and rev, the channel limit, the JSON both sides read, and the
// desk's hand-off of each change to the followers of that channel only.

#include "publish/control_channel.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "publish/control_desk.hpp"
#include "publish/jwt.hpp"
#include "publish/static_files.hpp"

namespace splitstream::publish {
namespace {

control_update parse_ok(simdjson::dom::parser& p, std::string_view body) {
    auto r = parse_control_update(p, body);
    EXPECT_TRUE(std::holds_alternative<control_update>(r))
        << body << " -> " << std::get<control_error>(r).message;
    return std::holds_alternative<control_update>(r) ? std::get<control_update>(r) : control_update{};
}

control_error parse_error(simdjson::dom::parser& p, std::string_view body) {
    auto r = parse_control_update(p, body);
    EXPECT_TRUE(std::holds_alternative<control_error>(r)) << body << " was accepted";
    return std::holds_alternative<control_error>(r) ? std::get<control_error>(r) : control_error{};
}

TEST(control_channel, names_are_1_to_32_letters_digits_underscores_and_dashes) {
    EXPECT_TRUE(valid_control_channel("A"));
    EXPECT_TRUE(valid_control_channel("studio_1-main"));
    EXPECT_TRUE(valid_control_channel(std::string(32, 'x')));
    EXPECT_FALSE(valid_control_channel(""));
    EXPECT_FALSE(valid_control_channel(std::string(33, 'x')));
    for (const char* bad : {"a b", "a/b", "a.b", "ä", "a%20", "a\"", "A\n"})
        EXPECT_FALSE(valid_control_channel(bad)) << bad;
}

TEST(control_channel, bodies_with_any_subset_of_the_fields_parse) {
    simdjson::dom::parser p;
    auto all =
        parse_ok(p, R"({"on_air":true,"event":"M100-F","view":"lower_third","options":{"b": [1, 2]}})");
    EXPECT_EQ(all.on_air, true);
    EXPECT_EQ(all.event, std::optional<std::string>("M100-F"));
    EXPECT_EQ(all.view, std::optional<control_view>(control_view::lower_third));
    EXPECT_EQ(all.options, std::optional<std::string>(R"({"b":[1,2]})"));  // minified

    auto none = parse_ok(p, "{}");
    EXPECT_FALSE(none.on_air || none.event || none.view || none.options);

    auto cleared = parse_ok(p, R"({"event":null,"view":null})");
    ASSERT_TRUE(cleared.event && cleared.view);
    EXPECT_FALSE(*cleared.event);
    EXPECT_FALSE(*cleared.view);
    for (const char* view : {"startlist", "running", "results", "lower_third", "strap"})
        EXPECT_EQ(to_string(*parse_control_view(view)), std::string(view));
}

TEST(control_channel, bad_bodies_are_refused_with_a_message_naming_the_field) {
    simdjson::dom::parser p;
    struct bad_case {
        std::string body;
        std::string says;
    };
    const std::vector<bad_case> cases = {
        {"", "not JSON"},
        {"{", "not JSON"},
        {"[1]", "JSON object"},
        {R"({"on_air":"yes"})", "on_air"},
        {R"({"on_air":1})", "on_air"},
        {R"({"event":"")", "not JSON"},
        {R"({"event":""})", "event"},
        {R"({"event":7})", "event"},
        {R"({"event":")" + std::string(65, 'e') + R"("})", "event"},
        {R"({"view":"fullscreen"})", "startlist, running, results, lower_third, strap"},
        {R"({"options":[1]})", "options"},
        {R"({"options":"x"})", "options"},
        {R"({"options":{"x":")" + std::string(5000, 'x') + R"("}})", "4096"},
        {R"({"on_air":true,"channel":"A"})", "unknown field 'channel'"},
    };
    for (const auto& c : cases) {
        auto err = parse_error(p, c.body);
        EXPECT_EQ(err.why, control_error::kind::bad_request) << c.body;
        EXPECT_NE(err.message.find(c.says), std::string::npos) << c.body << " -> " << err.message;
    }
    // A 64-byte event is the longest allowed.
    parse_ok(p, R"({"event":")" + std::string(64, 'e') + R"("})");
    auto big = parse_error(p, R"({"options":{"x":")" + std::string(9000, 'x') + R"("}})");
    EXPECT_EQ(big.why, control_error::kind::too_large);
}

TEST(control_channel, an_update_changes_only_the_fields_it_names_and_rev_counts_changes) {
    simdjson::dom::parser p;
    control_board board;
    auto first = board.state("A");
    EXPECT_EQ(first.rev, 0u);
    EXPECT_FALSE(first.on_air);
    EXPECT_EQ(control_state_json(first),
              R"({"channel":"A","rev":0,"on_air":false,"event":null,"view":null,"options":{},"ts":null})");
    EXPECT_EQ(board.size(), 0u) << "reading a channel must not create it";

    board.apply("A", parse_ok(p, R"({"event":"M100-F","view":"running","options":{"k":1}})"), "T1");
    board.apply("A", parse_ok(p, R"({"on_air":true})"), "T2");
    auto s = board.state("A");
    EXPECT_EQ(s.rev, 2u);
    EXPECT_TRUE(s.on_air);
    EXPECT_EQ(s.event, std::optional<std::string>("M100-F"));
    EXPECT_EQ(s.view, std::optional<control_view>(control_view::running));
    EXPECT_EQ(s.options, R"({"k":1})");
    EXPECT_EQ(s.ts, "T2");

    board.apply("A", parse_ok(p, R"({"on_air":false,"view":null})"), "T3");
    board.apply("A", parse_ok(p, "{}"), "T4");  // taking it again is a change too
    s = board.state("A");
    EXPECT_EQ(s.rev, 4u);
    EXPECT_FALSE(s.on_air);
    EXPECT_FALSE(s.view);
    EXPECT_EQ(s.event, std::optional<std::string>("M100-F"));
    EXPECT_EQ(control_message_json(s),
              R"({"type":"control","channel":"A","rev":4,"on_air":false,"event":"M100-F","view":null,)"
              R"("options":{"k":1},"ts":"T4"})");
    EXPECT_EQ(board.state("B").rev, 0u) << "channels are independent";
}

TEST(control_channel, at_most_64_channels_and_the_65th_is_refused_without_changing_any) {
    simdjson::dom::parser p;
    control_board board;
    const auto on = parse_ok(p, R"({"on_air":true})");
    for (std::size_t i = 0; i < control_channels_max; ++i)
        ASSERT_TRUE(
            std::holds_alternative<const control_state*>(board.apply("c" + std::to_string(i), on, "T")));
    auto refused = board.apply("one-too-many", on, "T");
    ASSERT_TRUE(std::holds_alternative<control_error>(refused));
    EXPECT_EQ(std::get<control_error>(refused).why, control_error::kind::too_many_channels);
    EXPECT_NE(std::get<control_error>(refused).message.find("64"), std::string::npos);
    EXPECT_EQ(board.size(), control_channels_max);
    EXPECT_EQ(board.state("one-too-many").rev, 0u);
    // An existing channel still changes.
    EXPECT_TRUE(std::holds_alternative<const control_state*>(board.apply("c0", on, "T")));
    EXPECT_EQ(board.state("c0").rev, 2u);
    EXPECT_EQ(board.list_json().front(), '[');
}

// A subscriber that records what the desk hands it.
struct recording_subscriber : subscriber {
    std::vector<std::string> got;
    bool offer(std::span<const history_entry>) override { return false; }
    void kick() override {}
    void epoch_changed() override {}
    void tick(std::chrono::steady_clock::time_point) override {}
    void control_changed(const frame_ptr& message) override { got.emplace_back(payload_of(*message)); }
};

TEST(control_desk, a_change_reaches_the_followers_of_its_channel_only_and_bad_ones_change_nothing) {
    metrics_registry registry;
    publish_metrics metrics(registry);
    spdlog::logger log("control-test", std::make_shared<spdlog::sinks::null_sink_mt>());
    control_desk desk(metrics, log);
    recording_subscriber a1, a2, b;
    const auto joined = desk.join("A", a1);
    EXPECT_EQ(std::string(payload_of(*joined)),
              R"({"type":"control","channel":"A","rev":0,"on_air":false,"event":null,"view":null,)"
              R"("options":{},"ts":null})");
    desk.join("A", a2);
    desk.join("B", b);
    EXPECT_EQ(metrics.control_subscribers.value(), 3);

    auto ok = desk.change("A", R"({"on_air":true,"view":"results","event":"M100-F"})", "test", 0);
    ASSERT_TRUE(std::holds_alternative<std::string>(ok));
    EXPECT_NE(std::get<std::string>(ok).find(R"("rev":1,"on_air":true,"event":"M100-F","view":"results")"),
              std::string::npos)
        << std::get<std::string>(ok);
    EXPECT_NE(std::get<std::string>(ok).find(R"("ts":"1970-01-01T00:00:00.000Z")"), std::string::npos);
    ASSERT_EQ(a1.got.size(), 1u);
    ASSERT_EQ(a2.got.size(), 1u);
    EXPECT_EQ(a1.got[0], a2.got[0]);
    EXPECT_EQ(a1.got[0].rfind(R"({"type":"control","channel":"A","rev":1,)", 0), 0u) << a1.got[0];
    EXPECT_TRUE(b.got.empty());
    EXPECT_EQ(metrics.control_changes.value(), 1u);

    EXPECT_TRUE(std::holds_alternative<control_error>(desk.change("A", R"({"view":"nope"})", "test", 0)));
    EXPECT_EQ(a1.got.size(), 1u);
    EXPECT_EQ(metrics.control_changes.value(), 1u);

    // A late joiner gets the current state; one that left gets nothing more.
    recording_subscriber late;
    EXPECT_NE(std::string(payload_of(*desk.join("A", late))).find(R"("rev":1,)"), std::string::npos);
    desk.leave(a2);
    desk.change("A", R"({"on_air":false})", "test", 0);
    EXPECT_EQ(a1.got.size(), 2u);
    EXPECT_EQ(a2.got.size(), 1u);
    EXPECT_EQ(late.got.size(), 1u);
    desk.leave(a1);
    desk.leave(b);
    desk.leave(late);
    desk.leave(late);  // twice is harmless
    EXPECT_EQ(metrics.control_subscribers.value(), 0);
    EXPECT_EQ(desk.followers(), 0u);
}

TEST(control_channel, the_control_claim_must_be_a_json_boolean) {
    const std::string secret = "k";
    auto claims = [&](const std::string& extra) {
        return verify_hs256(sign_hs256(R"({"exp":4000000000)" + extra + "}", secret), secret, 1000);
    };
    EXPECT_FALSE(claims("").claims->control);
    EXPECT_TRUE(claims(R"(,"control":true)").claims->control);
    EXPECT_FALSE(claims(R"(,"control":false)").claims->control);
    EXPECT_EQ(claims(R"(,"control":"true")").error, token_error::malformed);
    EXPECT_EQ(claims(R"(,"control":1)").error, token_error::malformed);
}

TEST(control_channel, the_control_page_is_served_at_slash_control) {
    const auto root =
        std::filesystem::temp_directory_path() / ("splitstream-control-page-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root);
    std::ofstream(root / "control.html") << "c";
    auto page = resolve_static(root, "/control");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->path.filename(), "control.html");
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace splitstream::publish
