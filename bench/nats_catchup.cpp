// How long a relay takes to catch up with a day's JetStream stream
// (docs/benchmarks.md, Scale-out). Not a Google Benchmark: it needs a
// running `nats-server -js` (URL as the first argument) and fills an empty
// stream first.
//
//   nats_catchup nats://127.0.0.1:4222 [frames, default 1000000]
//
// 1. An ingest node's publisher stores `frames` feed frames (the synthetic
//    road race, 300-byte splits) in the stream: the publish rate.
// 2. A relay (`serve --source nats` as a library: stream -> engine ->
//    history) starts on the full stream: the time until /readyz would say
//    ready (it has read the stream up to where it was when it joined).

#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "bench/synthetic_road_race.hpp"
#include "daemon/service.hpp"
#include "scaleout/nats_loader.hpp"

namespace {

using namespace splitstream;
using clock_type = std::chrono::steady_clock;

std::shared_ptr<spdlog::logger> quiet(const char* name) {
    return std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::null_sink_mt>());
}

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

struct counting_sink final : scaleout::stream_sink {
    std::uint64_t frames = 0;
    void on_stream_epoch(const std::string&) override {}
    void on_stream_frame(std::string_view, std::string_view) override { ++frames; }
    void on_stream_caught_up() override {}
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: nats_catchup NATS_URL [frames]\n");
        return 2;
    }
    const std::string url = argv[1];
    const std::uint64_t frames = argc > 2 ? std::stoull(argv[2]) : 1'000'000;
    constexpr int athletes = 24;

    scaleout::nats_options options;
    options.servers = {url};
    options.epoch_proposal = "bench";

    {
        net::io_context ioc;
        metrics_registry metrics;
        counting_sink sink;
        auto publisher = options;
        publisher.publish = true;
        auto loaded = scaleout::load_nats_link(SPLITSTREAM_NATS_MODULE,
                                               {ioc, publisher, sink, metrics, quiet("publish")});
        if (!loaded.link) {
            std::fprintf(stderr, "%s\n", loaded.error.c_str());
            return 1;
        }
        auto& node = *loaded.link;
        if (auto err = node.start()) {
            std::fprintf(stderr, "%s\n", err->c_str());
            return 1;
        }
        while (!node.ready()) ioc.run_for(std::chrono::milliseconds(10));
        if (sink.frames != 0) {
            std::fprintf(stderr, "the stream is not empty: start from an empty store\n");
            return 1;
        }
        const auto preamble = bench::road_race_preamble(athletes);
        const auto start = clock_type::now();
        for (std::size_t i = 1; i < preamble.size(); ++i) node.publish("bench-1", i + 1, preamble[i]);
        std::uint64_t seq = bench::first_split_seq;
        for (std::uint64_t n = preamble.size() - 1; n < frames; ++n, ++seq) {
            const auto k = seq - bench::first_split_seq;
            node.publish("bench-1", seq,
                         bench::road_race_split(seq, static_cast<int>(k % athletes),
                                                static_cast<int>(k / athletes) + 1));
            while (node.backlog() > 65'536) ioc.run_for(std::chrono::milliseconds(1));
        }
        while (sink.frames < frames) ioc.run_for(std::chrono::milliseconds(5));
        const auto took = seconds_since(start);
        std::printf("publish: %llu frames stored and read back in %.2f s (%.0f frames/s)\n",
                    static_cast<unsigned long long>(frames), took, static_cast<double>(frames) / took);
    }

    net::io_context ioc;
    daemon::service_options relay;
    relay.publish.listen_address = "127.0.0.1";
    relay.publish.listen_port = 0;
    relay.nats = options;
    relay.nats_module = SPLITSTREAM_NATS_MODULE;
    daemon::service svc(ioc, relay, {quiet("main"), quiet("ingest"), quiet("publish"), quiet("replay")});
    const auto start = clock_type::now();
    if (auto err = svc.start()) {
        std::fprintf(stderr, "%s\n", err->c_str());
        return 1;
    }
    while (!svc.ready()) ioc.run_for(std::chrono::milliseconds(1));
    std::printf("relay catch-up: ready after %.2f s (head seq %llu)\n", seconds_since(start),
                static_cast<unsigned long long>(svc.head()));
    svc.stop();
    ioc.run_for(std::chrono::seconds(1));
    return 0;
}
