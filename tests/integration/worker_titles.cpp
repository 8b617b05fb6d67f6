#include "worker_titles.hpp"

#include "harness.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <dirent.h>
#include <memory>

namespace pscgi::testing {
namespace {

constexpr std::string_view worker_prefix = "pscgi: worker ";
constexpr std::string_view master_prefix = "pscgi: master (gen ";

// Reads a whole decimal number at the front of `text` and drops it; nullopt if there is none.
std::optional<int> take_number(std::string_view& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

bool take(std::string_view& text, std::string_view expected) {
  if (text.substr(0, expected.size()) != expected) return false;
  text.remove_prefix(expected.size());
  return true;
}

// The state letter and the parent pid from /proc/PID/stat. The command name in parentheses may
// itself hold spaces and parentheses, so the fields are read after the last ')'.
bool read_stat(const std::string& pid, char& state, pid_t& parent) {
  const std::string stat = read_file("/proc/" + pid + "/stat");
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 4 >= stat.size()) return false;
  state = stat[close + 2];
  parent = static_cast<pid_t>(std::atoi(stat.c_str() + close + 4));
  return true;
}

bool all_digits(const char* name) {
  if (*name == '\0') return false;
  for (; *name != '\0'; ++name) {
    if (*name < '0' || *name > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<WorkerTitle> parse_worker_title(std::string_view title) {
  WorkerTitle parsed;
  if (!take(title, worker_prefix)) return std::nullopt;
  const auto slot = take_number(title);
  if (!slot || !take(title, " (gen ")) return std::nullopt;
  const auto generation = take_number(title);
  if (!generation || !take(title, ")")) return std::nullopt;
  parsed.slot = *slot;
  parsed.generation = *generation;
  if (title.empty()) return parsed;
  for (std::string_view state : {"starting", "due", "retiring"}) {
    if (title.size() == state.size() + 1 && title.front() == ' ' && title.substr(1) == state) {
      parsed.state = state;
      return parsed;
    }
  }
  return std::nullopt;
}

std::optional<int> parse_master_generation(std::string_view title) {
  if (!take(title, master_prefix)) return std::nullopt;
  const auto generation = take_number(title);
  if (!generation || title != ")") return std::nullopt;
  return generation;
}

std::string process_title(pid_t pid) {
  const std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline.substr(0, cmdline.find('\0'));
}

std::vector<WorkerProcess> list_workers(pid_t master) {
  std::vector<WorkerProcess> workers;
  const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), &::closedir);
  if (!proc) return workers;
  while (const dirent* entry = ::readdir(proc.get())) {
    if (!all_digits(entry->d_name)) continue;
    char state = '?';
    pid_t parent = 0;
    if (!read_stat(entry->d_name, state, parent) || parent != master || state == 'Z' || state == 'X') continue;
    WorkerProcess worker;
    worker.pid = static_cast<pid_t>(std::atoi(entry->d_name));
    worker.title = process_title(worker.pid);
    worker.worker = parse_worker_title(worker.title);
    workers.push_back(std::move(worker));
  }
  std::sort(workers.begin(), workers.end(), [](const auto& a, const auto& b) { return a.pid < b.pid; });
  return workers;
}

std::string describe(const std::vector<WorkerProcess>& workers) {
  std::string text;
  for (const WorkerProcess& w : workers) {
    text += (text.empty() ? "" : ", ") + std::to_string(w.pid) + " '" + w.title + "'";
  }
  return text.empty() ? "(no workers)" : text;
}

WorkersSeen wait_for_workers(pid_t master, const std::function<bool(const std::vector<WorkerProcess>&)>& done,
                             std::chrono::milliseconds limit) {
  WorkersSeen seen;
  seen.ok = wait_until(
      [&] {
        seen.last = list_workers(master);
        return done(seen.last);
      },
      limit);
  return seen;
}

std::function<bool(const std::vector<WorkerProcess>&)> exactly_serving(int n, int generation) {
  return [n, generation](const std::vector<WorkerProcess>& workers) {
    if (static_cast<int>(workers.size()) != n) return false;
    return count_workers(workers, [generation](const WorkerProcess& w) {
             return w.serving() && (generation == 0 || w.of_generation(generation));
           }) == n;
  };
}

}  // namespace pscgi::testing
