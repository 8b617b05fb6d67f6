#include "process_figures.hpp"

#include "harness.hpp"
#include "worker_titles.hpp"

#include <cstdlib>
#include <dirent.h>
#include <filesystem>
#include <sstream>
#include <sys/stat.h>

namespace pscgi::testing {
namespace {

std::string proc_path(pid_t pid, const char* file) { return "/proc/" + std::to_string(pid) + "/" + file; }

// The state letter and parent pid from /proc/PID/stat; the name in parentheses may hold spaces and
// parentheses itself, so the fields are found after the last ')'.
bool read_stat(pid_t pid, char& state, pid_t& parent) {
  const std::string stat = read_file(proc_path(pid, "stat"));
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 4 >= stat.size()) return false;
  state = stat[paren + 2];
  parent = static_cast<pid_t>(std::atoi(stat.c_str() + paren + 4));
  return true;
}

}  // namespace

long rss_kib(pid_t pid) {
  std::istringstream status(read_file(proc_path(pid, "status")));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

int open_descriptors(pid_t pid) {
  std::error_code error;
  int count = 0;
  for (std::filesystem::directory_iterator it(proc_path(pid, "fd"), error), end; !error && it != end; it.increment(error)) {
    ++count;
  }
  return error && count == 0 ? -1 : count;
}

std::vector<pid_t> zombie_children(pid_t parent) {
  std::vector<pid_t> zombies;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = proc ? ::readdir(proc) : nullptr) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;  // not a process
    const auto pid = static_cast<pid_t>(std::atoi(entry->d_name));
    char state = 0;
    pid_t ppid = 0;
    if (read_stat(pid, state, ppid) && ppid == parent && state == 'Z') zombies.push_back(pid);
  }
  if (proc) ::closedir(proc);
  return zombies;
}

std::vector<pid_t> pscgi_processes_among(const std::vector<pid_t>& pids) {
  std::vector<pid_t> alive;
  for (pid_t pid : pids) {
    if (process_title(pid).rfind("pscgi:", 0) == 0) alive.push_back(pid);
  }
  return alive;
}

bool in_proc(pid_t pid) {
  struct stat info {};
  return ::stat(proc_path(pid, "").c_str(), &info) == 0;
}

std::string join_pids(const std::vector<pid_t>& pids) {
  std::string text;
  for (pid_t pid : pids) text += (text.empty() ? "" : ", ") + std::to_string(pid);
  return text.empty() ? "none" : text;
}

}  // namespace pscgi::testing
