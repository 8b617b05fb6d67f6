#pragma once
// Exit statuses a worker process reports to the master, kept apart from the worker so that the
// master, which only reads them, does not depend on the worker (and on Asio).

namespace pscgi::process {

/// Exit status of a worker that could not start (the master stops instead of respawning forever).
inline constexpr int worker_boot_failure = 3;

}  // namespace pscgi::process
