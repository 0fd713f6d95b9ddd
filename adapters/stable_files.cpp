#include "adapters/stable_files.hpp"

namespace splitstream::adapters {

std::vector<std::string> stable_files::poll(const std::vector<file_stat>& listing) {
    std::vector<std::string> ready;
    std::map<std::string, file_stat> now;
    for (const auto& f : listing) {
        now[f.name] = f;
        auto before = previous_.find(f.name);
        if (before == previous_.end() || !(before->second == f)) continue;  // new or still changing
        auto done = read_.find(f.name);
        if (done != read_.end() && done->second == f) continue;  // this version was read
        read_[f.name] = f;
        ready.push_back(f.name);
    }
    previous_ = std::move(now);
    return ready;
}

}  // namespace splitstream::adapters
