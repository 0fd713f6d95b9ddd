// libFuzzer target for the timing-system adapters: arbitrary bytes as each
// foreign input they read. The first byte picks the input: a lynx.evt; a
// lynx.evt and a LIF (split at the first NUL), the LIF read twice; FinishLynx
// scoreboard output in chunks of arbitrary size; an ODF document; a meet
// file. Whatever the bytes:
// - nothing crashes, hangs or leaks (ASan, UBSan and libFuzzer's limits);
// - the messages an adapter makes carry strictly increasing seqs, and the
//   engine takes each of them (or refuses it) without crashing;
// - a LIF read again unchanged yields no message (only changes are sent).
// The meet file is the reference final's (tests/data/adapters), so event
// ids, records and PB/SB are mapped as in a real meet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "adapters/lynx_adapter.hpp"
#include "adapters/lynx_scoreboard.hpp"
#include "adapters/meet_file.hpp"
#include "adapters/odf_adapter.hpp"
#include "feed/engine.hpp"

using namespace splitstream;
using namespace splitstream::adapters;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

const meet_file& reference_meet() {
    static const meet_file meet = [] {
        std::ifstream in(SPLITSTREAM_SOURCE_DIR "/tests/data/adapters/budapest-2023/meet.toml");
        std::stringstream text;
        text << in.rdbuf();
        auto loaded = parse_meet_file(text.str(), "meet.toml");
        return loaded.meet ? *loaded.meet : meet_file{};
    }();
    return meet;
}

// Feeds the engine and checks the numbering across every conversion.
struct sink {
    feed::engine engine;
    std::uint64_t last_seq = 0;

    std::size_t take(const conversion& c) {
        for (const auto& m : c.messages) {
            check(m.seq > last_seq);
            last_seq = m.seq;
            (void)engine.apply(m);
        }
        return c.messages.size();
    }
};

constexpr std::string_view ts = "2023-08-23T19:16:00.000Z";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const auto kind = data[0] % 5;
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto& meet = reference_meet();
    feed_output output("fuzz", "fuzz-epoch");
    sink out;
    switch (kind) {
        case 0: {
            lynx_adapter lynx(meet, output);
            out.take(lynx.on_evt(bytes, "lynx.evt", ts));
            break;
        }
        case 1: {
            const auto cut = bytes.find('\0');
            const auto evt = bytes.substr(0, cut);
            const auto lif = cut == std::string_view::npos ? std::string_view{} : bytes.substr(cut + 1);
            lynx_adapter lynx(meet, output);
            out.take(lynx.on_evt(evt, "lynx.evt", ts));
            out.take(lynx.on_lif(lif, "001-1-01.lif", ts));
            check(out.take(lynx.on_lif(lif, "001-1-01.lif", ts)) == 0);
            break;
        }
        case 2: {
            // Chunk sizes from the first byte: a stream cut anywhere.
            const std::size_t chunk = 1 + static_cast<unsigned char>(bytes[0]) % 61;
            lynx_scoreboard board(meet, output);
            for (std::size_t at = 1; at < bytes.size(); at += chunk)
                out.take(board.on_bytes(bytes.substr(at, chunk), "scoreboard", ts));
            break;
        }
        case 3: {
            odf_adapter odf(meet, output, {.max_document_bytes = 64 * 1024});
            out.take(odf.on_document(bytes, "document", ts));
            break;
        }
        default:
            (void)parse_meet_file(bytes, "meet.toml");
    }
    return 0;
}
