#pragma once
// The HTTP side as free functions from request to response: the API
// (`/v1/events`, `/v1/events/{id}`, `/v1/control[/{channel}]`), health
// (`/healthz`, `/readyz`), `/metrics`, static pages, and the checks on a
// `/v1/stream` upgrade.

#include <cstdint>
#include <string>
#include <variant>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "publish/control_desk.hpp"
#include "publish/publish_metrics.hpp"
#include "publish/server_options.hpp"
#include "publish/state_provider.hpp"
#include "publish/subscription_request.hpp"

namespace splitstream::publish {

using request = http::request<http::string_body>;

struct route_context {
    state_provider& provider;
    metrics_registry& registry;
    publish_metrics& metrics;
    const server_options& options;
    std::size_t connections;  // open now, this one included
    std::int64_t now_unix;    // for token expiry
    // The hub's control channels (`/v1/control`); null: none served.
    control_desk* control = nullptr;
    std::string_view remote{};  // "address:port" of the client, for logs
};

// True for a WebSocket upgrade request (any path).
bool is_upgrade(const request& req);

// Answers one HTTP request (not an upgrade). Refusals are counted.
http::message_generator handle_request(request&& req, const route_context& ctx);

// Checks a `/v1/stream` upgrade: Origin, connection limit, WebSocket
// headers, query (events, types, since, epoch), token and its scope.
// Returns the accepted request, or the refusal to send (400, 401, 403, 404,
// 503 with a JSON body), already counted.
std::variant<subscription_request, http::response<http::string_body>> check_upgrade(const request& req,
                                                                                    const route_context& ctx);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2).
std::string websocket_accept_key(std::string_view client_key);

}  // namespace splitstream::publish
