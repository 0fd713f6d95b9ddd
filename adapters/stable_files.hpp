#pragma once
// Which files of a watched folder are safe to read. FinishLynx rewrites a
// LIF in place, and a poll may catch it half-written: a file is read only
// once two polls in a row saw the same size and modification time, and then
// only once per version. Pure: the caller lists the folder.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace splitstream::adapters {

struct file_stat {
    std::string name;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    friend bool operator==(const file_stat&, const file_stat&) = default;
};

class stable_files {
public:
    // The names in `listing` that are stable (unchanged since the previous
    // poll) and not yet handed out in this version, in listing order.
    std::vector<std::string> poll(const std::vector<file_stat>& listing);

    // A file handed out by poll() whose content then did not read as the
    // size it was listed with: it is handed out again once stable.
    void forget(const std::string& name) { read_.erase(name); }

private:
    std::map<std::string, file_stat> previous_;
    std::map<std::string, file_stat> read_;
};

}  // namespace splitstream::adapters
