#pragma once
// What the daemon sees of NATS JetStream: one node's link, behind this
// interface, so that the nats.c client lives in a module loaded only by
// `serve --nats` (scaleout/nats_loader.hpp). Nothing here names nats.c:
// without --nats the program needs no libnats at run time.
//
// The module (libsplitstream_nats.so) has one entry point, nats_link_entry,
// whose name carries the version of this interface: a module built against
// another version has no entry of that name and is refused. Change the
// number with anything below (or nats_options, stream_sink).
//
// The io_context, metrics registry and logger are the program's: the module
// uses them through the program's own code (it links none of it), so there
// is one of each, and every call the link makes to its sink comes on the
// io_context, as from a socket.

#include <spdlog/logger.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "scaleout/nats_options.hpp"
#include "scaleout/stream_sink.hpp"

namespace splitstream::scaleout {

// See nats_node.hpp for what each does.
class nats_link {
public:
    virtual ~nats_link() = default;
    virtual std::optional<std::string> start() = 0;
    virtual void stop() = 0;
    virtual void publish(std::string_view feed_epoch, std::uint64_t seq, std::string bytes) = 0;
    virtual void publish_event(std::string_view event, std::string_view type, std::uint64_t seq,
                               std::string_view json) = 0;
    virtual bool ready() const = 0;
    virtual std::size_t backlog() const = 0;
    virtual std::string not_ready_reason() const = 0;
    virtual std::string health_json() const = 0;
};

// What a link is made with; everything referred to outlives it.
struct nats_link_args {
    net::io_context& ioc;
    nats_options options;
    stream_sink& sink;
    metrics_registry& metrics;
    std::shared_ptr<spdlog::logger> log;
};

// The module's entry point (extern "C", in scaleout/nats_module.cpp): a
// new link, owned by the caller.
inline constexpr const char* nats_link_entry = "splitstream_nats_link_v3";
using nats_link_make = nats_link* (*)(const nats_link_args&);

}  // namespace splitstream::scaleout
