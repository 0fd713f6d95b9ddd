// Writes the seed corpora of the fuzz targets from the reference races:
//   fuzz_seeds OUT_DIR FEED.jsonl...
// OUT_DIR/frame_parser: one file per distinct frame type, plus a few lines;
// OUT_DIR/engine: each race whole, and its first half;
// OUT_DIR/engine_state: the engine's snapshot after each of those;
// OUT_DIR/client_message: subscribe/ping ops, bare and as masked frames;
// OUT_DIR/journal_reader: a journal of each race, whole and torn;
// OUT_DIR/sequencer: op streams (see sequencer_fuzz.cpp): a clean feed, a
// gap filled late, a far seq, refused frames, a new epoch.
// The hand-written seeds in tests/fuzz/corpus/ are used as well.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/journal_format.hpp"

namespace fs = std::filesystem;
using namespace splitstream;

namespace {

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << bytes;
}

std::string masked_frame(unsigned char opcode, const std::string& payload) {
    std::string f;
    f.push_back(static_cast<char>(0x80 | opcode));
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    if (payload.size() < 126) {
        f.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(payload.size() >> 8));
        f.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    f.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i & 3]));
    return f;
}

// The snapshot of an engine that applied `lines`.
std::string saved_engine(const std::vector<std::string>& lines) {
    ingest::frame_parser parser;
    feed::engine engine;
    for (const auto& line : lines)
        if (auto parsed = parser.parse(line); parsed.ok()) engine.apply(parsed.message());
    return engine.save();
}

std::string type_of(const std::string& line) {
    const auto at = line.find("\"type\":\"");
    if (at == std::string::npos) return "none";
    const auto start = at + 8;
    return line.substr(start, line.find('"', start) - start);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR FEED.jsonl...\n");
        return 2;
    }
    const fs::path out = argv[1];
    const std::vector<std::string> ops = {
        R"({"op":"ping"})",
        R"({"op":"subscribe","events":["M1500-F"],"types":["split","finish"]})",
        R"({"op":"subscribe","events":[],"types":["record"]})",
        R"({"op":"subscribe"})",
        R"({"op":"dance"})",
    };
    for (std::size_t i = 0; i < ops.size(); ++i) {
        // The first byte selects the harness's mode: odd, a bare op; even,
        // a stream of WebSocket frames.
        write(out / "client_message", "op" + std::to_string(i), "\x01" + ops[i]);
        write(out / "client_message", "frames" + std::to_string(i),
              std::string(1, '\0') + masked_frame(0x9, "hi") + masked_frame(0x1, ops[i]) +
                  masked_frame(0x8, std::string("\x03\xe8", 2)));
    }
    // A text message in two fragments: first frame without FIN, then a
    // continuation with FIN.
    auto first = masked_frame(0x1, R"({"op":)");
    first[0] = static_cast<char>(first[0] & 0x7F);
    write(out / "client_message", "fragments",
          std::string(1, '\0') + first + masked_frame(0x0, R"("ping"})"));

    // Sequencer ops: the low nibble picks the op, bit 4 a seq near the
    // position (2 bytes, signed delta) rather than anywhere (8 bytes), bits
    // 5-6 the line; nibble 9 and up is the next seq in order.
    auto op = [](int code, std::int16_t delta, int line = 0) {
        std::string s(1, static_cast<char>(code | 0x10 | line << 5));
        s.push_back(static_cast<char>(static_cast<std::uint16_t>(delta) >> 8));
        s.push_back(static_cast<char>(static_cast<std::uint16_t>(delta) & 0xFF));
        return s;
    };
    auto far = [](int code, std::uint64_t seq) {
        std::string s(1, static_cast<char>(code));
        for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>(seq >> (8 * i) & 0xFF));
        return s;
    };
    std::string clean = op(3, 1);
    for (int i = 0; i < 20; ++i) clean += op(9, 0);
    write(out / "sequencer", "clean", clean);
    write(out / "sequencer", "late", op(3, 1) + op(0, 3) + op(0, 2) + op(7, 300) + op(0, -1) + op(4, 5, 1));
    write(out / "sequencer", "far",
          op(3, 1) + op(9, 0) + far(5, 1'000'000'000'000) + far(0, 1'000'000'000'000) + op(0, 900) +
              op(7, 900) + op(7, 900) + op(7, 900) + op(9, 0));
    write(out / "sequencer", "epochs",
          op(3, 1) + op(9, 0) + op(3, 7, 1) + op(9, 0, 1) + op(8, 0, 1) + op(5, 1) + op(6, 0) + op(4, 3, 2));

    for (int a = 2; a < argc; ++a) {
        const fs::path feed = argv[a];
        std::ifstream in(feed, std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::vector<std::string> lines;
        std::istringstream s(text);
        for (std::string line; std::getline(s, line);) lines.push_back(line);
        const std::string stem = feed.stem().string();

        std::set<std::string> types;
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (types.insert(type_of(lines[i])).second || i % 40 == 0)
                write(out / "frame_parser", stem + "-" + std::to_string(i), lines[i]);

        write(out / "engine", stem, text);
        std::string half;
        for (std::size_t i = 0; i < lines.size() / 2; ++i) half += lines[i] + "\n";
        write(out / "engine", stem + "-half", half);
        write(out / "engine_state", stem, saved_engine(lines));
        write(out / "engine_state", stem + "-half",
              saved_engine({lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(lines.size() / 2)}));

        replay::journal_header header;
        header.created_wall_ns = 1'700'000'000'000'000'000;
        header.epoch = stem;
        std::string journal = replay::encode_header(header);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            replay::frame_fields f;
            f.wall_ns = header.created_wall_ns + static_cast<std::int64_t>(i) * 1'000'000;
            f.mono_ns = static_cast<std::int64_t>(i) * 1'000'000;
            f.line = static_cast<std::int32_t>(i + 1);
            f.bytes = lines[i];
            replay::encode_frame_record(journal, replay::record_kind::frame_applied, f);
            if (i == 2) {
                feed::feed_notice n;
                n.state = "gap";
                n.ts = "2023-08-23T19:15:00.000Z";
                n.src_seq = 2;
                n.details.emplace_back("from", std::int64_t{3});
                replay::encode_notice_record(journal, n);
                replay::encode_input_record(
                    journal,
                    {.wall_ns = f.wall_ns, .source = "lynx-dir", .name = "001-1-01.lif", .bytes = lines[i]});
            }
            // Journals kept small: the fuzzer grows them itself.
            if (journal.size() > 16 * 1024) break;
        }
        write(out / "journal_reader", stem, journal);
        write(out / "journal_reader", stem + "-torn", journal.substr(0, journal.size() - 7));
    }
    return 0;
}
