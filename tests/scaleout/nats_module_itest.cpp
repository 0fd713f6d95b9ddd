// Without --nats nothing about NATS is needed at run time (issue 17): the
// program links no libnats, and only `serve --nats` loads the NATS module
// (scaleout/nats_loader.hpp), which brings libnats with it. A module that
// cannot be found or loaded is a start-up error that says what to install.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "scaleout/nats_loader.hpp"
#include "tests/scaleout/scaleout_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::scaleout::testing {
namespace {

using splitstream::testing::child_process;
using splitstream::testing::eventually;
using splitstream::testing::slurp;

// What `ldd` says `file` needs, transitively.
std::string shared_libraries_of(const std::string& file) {
    std::string out;
    if (FILE* p = ::popen(("ldd '" + file + "' 2>&1").c_str(), "r")) {
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

std::string mapped_files_of(const child_process& proc) {
    return slurp("/proc/" + std::to_string(proc.pid()) + "/maps");
}

// `splitstream serve` with `extra` flags on ephemeral ports of 127.0.0.1.
struct serve_process {
    fs::path dir;
    std::unique_ptr<child_process> proc;

    serve_process(const std::string& name, std::vector<std::string> extra) : dir(scratch_dir(name)) {
        std::vector<std::string> args{test_paths::binary, "serve", "--feed-listen", "127.0.0.1:0",
                                      "--feed-token",     "t",     "--listen",      "127.0.0.1:0"};
        args.insert(args.end(), extra.begin(), extra.end());
        proc = std::make_unique<child_process>(args, dir / "serve.out", dir / "serve.err");
    }
    // Until its log says it serves (bounded).
    bool serving() const {
        return eventually([&] { return std::regex_search(log(), std::regex("serving (epoch|the stream)")); },
                          10s);
    }
    std::string log() const { return slurp(dir / "serve.err"); }
};

TEST(NatsModule, TheProgramLinksNoLibnatsAndTheModuleDoes) {
    const auto program = shared_libraries_of(test_paths::binary);
    ASSERT_TRUE(has(program, "libc.so")) << program;
    EXPECT_FALSE(has(program, "libnats")) << program;
    const auto module = shared_libraries_of(test_paths::nats_module);
    EXPECT_TRUE(has(module, "libnats")) << module;
}

TEST(NatsModule, ServeWithoutNatsLoadsNeitherTheModuleNorLibnats) {
    serve_process serve("no-nats", {});
    ASSERT_TRUE(serve.serving()) << serve.log();
    const auto maps = mapped_files_of(*serve.proc);
    ASSERT_TRUE(has(maps, "splitstream")) << "the process's own mappings are listed";
    EXPECT_FALSE(has(maps, "libnats")) << maps;
    EXPECT_FALSE(has(maps, "libsplitstream_nats")) << maps;
}

TEST(NatsModule, ServeWithNatsLoadsTheModuleFromBesideTheProgram) {
    // No NATS server needed: an unreachable one is a state, not an error.
    serve_process serve("with-nats", {"--nats", "nats://127.0.0.1:" + std::to_string(free_port())});
    ASSERT_TRUE(serve.serving()) << serve.log();
    const auto maps = mapped_files_of(*serve.proc);
    EXPECT_TRUE(has(maps, test_paths::nats_module)) << maps;
    EXPECT_TRUE(has(maps, "libnats")) << maps;
}

TEST(NatsModule, ServeWithNatsAndNoModuleExitsSayingWhatToInstall) {
    const auto missing = scratch_dir("no-module") / "libsplitstream_nats.so";
    // Only the child is spawned with it (each test runs in a process of its own).
    ::setenv("SPLITSTREAM_NATS_MODULE", missing.c_str(), 1);
    serve_process serve("no-module", {"--nats", "nats://127.0.0.1:4222"});
    ::unsetenv("SPLITSTREAM_NATS_MODULE");
    EXPECT_EQ(serve.proc->wait_for_exit(10s), 1) << "as the other start-up errors";
    const auto log = serve.log();
    EXPECT_TRUE(has(log, "no NATS module at " + missing.string())) << log;
    EXPECT_TRUE(has(log, "apt-get install libnats")) << log;
}

TEST(NatsModule, AFileThatIsNoModuleIsRefusedWithTheReason) {
    net::io_context ioc;
    metrics_registry metrics;
    struct ignore : stream_sink {
        void on_stream_epoch(const std::string&) override {}
        void on_stream_frame(std::string_view, std::string_view) override {}
        void on_stream_caught_up() override {}
    } sink;
    const auto log = std::make_shared<spdlog::logger>("test");
    // A shared library that loads, without the entry point.
    const auto maps = slurp("/proc/self/maps");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(maps, m, std::regex(R"((/\S*/libstdc\+\+\.so\S*))")));
    const auto loaded = load_nats_link(m[1].str(), {ioc, nats_options{}, sink, metrics, log});
    EXPECT_EQ(loaded.link, nullptr);
    EXPECT_TRUE(has(loaded.error, "is not a NATS module of this splitstream")) << loaded.error;

    const auto not_elf = scratch_dir("not-elf") / "libsplitstream_nats.so";
    std::ofstream(not_elf) << "not a shared library\n";
    const auto refused = load_nats_link(not_elf, {ioc, nats_options{}, sink, metrics, log});
    EXPECT_EQ(refused.link, nullptr);
    EXPECT_TRUE(has(refused.error, "cannot load the NATS module " + not_elf.string())) << refused.error;
    EXPECT_TRUE(has(refused.error, "apt-get install libnats")) << refused.error;
}

}  // namespace
}  // namespace splitstream::scaleout::testing
