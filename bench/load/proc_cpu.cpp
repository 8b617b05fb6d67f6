#include "proc_cpu.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace pscgi::load {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<ProcStat> stat_of(const std::string& proc_root, pid_t pid) {
  const auto text = read_file(proc_root + "/" + std::to_string(pid) + "/stat");
  return text ? parse_proc_stat(*text) : std::nullopt;
}

// Children through /proc/PID/task/*/children (a child belongs to the thread that forked it), or
// nullopt when the kernel does not provide those files.
std::optional<std::vector<pid_t>> listed_children(const std::string& proc_root, pid_t pid) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator tasks(proc_root + "/" + std::to_string(pid) + "/task", ec);
  if (ec) return std::vector<pid_t>{};  // the process is gone
  std::vector<pid_t> children;
  bool found_any = false;
  for (const auto& task : tasks) {
    const auto text = read_file((task.path() / "children").string());
    if (!text) continue;
    found_any = true;
    for (pid_t child : parse_pid_list(*text)) children.push_back(child);
  }
  if (!found_any) return std::nullopt;
  return children;
}

// Parent -> children for every process, from each /proc/N/stat.
std::multimap<pid_t, pid_t> scan_parent_links(const std::string& proc_root) {
  std::multimap<pid_t, pid_t> links;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root, ec)) {
    const std::string name = entry.path().filename().string();
    pid_t pid = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (error != std::errc() || end != name.data() + name.size()) continue;
    if (const auto stat = stat_of(proc_root, pid)) links.emplace(stat->parent, pid);
  }
  return links;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::istringstream fields{std::string(text.substr(close + 1))};
  // After the name: field 3 (state), then 4 onwards.
  std::string state;
  long long value = 0;
  std::vector<long long> numbers;
  if (!(fields >> state)) return std::nullopt;
  while (numbers.size() < 14 && fields >> value) numbers.push_back(value);
  if (numbers.size() < 14) return std::nullopt;
  // numbers[0] is field 4 (ppid); utime is field 14, so numbers[10].
  const auto ticks = [](long long v) { return static_cast<std::uint64_t>(v < 0 ? 0 : v); };
  return ProcStat{static_cast<pid_t>(numbers[0]), ticks(numbers[10]), ticks(numbers[11]),
                  ticks(numbers[12]), ticks(numbers[13])};
}

std::optional<std::uint64_t> parse_voluntary_switches(std::string_view status_text) {
  constexpr std::string_view key = "voluntary_ctxt_switches:";
  std::size_t at = 0;
  // "nonvoluntary_ctxt_switches:" contains the key too: only a match at a line start counts.
  while ((at = status_text.find(key, at)) != std::string_view::npos) {
    if (at == 0 || status_text[at - 1] == '\n') {
      std::istringstream in{std::string(status_text.substr(at + key.size()))};
      unsigned long long value = 0;
      if (in >> value) return value;
      return std::nullopt;
    }
    at += key.size();
  }
  return std::nullopt;
}

std::vector<pid_t> parse_pid_list(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<pid_t> pids;
  long long pid = 0;
  while (in >> pid) {
    if (pid > 0) pids.push_back(static_cast<pid_t>(pid));
  }
  return pids;
}

TreeCpu sample_tree_cpu(const std::vector<pid_t>& roots, const std::string& proc_root) {
  std::optional<std::multimap<pid_t, pid_t>> scanned;  // made on first need
  std::set<pid_t> seen;
  std::vector<pid_t> todo(roots.begin(), roots.end());
  std::uint64_t ticks = 0;
  std::size_t processes = 0;
  std::uint64_t switches = 0;
  while (!todo.empty()) {
    const pid_t pid = todo.back();
    todo.pop_back();
    if (!seen.insert(pid).second) continue;
    const auto stat = stat_of(proc_root, pid);
    if (!stat) continue;
    ticks += stat->total();
    ++processes;
    if (const auto status = read_file(proc_root + "/" + std::to_string(pid) + "/status")) {
      switches += parse_voluntary_switches(*status).value_or(0);
    }
    auto children = listed_children(proc_root, pid);
    if (!children) {
      if (!scanned) scanned = scan_parent_links(proc_root);
      children.emplace();
      for (auto [it, end] = scanned->equal_range(pid); it != end; ++it)
        children->push_back(it->second);
    }
    todo.insert(todo.end(), children->begin(), children->end());
  }
  static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  return TreeCpu{static_cast<double>(ticks) / static_cast<double>(ticks_per_second), processes,
                 switches};
}

std::vector<pid_t> read_pid_file(const std::string& path) {
  const auto text = read_file(path);
  if (!text) throw std::runtime_error("cannot read pid file " + path);
  auto pids = parse_pid_list(*text);
  if (pids.empty()) throw std::runtime_error("no PID in " + path);
  return pids;
}

OwnCpu own_cpu() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return OwnCpu{seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

}  // namespace pscgi::load
