// Writes the benchmarks' synthetic road race (bench/synthetic_road_race.hpp)
// as a JSON Lines feed file, for whole-process measurements such as
// bench/process_vs_parse.sh.
//
//   road_race_file FILE [ATHLETES [ROUNDS]]
//
// The default, 24 athletes x 41,667 rounds, is the journal benchmark's
// race: 1,000,011 lines, every split inside the 42,195 m.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/synthetic_road_race.hpp"

namespace bench = splitstream::bench;

int main(int argc, char** argv) {
    if (argc < 2 || argc > 4) {
        std::fprintf(stderr, "usage: road_race_file FILE [ATHLETES [ROUNDS]]\n");
        return 2;
    }
    const int athletes = argc > 2 ? std::atoi(argv[2]) : 24;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 41'667;
    if (athletes < 1 || athletes > 1000 || rounds < 1 || rounds > 42'195) {
        std::fprintf(stderr, "road_race_file: 1-1000 athletes, 1-42195 rounds (one metre each)\n");
        return 2;
    }
    std::FILE* out = std::fopen(argv[1], "wb");
    if (!out) {
        std::fprintf(stderr, "road_race_file: cannot write %s\n", argv[1]);
        return 2;
    }
    auto put = [out](const std::string& line) {
        std::fwrite(line.data(), 1, line.size(), out);
        std::fputc('\n', out);
    };
    for (const auto& line : bench::road_race_preamble(athletes)) put(line);
    std::uint64_t seq = bench::first_split_seq;
    for (int round = 1; round <= rounds; ++round)
        for (int a = 0; a < athletes; ++a) put(bench::road_race_split(seq++, a, round));
    if (std::fclose(out) != 0) {
        std::fprintf(stderr, "road_race_file: write error on %s\n", argv[1]);
        return 2;
    }
    return 0;
}
