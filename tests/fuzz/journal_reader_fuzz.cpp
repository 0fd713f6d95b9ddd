// Arbitrary bytes as a journal file: the reader must stop cleanly at the
// first bad record (end, torn, corrupt, ...) and never read past the file,
// whatever the kind (frames, notices, adapter inputs).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "replay/journal_reader.hpp"

using namespace splitstream::replay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("splitstream-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    const auto path = dir / "journal";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    std::error_code ec;
    auto reader = journal_reader::open(path, reader_options{.include_rotated = false}, ec);
    if (!reader) return 0;
    journal_record rec;
    std::uint64_t last_offset = 0;
    std::size_t records = 0;
    while (reader->next(rec)) {
        if (rec.offset >= size || (records > 0 && rec.offset <= last_offset)) std::abort();
        if (is_frame(rec.kind) && rec.frame.bytes.size() > size) std::abort();
        if (rec.kind == record_kind::adapter_input &&
            (rec.input.source.empty() || rec.input.source.size() > max_input_source_bytes ||
             rec.input.name.size() + rec.input.bytes.size() > size))
            std::abort();
        last_offset = rec.offset;
        ++records;
    }
    if (reader->end().offset > size) std::abort();
    return 0;
}
