#pragma once
// The benchmarks' synthetic road race, in the style of the fan-out
// benchmark's splitstream template (shared/tools/fanout-bench/examples):
// hello, a start list of `athletes`, the start, then rounds in which every
// athlete is one metre further (so `distance_m` is the round), each split
// line padded to 300 bytes with elapsed_ms = 170000 + seq and a clock
// reading as its trace.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace splitstream::bench {

inline constexpr std::size_t split_line_bytes = 300;

inline std::vector<std::string> road_race_preamble(int athletes) {
    static constexpr const char* countries[] = {"KEN", "ETH", "UGA", "NOR", "GBR", "USA",
                                                "ESP", "FRA", "JPN", "AUS", "CAN", "BRA"};
    std::string list;
    for (int a = 0; a < athletes; ++a) {
        if (a > 0) list += ',';
        list += R"({"bib":")" + std::to_string(1001 + a) + R"(","name":"Athlete )" + std::to_string(a + 1) +
                R"(","country":")" + countries[a % 12] + R"("})";
    }
    return {
        R"({"seq":1,"type":"hello","ts":"2024-08-06T19:49:00.000Z","feed":"bench","epoch":"bench-1"})",
        R"({"seq":2,"type":"startlist","ts":"2024-08-06T19:49:01.000Z","event":"BENCH-ROAD","name":"Benchmark Road )"
        R"(Race","distance_m":42195,"venue":"road","round":"final","athletes":[)" +
            list + "]}",
        R"({"seq":3,"type":"status","ts":"2024-08-06T19:50:00.000Z","event":"BENCH-ROAD","status":"started"})",
    };
}

// The feed seq of the first split line: after the three of the preamble.
inline constexpr std::uint64_t first_split_seq = 4;

// The split of athlete `a` (0-based) at `round` metres, as feed seq `seq`.
inline std::string road_race_split(std::uint64_t seq, int a, int round) {
    char head[256];
    const int n = std::snprintf(head, sizeof head,
                                R"({"v":1,"seq":%llu,"type":"split","ts":"2024-08-06T19:51:55.310Z",)"
                                R"("event":"BENCH-ROAD","bib":"%d","distance_m":%d,"elapsed_ms":%llu,)"
                                R"("trace":"%llu","pad":")",
                                static_cast<unsigned long long>(seq), 1001 + a, round,
                                static_cast<unsigned long long>(170000 + seq),
                                static_cast<unsigned long long>(1722973915310000000ULL + seq * 1000));
    std::string line(head, static_cast<std::size_t>(n));
    line.append(split_line_bytes - line.size() - 2, 'x');
    line += "\"}";
    return line;
}

}  // namespace splitstream::bench
