// A token's lifetime on an open connection: the subscriber is closed with
// 4001 "token expired" when its token runs out, unless it sent a refresh
// op with a newer valid token first. A refresh with an invalid token or
// one narrower than the subscription is refused and changes nothing.

#include "hostile_support.hpp"
#include "publish/jwt.hpp"

namespace splitstream::publish {
namespace {

using namespace testing;
using namespace std::chrono_literals;

constexpr const char* secret = "s3cret";

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string token(std::int64_t exp, const std::string& extra = {}) {
    return sign_hs256(R"({"exp":)" + std::to_string(exp) + extra + "}", secret);
}

std::string refresh(const std::string& t) {
    return R"({"op":"refresh","token":")" + t + R"("})";
}

class token_lifetime : public hostile_clients {
protected:
    // With tokens required; the bystander of hostile_clients cannot join
    // without one, so this suite connects its own subscribers.
    void start_with_tokens() {
        auto o = options();
        o.jwt_secret = secret;
        srv = std::make_unique<server>(ioc, std::move(o), provider, registry, quiet_logger());
        srv->start();
    }

    std::shared_ptr<ws_client> subscriber(const std::string& t, const std::string& query = {}) {
        auto c = std::make_shared<ws_client>(ioc);
        c->start(srv->port(), "/v1/stream" + query, {{"Authorization", "Bearer " + t}});
        clients.push_back(c);
        EXPECT_TRUE(run_until(ioc, [&] { return c->count_type("hello") == 1 || c->ended; }));
        return c;
    }

    std::string reason(const ws_client& c) {
        return std::string(c.close.reason.data(), c.close.reason.size());
    }

    void TearDown() override {
        if (!srv) return;
        srv->stop();
        EXPECT_TRUE(run_until(ioc, [&] {
            return srv->connections() == 0 &&
                   std::all_of(clients.begin(), clients.end(), [](auto& c) { return c->ended; });
        }));
        srv.reset();
    }

    std::vector<std::shared_ptr<ws_client>> clients;
};

TEST_F(token_lifetime, an_open_connection_is_closed_with_4001_when_its_token_expires) {
    start_with_tokens();
    const auto exp = unix_now() + 2;
    auto c = subscriber(token(exp));
    ASSERT_TRUE(c->open);
    // The hello says when, so a client can refresh in time.
    EXPECT_NE(c->messages.front().find("\"token_exp\":" + std::to_string(exp)), std::string::npos)
        << c->messages.front();
    ASSERT_TRUE(run_until(
        ioc, [&] { return c->ended; }, 4000ms))
        << "still streaming after its token expired";
    EXPECT_GE(unix_now(), exp);
    EXPECT_EQ(c->close.code, close_token_expired);
    EXPECT_EQ(reason(*c), "token expired");
    EXPECT_EQ(counter_value("publish_token_expired_closes_total"), 1u);
}

TEST_F(token_lifetime, a_refresh_with_a_newer_token_keeps_the_stream_open) {
    start_with_tokens();
    auto c = subscriber(token(unix_now() + 2));
    ASSERT_TRUE(c->open);
    const auto later = unix_now() + 600;
    c->send(refresh(token(later)));
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("refreshed") == 1; }));
    EXPECT_NE(c->messages.back().find("\"token_exp\":" + std::to_string(later)), std::string::npos);
    // Past the first token's expiry, the stream goes on.
    run_until(
        ioc, [] { return false; }, 3000ms);
    ASSERT_TRUE(c->open) << "closed with " << c->close.code;
    srv->publish(next_event(provider, feed::event_type::split, "A"));
    ASSERT_TRUE(run_until(ioc, [&] { return c->event_seqs().size() == 1; }));
    EXPECT_EQ(counter_value("publish_token_refreshes_total"), 1u);
}

TEST_F(token_lifetime, a_refused_refresh_changes_nothing) {
    start_with_tokens();
    const auto exp = unix_now() + 2;
    auto c = subscriber(token(exp));
    ASSERT_TRUE(c->open);
    const auto far = unix_now() + 600;
    c->send(refresh(sign_hs256(R"({"exp":)" + std::to_string(far) + "}", "not the secret")));
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 1; }));
    EXPECT_NE(c->messages.back().find("\"unauthorized\""), std::string::npos) << c->messages.back();
    EXPECT_NE(c->messages.back().find("bad_signature"), std::string::npos) << c->messages.back();

    // The subscription shows every event: a token for A alone does not cover it.
    c->send(refresh(token(far, R"(,"events":["A"])")));
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 2; }));
    EXPECT_NE(c->messages.back().find("\"forbidden\""), std::string::npos) << c->messages.back();

    // Neither replaced the token: it still expires on time.
    ASSERT_TRUE(run_until(
        ioc, [&] { return c->ended; }, 4000ms));
    EXPECT_EQ(c->close.code, close_token_expired);
    EXPECT_EQ(counter_value("publish_token_refreshes_total"), 0u);
}

TEST_F(token_lifetime, a_narrower_token_is_accepted_once_the_subscription_is_within_it) {
    start_with_tokens();
    auto c = subscriber(token(unix_now() + 600));
    c->send(R"({"op":"subscribe","events":["A"]})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("subscribed") == 1; }));
    c->send(refresh(token(unix_now() + 900, R"(,"events":["A"])")));
    ASSERT_TRUE(
        run_until(ioc, [&] { return c->count_type("refreshed") == 1 || c->count_type("error") > 0; }));
    EXPECT_EQ(c->count_type("refreshed"), 1u) << c->messages.back();
    // The new scope holds from now on: B is out of it.
    c->send(R"({"op":"subscribe","events":["B"]})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 1; }));
    EXPECT_NE(c->messages.back().find("\"forbidden\""), std::string::npos) << c->messages.back();
}

TEST_F(token_lifetime, the_bearer_scheme_is_case_insensitive) {
    start_with_tokens();
    const auto t = token(unix_now() + 600);
    for (const std::string scheme : {"Bearer ", "bearer ", "BEARER ", "bEaReR  "}) {
        auto res = http_get(ioc, srv->port(), "/v1/events", {{"Authorization", scheme + t}});
        EXPECT_EQ(res.status, 200u) << "'" << scheme << "': " << res.body;
    }
    EXPECT_EQ(http_get(ioc, srv->port(), "/v1/events", {{"Authorization", "Basic " + t}}).status, 401u);
}

TEST_F(hostile_clients, a_refresh_on_a_server_without_tokens_is_a_bad_request) {
    start();
    bystander->send(R"({"op":"refresh","token":"x.y.z"})");
    ASSERT_TRUE(run_until(ioc, [&] { return bystander->count_type("error") == 1; }));
    EXPECT_NE(bystander->messages.back().find("does not use tokens"), std::string::npos);
    expect_bystander_served();
}

}  // namespace
}  // namespace splitstream::publish
