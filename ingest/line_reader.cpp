#include "ingest/line_reader.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "ingest/huge_heap.hpp"

namespace splitstream::ingest {

namespace {

std::string_view without_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

bool read_lines(int fd, file_processor& processor) {
    std::vector<char> buffer(1 << 20);  // doubled for a longer line
    std::vector<std::string_view> lines;
    std::size_t held = 0;  // bytes of an unfinished line at the buffer's start
    grow_heap_in_huge_pages();
    for (;;) {
        if (held == buffer.size()) buffer.resize(buffer.size() * 2);
        const ssize_t n = ::read(fd, buffer.data() + held, buffer.size() - held);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        grow_heap_in_huge_pages();
        const std::size_t end = held + static_cast<std::size_t>(n);
        std::size_t start = 0;
        lines.clear();
        while (const void* nl = std::memchr(buffer.data() + start, '\n', end - start)) {
            const auto stop = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer.data());
            lines.push_back(without_cr(std::string_view(buffer.data() + start, stop - start)));
            start = stop + 1;
        }
        processor.process_lines(lines);
        held = end - start;
        std::memmove(buffer.data(), buffer.data() + start, held);
    }
    if (held > 0) processor.process_line(without_cr(std::string_view(buffer.data(), held)));
    return true;
}

}  // namespace splitstream::ingest
