#pragma once
// How a node reaches NATS JetStream and what it keeps there
// (docs/scale-out.md, Configuration).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace splitstream::scaleout {

struct nats_options {
    std::vector<std::string> servers{};  // nats://HOST:PORT, any node of the cluster
    std::string stream = "SPLITSTREAM_FEED";
    std::string subject = "splitstream.feed";  // the feed frames' subject
    std::string bucket = "splitstream";        // key-value bucket: the derived stream's epoch
    // Derived events on `<events_prefix>.<event>.<type>`, kept (one copy of
    // each seq) in `events_stream`; published by ingest nodes.
    std::string events_stream = "SPLITSTREAM_EVENTS";
    std::string events_prefix = "splitstream.events";
    // Node states (docs/scale-out.md, Snapshots): chunks in
    // `snapshot_stream` on `<snapshot_subject>.<stream seq>.<i>`, the
    // latest named by the bucket's key `snapshot`. A node writes one when
    // the stream sequence of the frame it applied is a multiple of
    // `snapshot_every` (0: it writes none) and none as recent is there.
    std::string snapshot_stream = "SPLITSTREAM_SNAPSHOTS";
    std::string snapshot_subject = "splitstream.snapshots";
    std::uint64_t snapshot_every = 100'000;
    int replicas = 1;  // of the stream and the bucket: 3 on a cluster of 3
    // JetStream drops a second copy of a message id within this window.
    std::chrono::seconds dedupe_window{120};
    // Accepted frames not yet stored, at most: the buffer an outage fills.
    std::size_t buffer_frames = 1'000'000;
    // Derived events not yet stored on their subjects, at most (an ingest
    // node; they wait only while NATS is away after their frame was read).
    std::size_t buffer_events = 1'000'000;
    std::size_t publish_window = 1'000;            // frames (and events) out without an acknowledgement
    std::chrono::milliseconds ack_timeout{2'000};  // then they are sent again
    std::chrono::milliseconds reconnect_wait{250};
    bool publish = false;  // an ingest node: its accepted frames go into the stream
    // The epoch this node proposes for the derived stream; the first node
    // to store one in the bucket decides it for all.
    std::string epoch_proposal{};
};

}  // namespace splitstream::scaleout
