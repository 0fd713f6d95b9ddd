// How long a relay takes to catch up with a day's JetStream stream
// (docs/benchmarks.md, Scale-out). Not a Google Benchmark: it needs a
// running `nats-server -js` (URL as the first argument) and fills an empty
// stream first.
//
//   nats_catchup nats://127.0.0.1:4222 [frames, default 1000000] [every, default 100000]
//
// 1. An ingest node's publisher stores `frames` feed frames (the synthetic
//    road race, 300-byte splits) in the stream: the publish rate.
// 2. A relay (`serve --source nats` as a library: stream -> engine ->
//    history) starts on the full stream with no stored state: the time
//    until /readyz would say ready (it has read the stream up to where it
//    was when it joined), replaying every frame.
// 3. A relay that stores its state every `every` frames (default 100000)
//    replays the stream too; once its last state is stored...
// 4. ...another relay starts from that state and reads only the tail:
//    the time until it is ready, and how many frames it read.

#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <cstdio>
#include <optional>
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

// A number from the node's health JSON.
std::uint64_t health_number(const std::string& health, const std::string& key) {
    const auto at = health.find("\"" + key + "\":");
    return at == std::string::npos ? 0 : std::stoull(health.substr(at + key.size() + 3));
}

// Runs a relay until it is ready; then, when `stored_seq` is given, until
// it has stored its state at that stream seq. Returns the seconds to ready.
std::optional<double> run_relay(const scaleout::nats_options& options, const char* what,
                                std::optional<std::uint64_t> stored_seq = std::nullopt) {
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
        return std::nullopt;
    }
    while (!svc.ready()) ioc.run_for(std::chrono::milliseconds(1));
    const auto took = seconds_since(start);
    const auto health = svc.health_json();
    std::printf(
        "%s: ready after %.2f s (head seq %llu, started from the state at stream seq %llu, %llu frames "
        "read)\n",
        what, took, static_cast<unsigned long long>(svc.head()),
        static_cast<unsigned long long>(health_number(health, "snapshot_seq")),
        static_cast<unsigned long long>(health_number(health, "frames")));
    if (stored_seq) {
        const auto wait = clock_type::now();
        while (health_number(svc.health_json(), "snapshot_stored_seq") < *stored_seq &&
               seconds_since(wait) < 120)
            ioc.run_for(std::chrono::milliseconds(10));
        std::printf("%s: state at stream seq %llu stored %.2f s after ready; the loop copied it in %llu ms\n",
                    what,
                    static_cast<unsigned long long>(health_number(svc.health_json(), "snapshot_stored_seq")),
                    seconds_since(wait),
                    static_cast<unsigned long long>(health_number(svc.health_json(), "snapshot_loop_ms")));
    }
    svc.stop();
    ioc.run_for(std::chrono::seconds(1));
    return took;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: nats_catchup NATS_URL [frames] [every]\n");
        return 2;
    }
    const std::string url = argv[1];
    const std::uint64_t frames = argc > 2 ? std::stoull(argv[2]) : 1'000'000;
    const std::uint64_t every = argc > 3 ? std::stoull(argv[3]) : 100'000;
    constexpr int athletes = 24;

    scaleout::nats_options options;
    options.servers = {url};
    options.epoch_proposal = "bench";
    options.snapshot_every = 0;  // the publisher keeps no state

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

    // The stream holds `frames` frames at stream seqs 1..frames.
    if (!run_relay(options, "relay catch-up, no stored state")) return 1;
    auto writer = options;
    writer.snapshot_every = every;
    if (!run_relay(writer, "relay catch-up storing states", frames / every * every)) return 1;
    if (!run_relay(options, "relay catch-up from the stored state")) return 1;
    return 0;
}
