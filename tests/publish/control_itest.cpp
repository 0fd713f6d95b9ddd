// Control channels over real sockets on 127.0.0.1: an operator's POST to
// /v1/control/{channel} reaches every overlay following that channel
// (`/v1/stream?control=A`) and no other, a new overlay gets the current
// state right after its hello, refused requests change nothing, and with
// tokens a change needs the `control` claim. Also measures (and prints,
// never asserts) the POST-to-frame latency.

#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "publish/jwt.hpp"
#include "publish/server.hpp"
#include "test_support.hpp"

namespace splitstream::publish {
namespace {

using namespace testing;
using feed::event_type;

struct posted {
    http_result result;
    std::chrono::steady_clock::time_point sent;  // just before the request was written
};

// A blocking HTTP request with a body on its own thread while the test's
// io_context runs.
posted http_call(net::io_context& ioc, std::uint16_t port, http::verb verb, std::string target,
                 std::string body = {}, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto fut = std::async(std::launch::async, [=] {
        net::io_context client_ioc;
        beast::tcp_stream stream(client_ioc);
        stream.expires_after(5s);
        stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        stream.socket().set_option(tcp::no_delay(true));
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/json");
        for (const auto& [k, v] : headers) req.set(k, v);
        req.body() = body;
        req.prepare_payload();
        posted out;
        out.sent = std::chrono::steady_clock::now();
        http::write(stream, req);
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        beast::error_code ec;
        http::read(stream, buf, res, ec);
        out.result.status = ec ? 0 : res.result_int();
        out.result.body = res.body();
        return out;
    });
    run_until(
        ioc, [&] { return fut.wait_for(0s) == std::future_status::ready; }, 6000ms);
    return fut.get();
}

std::uint64_t rev_of(const std::string& json) {
    thread_local simdjson::dom::parser parser;
    std::uint64_t rev = 0;
    simdjson::dom::element doc;
    if (parser.parse(json).get(doc) != simdjson::SUCCESS || doc["rev"].get_uint64().get(rev)) return 0;
    return rev;
}

class control_channels : public ::testing::Test {
protected:
    net::io_context ioc;
    fake_provider provider;
    metrics_registry registry;
    std::unique_ptr<server> srv;
    std::vector<std::shared_ptr<ws_client>> clients;

    void start(std::string jwt_secret = {}) {
        server_options o{.listen_address = "127.0.0.1",
                         .listen_port = 0,
                         .close_timeout = std::chrono::milliseconds(500),
                         .jwt_secret = std::move(jwt_secret)};
        srv = std::make_unique<server>(ioc, std::move(o), provider, registry, quiet_logger());
        srv->start();
    }

    std::shared_ptr<ws_client> overlay(const std::string& query,
                                       std::vector<std::pair<std::string, std::string>> headers = {}) {
        auto c = std::make_shared<ws_client>(ioc);
        c->start(srv->port(), "/v1/stream" + query, std::move(headers));
        clients.push_back(c);
        EXPECT_TRUE(run_until(ioc, [&] { return !controls(*c).empty() || c->ended; }))
            << "no control message after the hello for " << query;
        return c;
    }

    posted post(const std::string& channel, const std::string& body,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
        return http_call(ioc, srv->port(), http::verb::post, "/v1/control/" + channel, body,
                         std::move(headers));
    }

    // Every message a client got, a batch=1 frame split into its lines.
    static std::vector<std::string> lines(const ws_client& c) { return batch_lines(c.messages); }
    static std::string type_of(const std::string& line) { return parse_message(line).type; }

    // The control messages a client got, in order.
    static std::vector<std::string> controls(const ws_client& c) {
        std::vector<std::string> out;
        for (auto& line : lines(c))
            if (type_of(line) == "control") out.push_back(std::move(line));
        return out;
    }

    std::uint64_t counter_value(const std::string& name) { return registry.make_counter(name, "").value(); }

    void TearDown() override {
        if (!srv) return;
        srv->stop();
        EXPECT_TRUE(run_until(ioc, [&] {
            return srv->connections() == 0 &&
                   std::all_of(clients.begin(), clients.end(), [](auto& c) { return c->ended; });
        }));
        EXPECT_EQ(registry.make_gauge("publish_control_subscribers", "").value(), 0);
    }
};

TEST_F(control_channels, a_change_reaches_every_overlay_of_its_channel_at_once_and_no_other) {
    provider.states = {{"M100-F", R"({"event":"M100-F"})"}};
    start();
    // Overlays with filters and batching: control messages pass them all.
    auto a1 = overlay("?control=A");
    auto a2 = overlay("?control=A&events=nothing-matches&types=record&batch=1");
    auto b = overlay("?control=B&events=M100-F");
    for (auto& c : {a1, a2, b}) {
        const auto got = lines(*c);
        ASSERT_GE(got.size(), 2u);
        EXPECT_EQ(type_of(got[0]), "hello");
        EXPECT_EQ(type_of(got[1]), "control") << "the control state comes right after the hello";
        EXPECT_EQ(rev_of(got[1]), 0u);
    }
    EXPECT_EQ(registry.make_gauge("publish_control_subscribers", "").value(), 3);

    auto res = post("A", R"({"on_air":true,"event":"M100-F","view":"running","options":{"theme":"dark"}})");
    ASSERT_EQ(res.result.status, 200u) << res.result.body;
    EXPECT_EQ(rev_of(res.result.body), 1u);
    ASSERT_TRUE(run_until(ioc, [&] { return controls(*a1).size() == 2 && controls(*a2).size() == 2; }));
    const auto message = controls(*a1).back();
    EXPECT_EQ(message, controls(*a2).back()) << "one shared frame, byte for byte";
    EXPECT_EQ(message.rfind(R"({"type":"control","channel":"A","rev":1,"on_air":true,"event":"M100-F",)"
                            R"("view":"running","options":{"theme":"dark"},"ts":")",
                            0),
              0u)
        << message;
    EXPECT_EQ(message.find("\"seq\""), std::string::npos) << "not part of the derived stream";

    // B's change goes out after A's on the same loop: had A's reached B, it
    // would have come first.
    ASSERT_EQ(post("B", R"({"view":"strap"})").result.status, 200u);
    ASSERT_TRUE(run_until(ioc, [&] { return controls(*b).size() == 2; }));
    EXPECT_EQ(controls(*b).back().find(R"("channel":"B","rev":1,)"), 18u) << controls(*b).back();
    EXPECT_EQ(controls(*a1).size(), 2u);
    EXPECT_EQ(counter_value("publish_control_changes_total"), 2u);

    // Derived events still flow as before, filtered as asked.
    srv->publish(next_event(provider, event_type::split, "M100-F"));
    ASSERT_TRUE(run_until(ioc, [&] { return a1->event_seqs().size() == 1 && b->event_seqs().size() == 1; }));
    ioc.run_for(20ms);
    EXPECT_TRUE(a2->event_seqs().empty());
}

TEST_F(control_channels, a_new_overlay_gets_the_current_state_after_its_hello_then_its_snapshots) {
    provider.states = {{"M100-F", R"({"event":"M100-F"})"}};
    start();
    ASSERT_EQ(post("A", R"({"on_air":true,"view":"results","event":"M100-F"})").result.status, 200u);
    ASSERT_EQ(post("A", R"({"options":{"rows":8}})").result.status, 200u);
    auto late = overlay("?control=A");
    ASSERT_TRUE(run_until(ioc, [&] { return late->count_type("snapshot") == 1; }));
    const auto got = lines(*late);
    ASSERT_EQ(type_of(got[0]), "hello");
    ASSERT_EQ(type_of(got[1]), "control");
    EXPECT_EQ(type_of(got[2]), "snapshot");
    const std::string& message = got[1];
    EXPECT_EQ(rev_of(message), 2u);
    EXPECT_NE(message.find(R"("on_air":true,"event":"M100-F","view":"results","options":{"rows":8})"),
              std::string::npos)
        << message;

    // The same state over HTTP, and the list of channels set.
    auto state = http_get(ioc, srv->port(), "/v1/control/A");
    EXPECT_EQ(state.status, 200u);
    EXPECT_EQ(state.body, "{" + message.substr(18)) << "the stream message is the state after its type";
    auto never = http_get(ioc, srv->port(), "/v1/control/never-set");
    EXPECT_EQ(never.status, 200u);
    EXPECT_EQ(
        never.body,
        R"({"channel":"never-set","rev":0,"on_air":false,"event":null,"view":null,"options":{},"ts":null})");
    auto list = http_get(ioc, srv->port(), "/v1/control");
    EXPECT_EQ(list.status, 200u);
    EXPECT_EQ(list.body, "[" + state.body + "]");
}

// A broadcast overlay behind the video (`delay=`) still follows its
// channel: the operator drives the graphics live, so control messages are
// not delayed, whether the delayed join starts from snapshots or with
// `recent`.
TEST_F(control_channels, a_delayed_overlay_follows_its_channel_at_once) {
    provider.states = {{"M100-F", R"({"event":"M100-F"})"}};
    start();
    srv->publish(next_event(provider, event_type::split, "M100-F"));
    ASSERT_EQ(post("A", R"({"on_air":true,"view":"strap","event":"M100-F"})").result.status, 200u);
    auto delayed = overlay("?control=A&delay=30");
    auto delayed_recent = overlay("?control=A&delay=30&recent=5");
    for (auto& c : {delayed, delayed_recent}) {
        const auto got = lines(*c);
        ASSERT_GE(got.size(), 2u);
        EXPECT_EQ(type_of(got[0]), "hello");
        ASSERT_EQ(type_of(got[1]), "control");
        EXPECT_EQ(rev_of(got[1]), 1u);
    }
    ASSERT_EQ(post("A", R"({"on_air":false})").result.status, 200u);
    ASSERT_TRUE(run_until(
        ioc, [&] { return controls(*delayed).size() == 2 && controls(*delayed_recent).size() == 2; }));
    EXPECT_EQ(rev_of(controls(*delayed).back()), 2u);
    EXPECT_TRUE(delayed->event_seqs().empty()) << "the split is 30 s from due";
}

TEST_F(control_channels, bad_bodies_names_sizes_and_methods_are_refused_and_change_nothing) {
    start();
    auto a = overlay("?control=A");
    struct bad_case {
        http::verb verb;
        std::string target;
        std::string body;
        unsigned status;
        std::string says;
    };
    const std::string big_options = R"({"options":{"x":")" + std::string(9 * 1024, 'x') + R"("}})";
    const std::string huge = R"({"options":{"x":")" + std::string(20 * 1024, 'x') + R"("}})";
    const std::vector<bad_case> cases = {
        {http::verb::post, "/v1/control/A", "{not json", 400, "not JSON"},
        {http::verb::post, "/v1/control/A", "", 400, "not JSON"},
        {http::verb::post, "/v1/control/A", R"({"view":"fullscreen"})", 400, "view must be one of"},
        {http::verb::post, "/v1/control/A", R"({"on_air":"yes"})", 400, "on_air"},
        {http::verb::post, "/v1/control/A", R"({"event":")" + std::string(65, 'e') + R"("})", 400, "event"},
        {http::verb::post, "/v1/control/A", R"({"onair":true})", 400, "unknown field 'onair'"},
        {http::verb::post, "/v1/control/A", big_options, 413, "8192"},
        {http::verb::post, "/v1/control/A", huge, 413, "body"},
        {http::verb::post, "/v1/control/" + std::string(33, 'x'), R"({"on_air":true})", 400, "1 to 32"},
        {http::verb::post, "/v1/control/a.b", R"({"on_air":true})", 400, "1 to 32"},
        {http::verb::post, "/v1/control/", R"({"on_air":true})", 400, "1 to 32"},
        {http::verb::post, "/v1/control/A/B", R"({"on_air":true})", 400, "1 to 32"},
        {http::verb::get, "/v1/control/a%20b", "", 400, "1 to 32"},
        {http::verb::put, "/v1/control/A", R"({"on_air":true})", 405, "GET, HEAD and POST"},
        {http::verb::delete_, "/v1/control/A", "", 405, "GET, HEAD and POST"},
        {http::verb::post, "/v1/control", R"({"on_air":true})", 405, "POST to /v1/control/{channel}"},
    };
    for (const auto& c : cases) {
        auto r = http_call(ioc, srv->port(), c.verb, c.target, c.body).result;
        EXPECT_EQ(r.status, c.status) << c.target << " " << c.body.substr(0, 60) << " -> " << r.body;
        EXPECT_NE(r.body.find(c.says), std::string::npos) << c.target << " -> " << r.body;
    }
    auto state = http_get(ioc, srv->port(), "/v1/control/A");
    EXPECT_EQ(rev_of(state.body), 0u) << state.body;
    EXPECT_EQ(http_get(ioc, srv->port(), "/v1/control").body, "[]");
    EXPECT_EQ(counter_value("publish_control_changes_total"), 0u);

    // A stream asking for a channel that cannot exist is refused.
    auto bad_stream = std::make_shared<ws_client>(ioc);
    bad_stream->start(srv->port(), "/v1/stream?control=no%20spaces");
    clients.push_back(bad_stream);
    ASSERT_TRUE(run_until(ioc, [&] { return bad_stream->ended; }));
    EXPECT_EQ(bad_stream->http_status, 400u);

    // Nothing reached the overlay; the first accepted change is rev 1.
    ASSERT_EQ(post("A", R"({"on_air":true})").result.status, 200u);
    ASSERT_TRUE(run_until(ioc, [&] { return controls(*a).size() == 2; }));
    EXPECT_EQ(rev_of(controls(*a).back()), 1u);
}

TEST_F(control_channels, the_65th_channel_is_refused_with_409) {
    start();
    for (int i = 0; i < 64; ++i) ASSERT_EQ(post("c" + std::to_string(i), "{}").result.status, 200u) << i;
    auto refused = post("c64", R"({"on_air":true})");
    EXPECT_EQ(refused.result.status, 409u);
    EXPECT_NE(refused.result.body.find("at most 64 control channels"), std::string::npos)
        << refused.result.body;
    EXPECT_EQ(rev_of(http_get(ioc, srv->port(), "/v1/control/c64").body), 0u);
    EXPECT_EQ(post("c0", R"({"on_air":true})").result.status, 200u);
}

TEST_F(control_channels, with_tokens_a_change_needs_the_control_claim) {
    const std::string secret = "s3cret";
    start(secret);
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto exp = std::to_string(now + 600);
    const auto viewer = sign_hs256(R"({"exp":)" + exp + "}", secret);
    const auto denied = sign_hs256(R"({"exp":)" + exp + R"(,"control":false})", secret);
    const auto operator_token = sign_hs256(R"({"exp":)" + exp + R"(,"control":true})", secret);
    const auto forged = sign_hs256(R"({"exp":)" + exp + R"(,"control":true})", "other");

    auto a = overlay("?control=A&access_token=" + viewer);
    ASSERT_EQ(controls(*a).size(), 1u);

    EXPECT_EQ(post("A", R"({"on_air":true})").result.status, 401u);
    EXPECT_EQ(post("A", R"({"on_air":true})", {{"Authorization", "Bearer " + forged}}).result.status, 401u);
    auto forbidden = post("A", R"({"on_air":true})", {{"Authorization", "Bearer " + viewer}});
    EXPECT_EQ(forbidden.result.status, 403u);
    EXPECT_NE(forbidden.result.body.find("\\\"control\\\": true"), std::string::npos)
        << forbidden.result.body;
    EXPECT_EQ(post("A", R"({"on_air":true})", {{"Authorization", "Bearer " + denied}}).result.status, 403u);
    EXPECT_EQ(http_get(ioc, srv->port(), "/v1/control/A").status, 401u);
    auto still = http_get(ioc, srv->port(), "/v1/control/A", {{"Authorization", "Bearer " + viewer}});
    EXPECT_EQ(still.status, 200u);
    EXPECT_EQ(rev_of(still.body), 0u) << "a refused change changes nothing";
    EXPECT_EQ(counter_value("publish_control_changes_total"), 0u);

    auto ok =
        post("A", R"({"on_air":true,"view":"lower_third"})", {{"Authorization", "Bearer " + operator_token}});
    EXPECT_EQ(ok.result.status, 200u) << ok.result.body;
    EXPECT_EQ(rev_of(ok.result.body), 1u);
    // A page that cannot set headers sends the token in the query.
    auto by_query = http_call(ioc, srv->port(), http::verb::post,
                              "/v1/control/A?access_token=" + operator_token, R"({"on_air":false})");
    EXPECT_EQ(by_query.result.status, 200u) << by_query.result.body;
    ASSERT_TRUE(run_until(ioc, [&] { return controls(*a).size() == 3; }));
    EXPECT_EQ(rev_of(controls(*a)[1]), 1u);
    EXPECT_EQ(rev_of(controls(*a)[2]), 2u);
}

TEST_F(control_channels, post_to_frame_latency_on_loopback_is_measured) {
    start();
    auto a = overlay("?control=A");
    std::vector<std::chrono::steady_clock::time_point> arrived;
    a->on_message = [&](const std::string& m) {
        if (m.starts_with(R"({"type":"control")")) arrived.push_back(std::chrono::steady_clock::now());
    };
    constexpr int changes = 100;
    std::vector<double> us;
    for (int i = 0; i < changes; ++i) {
        const std::size_t before = arrived.size();
        auto p = post("A", i % 2 ? R"({"on_air":true})" : R"({"on_air":false})");
        ASSERT_EQ(p.result.status, 200u);
        ASSERT_TRUE(run_until(ioc, [&] { return arrived.size() == before + 1; }));
        us.push_back(std::chrono::duration<double, std::micro>(arrived.back() - p.sent).count());
    }
    std::sort(us.begin(), us.end());
    const auto at = [&](double q) { return us[static_cast<std::size_t>(q * (us.size() - 1))]; };
    std::printf(
        "control POST -> overlay frame on loopback, %d changes: median %.0f us, p90 %.0f us, max %.0f us\n",
        changes, at(0.5), at(0.9), us.back());
    RecordProperty("latency_median_us", static_cast<int>(at(0.5)));
    RecordProperty("latency_max_us", static_cast<int>(us.back()));
    EXPECT_EQ(rev_of(controls(*a).back()), static_cast<std::uint64_t>(changes));
    a->on_message = nullptr;
}

}  // namespace
}  // namespace splitstream::publish
