// Engine snapshots: the frame (engine_state.hpp) and the engine's part of
// the body; the races and rounds write their own (race_state.cpp,
// rounds_state.cpp).

#include "feed/engine_state.hpp"

#include <algorithm>
#include <set>

#include "feed/engine.hpp"
#include "feed/race.hpp"
#include "feed/state_codec.hpp"

namespace splitstream::feed {

namespace engine_state {

namespace {
constexpr std::string_view magic = "splitstream engine state";
}  // namespace

std::uint64_t checksum(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : bytes) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 1099511628211ull;
    }
    return h;
}

std::string seal(std::string_view body) {
    std::string out;
    out.reserve(body.size() + magic.size() + 32);
    state_writer w(out);
    w.str(magic);
    w.u64(version);
    w.u64(body.size());
    out.append(body);
    w.u64(checksum(body));
    return out;
}

bool open(std::string_view snapshot, std::string_view& body, std::string& error) {
    state_reader r(snapshot);
    if (r.str() != magic) {
        error = "not an engine snapshot";
        return false;
    }
    if (const auto v = r.u64(); v != version) {
        error = "snapshot format version " + std::to_string(v) + ", this program reads version " +
                std::to_string(version);
        return false;
    }
    const auto length = r.u64();
    if (!r.ok() || length > r.left() || r.left() - length != 8) {
        error = "snapshot truncated or of the wrong length";
        return false;
    }
    const auto at = snapshot.size() - r.left();
    body = snapshot.substr(at, static_cast<std::size_t>(length));
    state_reader tail(snapshot.substr(at + body.size()));
    if (tail.u64() != checksum(body)) {
        error = "snapshot checksum mismatch";
        return false;
    }
    return true;
}

}  // namespace engine_state

std::string engine::save() const {
    std::string body;
    state_writer w(body);
    w.u64(next_seq_);
    w.u64(order_.size());
    for (const auto& id : order_) w.str(id);
    w.u64(races_.size());
    for (const auto& [id, r] : races_) r->save(w);
    rounds_.save(w);
    return engine_state::seal(body);
}

restored_engine engine::restore(std::string_view snapshot) {
    std::string_view body;
    std::string error;
    if (!engine_state::open(snapshot, body, error)) return {std::nullopt, std::move(error)};
    state_reader r(body);
    engine e(engine_options{r.u64()});
    if (e.next_seq_ == 0) r.fail("next seq is 0");
    e.order_.resize(r.count(8, "event order"));
    for (auto& id : e.order_) id = r.str();
    const auto races = r.count(16, "races");
    for (std::size_t i = 0; i < races && r.ok(); ++i) {
        auto x = race::load(r);
        if (!x) break;
        auto id = x->id();
        if (!e.races_.emplace(std::move(id), std::move(x)).second) r.fail("a race twice");
    }
    // Every race is listed once in the order its start list came.
    const std::set<std::string, std::less<>> listed(e.order_.begin(), e.order_.end());
    if (r.ok() && (listed.size() != e.order_.size() || listed.size() != e.races_.size() ||
                   !std::equal(listed.begin(), listed.end(), e.races_.begin(),
                               [](const auto& id, const auto& entry) { return id == entry.first; })))
        r.fail("the event order does not list the races");
    if (r.ok()) e.rounds_ = round_book::load(r, e.races_);
    if (r.ok() && r.left() != 0) r.fail("bytes after the state");
    if (!r.ok()) return {std::nullopt, "snapshot body: " + r.error()};
    return {std::move(e), {}};
}

}  // namespace splitstream::feed
