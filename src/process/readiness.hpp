#pragma once
// Tells a supervisor that the server is ready or stopping, with systemd's notify protocol: a
// datagram ("READY=1", "STOPPING=1") to the unix socket named by $NOTIFY_SOCKET. Without that
// variable it does nothing. systemd units use it with Type=notify; the integration tests use it to
// wait for the server instead of sleeping.

#include <string_view>

namespace pscgi::process {

/// Sends `state` to $NOTIFY_SOCKET if set; failures are logged, never fatal.
void notify_supervisor(std::string_view state) noexcept;

}  // namespace pscgi::process
