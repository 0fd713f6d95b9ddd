#pragma once
// The program run as a child process by the tests that time it or signal
// it: stdout and stderr in files, SIGKILLed and reaped when dropped, so a
// failing test leaves nothing running.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace splitstream::testing {

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class child_process {
public:
    child_process(std::vector<std::string> args, const std::filesystem::path& out,
                  const std::filesystem::path& err) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    // stdout thrown away, stderr in `err`.
    child_process(std::vector<std::string> args, const std::filesystem::path& err)
        : child_process(std::move(args), "/dev/null", err) {}
    ~child_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            wait_for_exit(std::chrono::seconds(10));
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    void signal(int sig) const {
        if (pid_ > 0) ::kill(pid_, sig);
    }
    // Sends `sig` and reaps the process (bounded, as wait_for_exit).
    std::optional<int> stop(int sig, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        signal(sig);
        return wait_for_exit(limit);
    }
    // The exit status once the process has ended within `limit`; polled,
    // so a process that hangs fails the test instead of holding it.
    std::optional<int> wait_for_exit(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (pid_ > 0) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return std::nullopt;
    }

private:
    pid_t pid_ = -1;
};

// Polls `done` every 10 ms until it holds or `limit` passes.
template <class F>
bool eventually(F&& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace splitstream::testing
