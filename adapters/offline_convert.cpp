#include "adapters/offline_convert.hpp"

#include "adapters/lynx_adapter.hpp"
#include "adapters/lynx_scoreboard.hpp"
#include "adapters/odf_adapter.hpp"

namespace splitstream::adapters {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void append(conversion& all, conversion part) {
    for (auto& m : part.messages) all.messages.push_back(std::move(m));
    for (auto& p : part.problems) all.problems.push_back(std::move(p));
}

}  // namespace

conversion convert_inputs(const meet_file& meet, source_format format,
                          const std::vector<named_input>& inputs) {
    feed_output output(meet.feed, meet.feed + "-1");
    lynx_adapter adapter(meet, output);
    odf_adapter odf(meet, output);
    lynx_scoreboard scoreboard(meet, output);
    conversion all;
    for (const auto& in : inputs) {
        if (format == source_format::odf) {
            append(all, odf.on_document(in.bytes, in.name, in.ts));
            continue;
        }
        if (ends_with(in.name, ".ppl") || ends_with(in.name, ".PPL")) {
            append(all, adapter.on_ppl(in.bytes, in.name, in.ts));
            continue;
        }
        const bool evt =
            format == source_format::evt || ends_with(in.name, ".evt") || ends_with(in.name, ".EVT");
        if (format == source_format::lss && !evt)
            append(all, scoreboard.on_bytes(in.bytes, in.name, in.ts));
        else
            append(all,
                   evt ? adapter.on_evt(in.bytes, in.name, in.ts) : adapter.on_lif(in.bytes, in.name, in.ts));
    }
    return all;
}

}  // namespace splitstream::adapters
