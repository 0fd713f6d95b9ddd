#pragma once
// The daemon as the process runs it: its own io_context on this thread,
// until SIGINT or SIGTERM.

#include "daemon/service.hpp"

namespace splitstream::daemon {

// Starts a service on a loop of its own and runs it until SIGINT or
// SIGTERM, then stops it and gives the subscribers close_timeout (plus a
// second) to close. Returns the process exit status: 0 after a signal, 1
// when the service could not start.
int run_until_signalled(service_options options, service_logs logs);

}  // namespace splitstream::daemon
