#pragma once
// Node states kept in JetStream (docs/scale-out.md, Snapshots). A state is
// stored as chunks of at most chunk_bytes (NATS refuses messages over its
// max payload, 1 MB by default) on `<snapshot_subject>.<stream seq>.<i>` in
// the stream `snapshot_stream`, then the bucket's key `snapshot` is pointed
// at it: "<stream epoch> <stream seq> <chunks> <bytes> <checksum>". The
// pointer is written last, so a reader never takes a half-written state;
// it checks the length and checksum of what it reassembles all the same.
// Blocking calls: for nats_node's own threads, never its loop.

#include <nats/nats.h>

#include <cstdint>
#include <optional>
#include <string>

#include "scaleout/nats_options.hpp"
#include "scaleout/snapshot_pointer.hpp"

namespace splitstream::scaleout {

// Makes the snapshot stream unless it exists.
std::optional<std::string> add_snapshot_stream(jsCtx* js, const nats_options& o);

// The latest pointer; nullopt when there is none (or it cannot be read:
// then `error` says why).
std::optional<snapshot_pointer> read_pointer(kvStore* kv, std::string& error);

// The state the pointer names, reassembled and checked; nullopt with
// `error` when a chunk is missing or the bytes do not match.
std::optional<std::string> read_snapshot(jsCtx* js, const nats_options& o, const snapshot_pointer& p,
                                         std::string& error);

// Stores `state` for `stream_seq` and points the bucket at it, then
// removes the chunks of `previous` (a reader still on them finds the
// pointer moved on). Returns why not, when it could not.
std::optional<std::string> write_snapshot(jsCtx* js, kvStore* kv, const nats_options& o,
                                          const std::string& stream_epoch, std::uint64_t stream_seq,
                                          const std::string& state,
                                          const std::optional<snapshot_pointer>& previous);

}  // namespace splitstream::scaleout
