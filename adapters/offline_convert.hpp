#pragma once
// `splitstream convert`: a recorded session of a timing system, as files, in
// the order they were written, through the same adapters the daemon runs.

#include <string>
#include <vector>

#include "adapters/conversion.hpp"
#include "adapters/meet_file.hpp"

namespace splitstream::adapters {

enum class source_format { evt, lif, lss, odf };

struct named_input {
    std::string name;   // the file name, for problems and to tell .evt from .lif
    std::string bytes;  // its content
    std::string ts;     // when it was written (ISO 8601): stamps its messages
};

// Converts `inputs` in order. With source_format::odf every input is one ODF
// document (DT_RESULT or DT_CURRENT). With source_format::lss an input ending
// in ".evt" gives start lists and every other is a capture of the scoreboard
// connection (the bytes splitstream.lss made FinishLynx send). With source_format::lif, an input whose name
// ends in ".evt" is read as a start list file and every other as a LIF; with
// source_format::evt every input is a start list file. Except for ODF, an
// input ending in ".ppl" is FinishLynx's people file (lynx.ppl), which
// completes the start lists. The hello's epoch is
// "<meet feed>-1": converting the same files gives the same feed, byte for
// byte.
conversion convert_inputs(const meet_file& meet, source_format format,
                          const std::vector<named_input>& inputs);

}  // namespace splitstream::adapters
