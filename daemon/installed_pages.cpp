#include "daemon/installed_pages.hpp"

#include <system_error>

namespace splitstream::daemon {

std::string installed_web_dir(const std::filesystem::path& program) {
    const auto dir = program.parent_path();
    for (const auto& candidate : {dir / ".." / "share" / "splitstream" / "web", dir / "web"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate / "index.html", ec))
            return std::filesystem::weakly_canonical(candidate, ec).string();
    }
    return {};
}

std::filesystem::path this_program() {
    std::error_code ec;
    auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path{} : path;
}

}  // namespace splitstream::daemon
