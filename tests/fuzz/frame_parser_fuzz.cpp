// Feeds arbitrary bytes to ingest::frame_parser as one frame. The parser
// must return a message or a rejection, never crash, leak or trip a
// sanitizer; a reused parser must give the same answer as a fresh one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/frame_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static splitstream::ingest::frame_parser reused;
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    splitstream::ingest::frame_parser fresh;
    const auto a = fresh.parse(frame);
    const auto b = reused.parse(frame);
    if (a.ok() != b.ok() || a.seq != b.seq) std::abort();  // state leaked between frames
    return 0;
}
