// Engine snapshots from fuzzed bytes (feed/engine.hpp restore). The input
// is tried as a whole snapshot, and its body (the input's own body when it
// is a snapshot, else the input) sealed with a good frame, so mutations
// reach the body's reader past the checksum. Whatever it is:
//   - restore refuses it with a reason or gives an engine, never crashes;
//   - a restored engine's views are valid to produce, and it saves a
//     snapshot that restores to one saving the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feed/engine.hpp"
#include "feed/engine_state.hpp"

namespace {

[[noreturn]] void broken(const char*) {
    std::abort();
}

void check(std::string_view snapshot) {
    auto restored = splitstream::feed::engine::restore(snapshot);
    if (!restored.value) {
        if (restored.error.empty()) broken("refused without a reason");
        return;
    }
    const auto& e = *restored.value;
    (void)e.events_json();
    for (const auto& id : e.event_ids())
        if (!e.snapshot_json(id)) broken("a listed event has no state");
    const auto saved = e.save();
    auto again = splitstream::feed::engine::restore(saved);
    if (!again.value) broken("a restored engine's snapshot is refused");
    if (again.value->save() != saved) broken("save(restore(save(e))) differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check(input);
    std::string_view body;
    std::string error;
    if (!splitstream::feed::engine_state::open(input, body, error)) body = input;
    check(splitstream::feed::engine_state::seal(body));
    return 0;
}
