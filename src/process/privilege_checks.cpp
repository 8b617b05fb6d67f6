#include "process/privilege_checks.hpp"

#include "process/privileges.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

std::string user_name(uid_t uid) {
  const passwd* entry = ::getpwuid(uid);  // the master is single-threaded
  return entry ? fmt::format("{} (uid {})", entry->pw_name, uid) : fmt::format("uid {}", uid);
}

// Following nginx: "the \"user\" directive makes sense only if the master process runs with
// super-user privileges, ignored".
std::optional<std::string> ignored_user_warning(const config::Config& config, uid_t euid, gid_t egid) {
  if (euid == 0 || !config.user) return std::nullopt;
  const bool other_user = config.user->uid != euid;
  const bool other_group = config.group && config.group->gid != egid;
  if (!other_user && !other_group) return std::nullopt;
  return fmt::format("user: {} is ignored: only a master started as root can switch users; the workers run as {}",
                     config.group ? config.user->text + ":" + config.group->text : config.user->text, user_name(euid));
}

std::optional<std::string> root_without_user_warning(const config::Config& config, uid_t euid) {
  if (euid != 0 || config.user) return std::nullopt;
  return std::string(
      "running as root without user: the workers and the app (and every CGI script) run as root, so a flaw in "
      "the app gives away the whole machine; set user (and group) to an unprivileged account, e.g. user: pscgi, "
      "group: www-data");
}

std::optional<std::string> group_without_user_warning(const config::Config& config) {
  if (!config.group || config.user) return std::nullopt;
  return fmt::format("group: {} is ignored without user: the workers keep the master's user and group, and so do "
                     "the sockets",
                     config.group->text);
}

std::optional<std::string> config_file_warning(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  if ((st.st_mode & S_IWOTH) == 0) return std::nullopt;
  return fmt::format("the config file \"{}\" is writable by every user (mode {:04o}): whoever edits it chooses the "
                     "app and the user it runs as; chmod o-w \"{}\"",
                     path, st.st_mode & 07777, path);
}

}  // namespace

std::vector<std::string> privilege_warnings(const config::Config& config, uid_t euid, gid_t egid) {
  std::vector<std::string> warnings;
  for (auto warning : {root_without_user_warning(config, euid), ignored_user_warning(config, euid, egid),
                       group_without_user_warning(config), config_file_warning(config.source)}) {
    if (warning) warnings.push_back(std::move(*warning));
  }
  return warnings;
}

void check_privileges(const config::Config& config, std::string_view context) {
  for (const std::string& warning : privilege_warnings(config, ::geteuid(), ::getegid())) {
    spdlog::warn("{}{}", context, warning);
  }
  if (const auto identity = worker_identity(config)) {
    spdlog::info("{}workers run as {}; the master stays root", context, identity->description);
  }
  hand_log_files_to_workers(config);
}

}  // namespace pscgi::process
