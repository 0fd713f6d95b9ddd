#pragma once
// Reads a feed of JSON Lines from a file descriptor for a pass over it
// (`process`, `replay` of a recording): a file in large blocks, a live pipe
// as its lines arrive.

#include "ingest/file_processor.hpp"

namespace splitstream::ingest {

// Hands the processor every whole line of each read, without its newline
// (or a "\r" before it): the lines are views into the read buffer, not
// copies, and a file never lies in memory whole. A last line without a
// newline counts too. The heap grows in huge pages as the pass goes
// (huge_heap.hpp). False on a read error (errno says which).
bool read_lines(int fd, file_processor& processor);

}  // namespace splitstream::ingest
