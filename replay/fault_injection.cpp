// Deciding and shaping injected faults (replay/fault_injection.hpp).

#include "replay/fault_injection.hpp"

#include <algorithm>

#include "base/mix64.hpp"

namespace splitstream::replay {

namespace {

bool chance(const fault_options& f, std::uint64_t seq, fault_kind kind, double rate) {
    if (rate <= 0) return false;
    return unit_interval(mix64(f.seed, seq, kind)) < rate;
}

bool listed(const std::vector<std::uint64_t>& v, std::uint64_t seq) {
    return std::find(v.begin(), v.end(), seq) != v.end();
}

}  // namespace

fault_decision decide_faults(const fault_options& f, std::uint64_t seq) {
    fault_decision d;
    d.drop = listed(f.drop_at, seq) || chance(f, seq, fault_drop, f.drop_rate);
    d.duplicate = listed(f.dup_at, seq) || chance(f, seq, fault_dup, f.dup_rate);
    d.reorder = listed(f.reorder_at, seq) || chance(f, seq, fault_reorder, f.reorder_rate);
    d.corrupt = listed(f.corrupt_at, seq) || chance(f, seq, fault_corrupt, f.corrupt_rate);
    d.oversize = listed(f.oversize_at, seq);
    d.disconnect = listed(f.disconnect_at, seq);
    for (const auto& s : f.silence_at)
        if (s.seq == seq) d.silence = s.duration;
    return d;
}

// The first half of the frame, cut at an ASCII byte, and a stray token.
std::string corrupted_frame(const std::string& text) {
    std::size_t cut = text.size() / 2;
    while (cut > 0 && static_cast<unsigned char>(text[cut]) >= 0x80) --cut;
    return text.substr(0, cut) + ",,#corrupt";
}

// The frame with a large padding member in front.
std::string oversized_frame(const std::string& text) {
    std::string out = "{\"pad\":\"";
    out.append(oversize_frame_bytes, 'x');
    out += "\",";
    out.append(text, text.empty() ? 0 : 1, std::string::npos);
    return out;
}

}  // namespace splitstream::replay
