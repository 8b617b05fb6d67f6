#pragma once
// What the master checks at start and after each reload about the users things run as: a
// master started as root without `user` (the app would run as root), a `user` or `group` that
// cannot take effect (the master is not root; `group` without `user`), and a config file that other users may write to (whoever can
// edit it chooses the code and the user the workers run).

#include "config/config.hpp"

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace pscgi::process {

/// One sentence per risk of running `config` by a master whose effective ids are `euid`/`egid`,
/// including the config file `config.source` when others may write to it. Empty: nothing to say.
std::vector<std::string> privilege_warnings(const config::Config& config, uid_t euid, gid_t egid);

/// In the master once `config` is in force — at start, after a reload — before its workers start:
/// logs privilege_warnings() for this process, each prefixed by `context` ("" at start, "SIGHUP: "
/// after a reload), says which user the workers run as, and hands the log files to that user
/// (hand_log_files_to_workers).
void check_privileges(const config::Config& config, std::string_view context = "");

}  // namespace pscgi::process
