#include "scaleout/nats_loader.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <system_error>

namespace splitstream::scaleout {

namespace {

// SPLITSTREAM_LIBNATS_PACKAGE: Debian's package of the libnats the module
// is built against (scaleout/CMakeLists.txt).
std::string what_to_install() {
    return std::string("serve --nats needs the module and the NATS C client (Debian: apt-get install ") +
           SPLITSTREAM_LIBNATS_PACKAGE + ")";
}

}  // namespace

std::filesystem::path nats_module_path(const std::filesystem::path& program) {
    if (const char* named = std::getenv(nats_module_env); named != nullptr && *named != '\0') return named;
    const auto beside = program.parent_path() / nats_module_file;
    std::error_code ec;
    if (std::filesystem::exists(beside, ec)) return beside;
    return program.parent_path() / ".." / "lib" / "splitstream" / nats_module_file;
}

loaded_link load_nats_link(const std::filesystem::path& module, const nats_link_args& args) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(module, ec))
        return {nullptr, "no NATS module at " + module.string() + " (" + nats_module_env +
                             " names it if it is elsewhere); " + what_to_install()};
    // RTLD_NOW: a missing libnats or symbol shows here, not at the first call.
    void* handle = ::dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr)
        return {nullptr, "cannot load the NATS module " + module.string() + ": " + ::dlerror() + "; " +
                             what_to_install()};
    auto make = reinterpret_cast<nats_link_make>(::dlsym(handle, nats_link_entry));
    if (make == nullptr) {
        ::dlclose(handle);
        return {nullptr, module.string() + " is not a NATS module of this splitstream (it has no " +
                             nats_link_entry + "): install the module built with this program"};
    }
    return {std::unique_ptr<nats_link>(make(args)), {}};
}

}  // namespace splitstream::scaleout
