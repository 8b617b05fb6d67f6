#pragma once
// Running the workers as an unprivileged user (docs/operations.md, "Running as an unprivileged
// user"). Started as root with `user` set, the master keeps root — it opens sockets and log files
// at a reload and at USR1 — and hands what the workers must use to that user: the unix sockets
// (owner and group, before listen) and the log files (their owner, as nginx does). Each worker
// drops to the user right after fork, before it opens its logs and before the app runs.

#include "config/config.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <unistd.h>

namespace pscgi::process {

/// The ids a worker switches to.
struct WorkerIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string description;  ///< `nobody:nogroup (uid 65534, gid 65534)`, for log lines
};

/// The identity the workers of `config` take: nullopt when `user` is unset or the master is not
/// root (`master_euid`), for only root can switch users.
std::optional<WorkerIdentity> worker_identity(const config::Config& config, uid_t master_euid = ::geteuid());

/// A failed drop: the message names the call and the ids.
class PrivilegeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// In a worker right after fork: clears the supplementary groups, then sets the gid, then the uid
/// (a process that gave up root could no longer change its groups), then checks that every real,
/// effective and saved id is the new one and that setuid(0) fails. Throws PrivilegeError when any
/// step fails or root can be regained; the worker must then exit without serving.
void drop_privileges(const WorkerIdentity& identity);

/// Right after bind, before listen: gives the unix socket at `path` the workers' owner and group
/// (when worker_identity(config) is set), so that the web server's user, in `group`, may connect.
/// Returns 0, or the errno of the failed lchown() (the caller removes the socket file).
int give_socket_to_workers(const std::string& path, const config::Config& config) noexcept;

/// In the master, after it has opened (created) the log files — at start, after a reload, after
/// USR1 — and before the workers open them: makes the worker user the owner of each log file, so
/// that a worker can reopen it at USR1. A file it cannot hand over is logged as a warning.
void hand_log_files_to_workers(const config::Config& config);

}  // namespace pscgi::process
