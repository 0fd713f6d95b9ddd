#include "publish/routes.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "base/request_target.hpp"
#include "publish/control_channel.hpp"
#include "publish/json_text.hpp"
#include "publish/static_files.hpp"

namespace splitstream::publish {

namespace {

using string_response = http::response<http::string_body>;

constexpr std::string_view server_header = "splitstream/" SPLITSTREAM_VERSION;

string_response make_response(const request& req, http::status status, std::string body,
                              std::string_view content_type = "application/json") {
    string_response res{status, req.version()};
    res.set(http::field::server, server_header);
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    if (req.method() == http::verb::head) {
        // The headers a GET would get, Content-Length included, and no body:
        // body bytes after a HEAD answer would be read by a keep-alive
        // client or proxy as the start of the next response.
        res.content_length(body.size());
        return res;
    }
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

string_response error_response(const request& req, http::status status, std::string_view code,
                               std::string_view message) {
    return make_response(req, status, json_error_body(code, message));
}

// The request's Origin, if any, and whether it is allowed.
bool origin_allowed(const request& req, const server_options& opts) {
    auto it = req.find(http::field::origin);
    if (it == req.end() || opts.allowed_origins.empty()) return true;
    const auto origin = it->value();
    return std::any_of(opts.allowed_origins.begin(), opts.allowed_origins.end(),
                       [&](const std::string& o) { return o == origin; });
}

void add_cors(string_response& res, const request& req, const server_options& opts) {
    auto it = req.find(http::field::origin);
    if (opts.allowed_origins.empty()) {
        res.set(http::field::access_control_allow_origin, "*");
    } else if (it != req.end()) {
        res.set(http::field::access_control_allow_origin, it->value());
        res.set(http::field::vary, "Origin");
    }
}

std::string_view bearer_token(const request& req, const request_target& target) {
    if (auto it = req.find(http::field::authorization); it != req.end()) {
        // The scheme is case-insensitive (RFC 7235 §2.1): "BEARER x" too.
        std::string_view v = it->value();
        if (v.size() > 7 && beast::iequals(v.substr(0, 7), "bearer ")) {
            v.remove_prefix(7);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            return v;
        }
    }
    // Browsers cannot set headers on a WebSocket: a query parameter too.
    return target.param("access_token").value_or(std::string_view{});
}

// Verifies the token when tokens are required; nullopt claims and no
// refusal when they are not.
std::optional<string_response> authorize(const request& req, const request_target& target,
                                         const route_context& ctx, std::optional<token_claims>& claims) {
    if (ctx.options.jwt_secret.empty()) return std::nullopt;
    auto result = verify_hs256(bearer_token(req, target), ctx.options.jwt_secret, ctx.now_unix);
    if (!result.claims) {
        ctx.metrics.count_refusal(refusal::unauthorized);
        const std::string why = std::string("token ") + to_string(result.error) +
                                "; send a valid HS256 token as 'Authorization: Bearer' or ?access_token=";
        auto res = error_response(req, http::status::unauthorized, "unauthorized", why);
        res.set(http::field::www_authenticate, "Bearer");
        return res;
    }
    claims = std::move(result.claims);
    return std::nullopt;
}

// `GET /v1/events` as a token scoped to some events may see it: the
// provider's array without the other events' entries. Fails closed (an
// empty list) if the provider's JSON cannot be read.
std::string scoped_events_json(std::string all, const std::optional<token_claims>& claims) {
    if (!claims || !claims->events) return all;
    simdjson::dom::parser parser;
    simdjson::dom::array entries;
    if (parser.parse(all).get_array().get(entries) != simdjson::SUCCESS) return "[]";
    std::string out = "[";
    for (auto entry : entries) {
        std::string_view id;
        if (entry["event"].get_string().get(id) != simdjson::SUCCESS || !claims->allows(id)) continue;
        if (out.size() > 1) out += ',';
        out += simdjson::minify(entry);
    }
    out += ']';
    return out;
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// The live desk's parameters of /v1/stream: `recent=N` and `delay=S`
// (docs/publish.md). Returns what is wrong, or nothing.
std::optional<std::string> parse_desk_params(const request_target& target, const server_options& opts,
                                             subscription_request& out) {
    if (auto v = target.param("recent")) {
        const auto n = parse_u64(*v);
        if (!n || *n > max_recent) return "recent must be an integer from 0 to " + std::to_string(max_recent);
        out.recent = static_cast<std::uint32_t>(*n);
    }
    if (auto v = target.param("delay")) {
        const auto max_s = seconds_text(opts.max_delay);
        if (opts.max_delay.count() == 0)
            return std::string("delay is not enabled on this server (max_delay is 0)");
        double seconds = -1;
        auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
        if (ec != std::errc{} || p != v->data() + v->size() || !(seconds >= 0) || v->empty())
            return "delay must be a number of seconds from 0 to " + max_s;
        if (seconds * 1000 > static_cast<double>(opts.max_delay.count()))
            return "delay " + std::string(*v) + " is over this server's maximum of " + max_s + " seconds";
        out.delay = std::chrono::milliseconds(std::llround(seconds * 1000));
    }
    return std::nullopt;
}

string_response health(const request& req, const route_context& ctx, bool readiness) {
    const bool ready = ctx.provider.ready();
    std::string body = "{\"status\":";
    body += readiness ? (ready ? "\"ready\"" : "\"not_ready\"") : "\"ok\"";
    body += ",\"ready\":";
    body += ready ? "true" : "false";
    body += ",\"epoch\":";
    append_json_string(body, ctx.provider.epoch());
    body += ",\"head\":" + std::to_string(ctx.provider.head());
    if (auto extra = ctx.provider.health_json(); !extra.empty()) body += "," + extra;
    body += "}";
    const auto status = readiness && !ready ? http::status::service_unavailable : http::status::ok;
    return make_response(req, status, std::move(body));
}

http::message_generator static_response(request&& req, const route_context& ctx, const std::string& path) {
    auto file = resolve_static(ctx.options.web_dir, path);
    if (!file) return error_response(req, http::status::not_found, "not_found", "no such page: " + path);
    http::file_body::value_type body;
    beast::error_code ec;
    body.open(file->path.c_str(), beast::file_mode::scan, ec);
    if (ec) return error_response(req, http::status::not_found, "not_found", "no such page: " + path);
    const auto size = body.size();
    if (req.method() == http::verb::head) {
        http::response<http::empty_body> res{http::status::ok, req.version()};
        res.set(http::field::server, server_header);
        res.set(http::field::content_type, file->content_type);
        res.content_length(size);
        res.keep_alive(req.keep_alive());
        return res;
    }
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    res.set(http::field::server, server_header);
    res.set(http::field::content_type, file->content_type);
    res.set(http::field::cache_control, "no-cache");
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    return res;
}

// `/v1/control` (GET: every channel set) and `/v1/control/{channel}` (GET:
// its state; POST: change it, with a token that has `"control": true`
// when tokens are in use). docs/publish.md, Control channels.
string_response control_request(const request& req, const request_target& target, const route_context& ctx) {
    const bool list = target.path == "/v1/control";
    const std::string_view channel = list ? std::string_view{} : std::string_view(target.path).substr(12);
    const bool read = req.method() == http::verb::get || req.method() == http::verb::head;
    if (!read && (list || req.method() != http::verb::post)) {
        auto res = error_response(req, http::status::method_not_allowed, "method_not_allowed",
                                  list ? "GET /v1/control lists the channels; POST to /v1/control/{channel}"
                                       : "a control channel takes GET, HEAD and POST");
        res.set(http::field::allow, list ? "GET, HEAD" : "GET, HEAD, POST");
        return res;
    }
    std::optional<token_claims> claims;
    if (auto refused = authorize(req, target, ctx, claims)) return std::move(*refused);
    if (!ctx.control)
        return error_response(req, http::status::not_found, "not_found", "no control channels here");
    if (!list && !valid_control_channel(channel)) {
        ctx.metrics.count_refusal(refusal::bad_request);
        return error_response(req, http::status::bad_request, "bad_channel",
                              "a control channel is named by 1 to 32 of A-Z, a-z, 0-9, '_' and '-'");
    }
    if (read)
        return make_response(req, http::status::ok,
                             list ? ctx.control->list_json() : ctx.control->state_json(channel));
    if (claims && !claims->control) {
        ctx.metrics.count_refusal(refusal::forbidden);
        return error_response(
            req, http::status::forbidden, "forbidden",
            "this token may not change control channels (it needs the claim \"control\": true)");
    }
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto changed = ctx.control->change(channel, req.body(), ctx.remote, now_ms);
    if (auto* state = std::get_if<std::string>(&changed))
        return make_response(req, http::status::ok, std::move(*state));
    const auto& err = std::get<control_error>(changed);
    ctx.metrics.count_refusal(refusal::bad_request);
    http::status status = http::status::bad_request;
    switch (err.why) {
        case control_error::kind::bad_request:
            break;
        case control_error::kind::too_large:
            status = http::status::payload_too_large;
            break;
        case control_error::kind::too_many_channels:
            status = http::status::conflict;
            break;
    }
    return error_response(req, status, err.code, err.message);
}

}  // namespace

bool is_upgrade(const request& req) {
    return websocket::is_upgrade(req);
}

std::string websocket_accept_key(std::string_view client_key) {
    static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::string input(client_key);
    input += guid;
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    unsigned char out[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
}

http::message_generator handle_request(request&& req, const route_context& ctx) {
    ctx.metrics.http_requests.inc();
    auto target = parse_request_target(req.target());
    if (!target) {
        ctx.metrics.count_refusal(refusal::bad_request);
        return error_response(req, http::status::bad_request, "bad_request", "malformed request target");
    }
    // The connection limit holds for every request, not only upgrades: a
    // flood of plain requests costs the server as much.
    if (ctx.connections > ctx.options.max_connections) {
        ctx.metrics.count_refusal(refusal::connection_limit);
        auto res = error_response(req, http::status::service_unavailable, "too_many_connections",
                                  "connection limit reached; retry later");
        res.keep_alive(false);
        return res;
    }
    const std::string& path = target->path;
    const bool api = path.starts_with("/v1/");
    if (api && !origin_allowed(req, ctx.options)) {
        ctx.metrics.count_refusal(refusal::origin);
        return error_response(req, http::status::forbidden, "origin_not_allowed",
                              "this Origin is not allowed");
    }
    if (api && req.method() == http::verb::options) {
        auto res = make_response(req, http::status::no_content, {});
        add_cors(res, req, ctx.options);
        res.set(http::field::access_control_allow_methods, "GET, HEAD, OPTIONS");
        res.set(http::field::access_control_allow_headers, "Authorization");
        res.set(http::field::access_control_max_age, "600");
        return res;
    }
    if (path == "/v1/control" || path.starts_with("/v1/control/")) {
        auto res = control_request(req, *target, ctx);
        add_cors(res, req, ctx.options);
        return res;
    }
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        auto res = error_response(req, http::status::method_not_allowed, "method_not_allowed",
                                  "only GET and HEAD are served");
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }

    if (path == "/healthz") return health(req, ctx, false);
    if (path == "/readyz") return health(req, ctx, true);
    if (path == "/metrics")
        return make_response(req, http::status::ok, ctx.registry.render(),
                             "text/plain; version=0.0.4; charset=utf-8");

    if (api) {
        std::optional<token_claims> claims;
        if (auto refused = authorize(req, *target, ctx, claims)) {
            add_cors(*refused, req, ctx.options);
            return std::move(*refused);
        }
        string_response res;
        if (path == "/v1/events") {
            res =
                make_response(req, http::status::ok, scoped_events_json(ctx.provider.events_json(), claims));
        } else if (path.starts_with("/v1/events/") && path.size() > 11) {
            const std::string id = path.substr(11);
            if (claims && !claims->allows(id)) {
                ctx.metrics.count_refusal(refusal::forbidden);
                res = error_response(req, http::status::forbidden, "forbidden",
                                     "token does not allow event '" + id + "'");
            } else if (auto state = ctx.provider.snapshot_json(id)) {
                res = make_response(req, http::status::ok, std::move(*state));
            } else {
                res = error_response(req, http::status::not_found, "not_found", "no event '" + id + "'");
            }
        } else if (path == "/v1/stream") {
            res = error_response(req, http::status::upgrade_required, "upgrade_required",
                                 "/v1/stream is a WebSocket endpoint");
        } else {
            res = error_response(req, http::status::not_found, "not_found", "no such endpoint: " + path);
        }
        add_cors(res, req, ctx.options);
        return res;
    }
    return static_response(std::move(req), ctx, path);
}

std::variant<subscription_request, http::response<http::string_body>> check_upgrade(
    const request& req, const route_context& ctx) {
    ctx.metrics.http_requests.inc();
    auto refuse = [&](refusal why, http::status status, std::string_view code, std::string message) {
        ctx.metrics.count_refusal(why);
        auto res = error_response(req, status, code, message);
        res.keep_alive(false);
        return res;
    };
    auto target = parse_request_target(req.target());
    if (!target)
        return refuse(refusal::bad_request, http::status::bad_request, "bad_request", "malformed target");
    if (target->path != "/v1/stream")
        return error_response(req, http::status::not_found, "not_found", "WebSocket endpoint is /v1/stream");
    if (!origin_allowed(req, ctx.options))
        return refuse(refusal::origin, http::status::forbidden, "origin_not_allowed",
                      "this Origin is not allowed");
    if (ctx.connections > ctx.options.max_connections)
        return refuse(refusal::connection_limit, http::status::service_unavailable, "too_many_connections",
                      "connection limit reached; retry later");
    const auto key = req[http::field::sec_websocket_key];
    if (req.method() != http::verb::get || req[http::field::sec_websocket_version] != "13" ||
        key.size() != 24)
        return refuse(refusal::bad_request, http::status::bad_request, "bad_request",
                      "expected a WebSocket version 13 upgrade with a Sec-WebSocket-Key");

    subscription_request out;
    std::vector<std::string> events;
    std::vector<std::string> types;
    if (auto v = target->param("events")) events = split_list(*v);
    if (auto v = target->param("types")) types = split_list(*v);
    if (events.size() > ctx.options.max_filter_entries || types.size() > ctx.options.max_filter_entries)
        return refuse(refusal::bad_request, http::status::bad_request, "too_many_filters",
                      "events= and types= may each name at most " +
                          std::to_string(ctx.options.max_filter_entries) + " entries");
    if (auto v = target->param("since")) {
        out.since = parse_u64(*v);
        if (!out.since)
            return refuse(refusal::bad_request, http::status::bad_request, "bad_request",
                          "since must be a non-negative integer");
    }
    if (auto v = target->param("epoch")) out.epoch = std::string(*v);
    if (auto v = target->param("batch")) {
        if (*v != "1" && *v != "0")
            return refuse(refusal::bad_request, http::status::bad_request, "bad_request",
                          "batch must be 0 or 1");
        out.batch = *v == "1";
    }
    if (auto err = parse_desk_params(*target, ctx.options, out))
        return refuse(refusal::bad_request, http::status::bad_request, "bad_request", *err);

    if (auto refused = authorize(req, *target, ctx, out.claims)) {
        refused->keep_alive(false);
        return std::move(*refused);
    }
    if (out.claims && out.claims->events) {
        if (out.claims->events->empty())
            return refuse(refusal::forbidden, http::status::forbidden, "forbidden", "token allows no events");
        for (const auto& e : events)
            if (!out.claims->allows(e))
                return refuse(refusal::forbidden, http::status::forbidden, "forbidden",
                              "token does not allow event '" + e + "'");
        if (events.empty()) events = *out.claims->events;
    }
    if (auto err = make_filter(std::move(events), types, out.filter))
        return refuse(refusal::bad_request, http::status::bad_request, "bad_request", *err);
    // An overlay following a control channel (docs/publish.md, Control channels).
    if (auto v = target->param("control")) {
        if (!valid_control_channel(*v))
            return refuse(refusal::bad_request, http::status::bad_request, "bad_request",
                          "control must name a channel: 1 to 32 of A-Z, a-z, 0-9, '_' and '-'");
        out.control = std::string(*v);
    }
    out.accept_key = websocket_accept_key(key);
    return out;
}

}  // namespace splitstream::publish
