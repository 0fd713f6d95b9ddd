#pragma once
// The stream epoch of a daemon that starts without a journal to recover
// one from: derived seqs are comparable only within one epoch.

#include <string>

namespace splitstream::daemon {

// The start time plus random bits ("2023-08-23T19-14-00-1a2b3c4d"), so two
// daemons, or two runs without a journal, never share one.
std::string new_epoch();

}  // namespace splitstream::daemon
