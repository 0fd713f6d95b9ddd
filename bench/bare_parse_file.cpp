// The whole-process baseline of bench/process_vs_parse.sh: reads a JSON
// Lines file and parses every line with simdjson On-Demand, every key and
// value read and nothing kept (bench/bare_parse.hpp, the walk of
// pipeline_bench's bare parse). Reading the file is included, as it is in
// `splitstream process FILE`.
//
//   bare_parse_file FILE
//
// Prints the lines parsed and those that were not JSON objects.

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "bench/bare_parse.hpp"

namespace {

constexpr std::size_t chunk_bytes = 1 << 20;

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: bare_parse_file FILE\n");
        return 2;
    }
    const int fd = ::open(argv[1], O_RDONLY);
    if (fd < 0) {
        std::fprintf(stderr, "bare_parse_file: cannot read %s\n", argv[1]);
        return 2;
    }
    // Lines are parsed in place: the padding simdjson reads past a line is
    // the bytes after it, or the zeros at the end of the buffer.
    constexpr std::size_t capacity = 2 * chunk_bytes + simdjson::SIMDJSON_PADDING;
    auto buffer = std::make_unique<char[]>(capacity);
    simdjson::ondemand::parser parser;
    std::uint64_t lines = 0;
    std::uint64_t errors = 0;
    std::size_t held = 0;  // bytes of an unfinished line at the buffer's start
    for (;;) {
        const ssize_t n = ::read(fd, buffer.get() + held, capacity - simdjson::SIMDJSON_PADDING - held);
        if (n < 0) {
            std::fprintf(stderr, "bare_parse_file: read error on %s\n", argv[1]);
            return 2;
        }
        const std::size_t end = held + static_cast<std::size_t>(n);
        std::memset(buffer.get() + end, 0, simdjson::SIMDJSON_PADDING);
        std::size_t start = 0;
        for (;;) {
            const auto* nl = static_cast<const char*>(std::memchr(buffer.get() + start, '\n', end - start));
            // The last line of the file may have no newline.
            if (!nl && n != 0) break;
            const std::size_t stop = nl ? static_cast<std::size_t>(nl - buffer.get()) : end;
            if (stop > start) {
                ++lines;
                errors += !splitstream::bench::bare_parse_line(parser, buffer.get() + start, stop - start,
                                                               capacity - start);
            }
            if (!nl) break;
            start = stop + 1;
        }
        if (n == 0) break;
        held = end - start;
        if (held > chunk_bytes) {
            std::fprintf(stderr, "bare_parse_file: a line over %zu bytes\n", chunk_bytes);
            return 2;
        }
        std::memmove(buffer.get(), buffer.get() + start, held);
    }
    ::close(fd);
    std::printf("lines %llu, errors %llu\n", static_cast<unsigned long long>(lines),
                static_cast<unsigned long long>(errors));
    return errors == 0 ? 0 : 1;
}
