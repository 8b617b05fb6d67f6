#pragma once
// The master's pid file. The master may run as root and the file's directory may be writable by
// others (a shared /tmp, a run directory handed to the service user), so the file is opened without
// following a symbolic link: otherwise whoever plants a link there chooses which file root
// overwrites with a pid.

#include <string>

namespace pscgi::process {

/// Writes "<pid>\n" to `path`, creating it with mode 0644 or replacing the contents of the regular
/// file already there. Throws std::runtime_error, naming the `pid_file` key and the path, when the
/// path is a symbolic link (the link and its target are left untouched), is not a regular file, or
/// cannot be written.
void write_pid_file(const std::string& path, long pid);

/// Removes the pid file at exit, when it is still the one this process wrote (holds `pid`): a
/// second server started with the same path, or an administrator, may have replaced it since.
void remove_pid_file(const std::string& path, long pid) noexcept;

}  // namespace pscgi::process
