// The entry point of libsplitstream_nats.so, the module `serve --nats`
// loads (scaleout/nats_link.hpp): a nats_node behind the link interface.

#include "scaleout/nats_link.hpp"
#include "scaleout/nats_node.hpp"

namespace splitstream::scaleout {
namespace {

class node_link final : public nats_link {
public:
    explicit node_link(const nats_link_args& a) : node_(a.ioc, a.options, a.sink, a.metrics, a.log) {}

    std::optional<std::string> start() override { return node_.start(); }
    void stop() override { node_.stop(); }
    void publish(std::string_view feed_epoch, std::uint64_t seq, std::string bytes) override {
        node_.publish(feed_epoch, seq, std::move(bytes));
    }
    void publish_event(std::string_view event, std::string_view type, std::uint64_t seq,
                       std::string_view json) override {
        node_.publish_event(event, type, seq, json);
    }
    bool ready() const override { return node_.ready(); }
    std::size_t backlog() const override { return node_.backlog(); }
    std::string not_ready_reason() const override { return node_.not_ready_reason(); }
    std::string health_json() const override { return node_.health_json(); }

private:
    nats_node node_;
};

}  // namespace
}  // namespace splitstream::scaleout

// Named as nats_link_entry says.
extern "C" __attribute__((visibility("default"))) splitstream::scaleout::nats_link* splitstream_nats_link_v3(
    const splitstream::scaleout::nats_link_args& args) {
    return new splitstream::scaleout::node_link(args);
}
static_assert(std::is_same_v<decltype(&splitstream_nats_link_v3), splitstream::scaleout::nats_link_make>);
