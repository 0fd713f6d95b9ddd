#pragma once
// The buffers of one subscriber's gather write: frames, or a batch's header
// and lines. A subscriber holds one only while a write is in flight, taken
// from and given back to the hub's spares, so an idle subscriber does not
// carry a kilobyte of buffer descriptors.

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <memory>

#include "base/net.hpp"
#include "publish/frame.hpp"

namespace splitstream::publish {

struct write_gather {
    // At most this many buffers per write: the most one sendmsg takes
    // through Asio's async_write_some.
    static constexpr std::size_t max_buffers = 64;

    std::array<net::const_buffer, max_buffers> bufs;
    std::size_t first = 0;  // bufs[first, last) is what the kernel has not taken yet
    std::size_t last = 0;
    std::array<char, max_frame_header> batch_header{};

    // A send through the hub's send_ring: the kernel's view of bufs, and
    // the session, held until the ring tells it how the send ended.
    std::array<iovec, max_buffers> iov{};
    msghdr msg{};
    std::shared_ptr<void> in_ring;
};

}  // namespace splitstream::publish
