#pragma once
// ODF (Olympic Data Feed) athletics documents in, feed v1 out. DT_RESULT is a
// full snapshot of a unit each time: its start list, intermediates, results,
// IRMs (with the RULE of a DQ) and ResultStatus; only what changed since the
// last document becomes a message. DT_CURRENT gives live intermediates.
// Parsed with pugixml; a document over max_document_bytes, or one that
// declares a DOCTYPE or entities, is refused before parsing (no entity is
// ever expanded).
//
// Pure: bytes in, messages out; where the documents come from is the
// caller's business.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "adapters/conversion.hpp"
#include "adapters/feed_output.hpp"
#include "adapters/meet_file.hpp"

namespace splitstream::adapters {

struct odf_options {
    std::size_t max_document_bytes = std::size_t{4} << 20;
};

class odf_adapter {
public:
    // Both must outlive the adapter.
    odf_adapter(const meet_file& meet, feed_output& output, odf_options options = {});

    // `where` names the document in problems (a file name, a request);
    // `ts` stamps the messages.
    conversion on_document(std::string_view bytes, std::string_view where, std::string_view ts);

    const problem_counts& problems() const { return counts_; }

private:
    const meet_file& meet_;
    feed_output& output_;
    odf_options options_;
    problem_counts counts_;
    // Per unit, the distance of each intermediate position (ExtendedInfo UI
    // INTERMEDIATE), which DT_CURRENT refers to by position only.
    std::map<std::string, std::map<int, std::int64_t>> intermediates_;
};

}  // namespace splitstream::adapters
