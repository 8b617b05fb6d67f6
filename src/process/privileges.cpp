#include "process/privileges.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

[[noreturn]] void fail(std::string_view call, const WorkerIdentity& identity, int error) {
  throw PrivilegeError(fmt::format("{} failed while switching to {}: {}", call, identity.description, std::strerror(error)));
}

void check_ids(const WorkerIdentity& identity) {
  uid_t ruid = 0, euid = 0, suid = 0;
  gid_t rgid = 0, egid = 0, sgid = 0;
  ::getresuid(&ruid, &euid, &suid);
  ::getresgid(&rgid, &egid, &sgid);
  const bool uids_ok = ruid == identity.uid && euid == identity.uid && suid == identity.uid;
  const bool gids_ok = rgid == identity.gid && egid == identity.gid && sgid == identity.gid;
  if (!uids_ok || !gids_ok || ::getgroups(0, nullptr) != 0) {
    throw PrivilegeError(fmt::format("after switching to {}: uids {}/{}/{}, gids {}/{}/{}, {} supplementary group(s)",
                                     identity.description, ruid, euid, suid, rgid, egid, sgid, ::getgroups(0, nullptr)));
  }
}

bool is_file_target(const std::string& target) {
  return target != "stderr" && target != "stdout" && target != "off";
}

void hand_over(const std::string& path, const WorkerIdentity& identity) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    spdlog::warn("cannot hand log file \"{}\" to {}: stat() failed: {}", path, identity.description, std::strerror(errno));
    return;
  }
  // Like nginx (ngx_reopen_files): only the owner changes; the group stays whatever the admin chose.
  if (st.st_uid != identity.uid && ::chown(path.c_str(), identity.uid, static_cast<gid_t>(-1)) != 0) {
    spdlog::warn("cannot hand log file \"{}\" to {}: chown() failed: {}; the workers cannot reopen it at USR1",
                 path, identity.description, std::strerror(errno));
    return;
  }
  if ((st.st_mode & S_IWUSR) == 0 && ::chmod(path.c_str(), (st.st_mode & 07777) | S_IRUSR | S_IWUSR) != 0) {
    spdlog::warn("cannot make log file \"{}\" writable by its owner: chmod() failed: {}", path, std::strerror(errno));
  }
}

}  // namespace

std::optional<WorkerIdentity> worker_identity(const config::Config& config, uid_t master_euid) {
  if (!config.user || master_euid != 0) return std::nullopt;
  // The loader refuses a user without a primary group unless `group` is given.
  const gid_t gid = config.group ? config.group->gid : config.user->primary_gid.value_or(config.user->uid);
  const std::string group_text = config.group ? config.group->text : std::to_string(gid);
  return WorkerIdentity{config.user->uid, gid,
                        fmt::format("{}:{} (uid {}, gid {})", config.user->text, group_text, config.user->uid, gid)};
}

void drop_privileges(const WorkerIdentity& identity) {
  if (::setgroups(0, nullptr) != 0) fail("setgroups(0)", identity, errno);
  if (::setgid(identity.gid) != 0) fail(fmt::format("setgid({})", identity.gid), identity, errno);
  if (::setuid(identity.uid) != 0) fail(fmt::format("setuid({})", identity.uid), identity, errno);
  check_ids(identity);
  if (::setuid(0) == 0) {
    throw PrivilegeError(fmt::format("after switching to {}, setuid(0) succeeded: the worker could regain root",
                                     identity.description));
  }
}

int give_socket_to_workers(const std::string& path, const config::Config& config) noexcept {
  const auto identity = worker_identity(config);
  if (!identity) return 0;
  // lchown: the path was bound a moment ago; never follow a link someone may have put in its place.
  return ::lchown(path.c_str(), identity->uid, identity->gid) == 0 ? 0 : errno;
}

void hand_log_files_to_workers(const config::Config& config) {
  const auto identity = worker_identity(config);
  if (!identity) return;
  for (const std::string* target : {&config.log.error_log, &config.log.access_log}) {
    if (is_file_target(*target)) hand_over(*target, *identity);
  }
}

}  // namespace pscgi::process
