#include "status/status_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace pscgi::status {
namespace {

using Json = nlohmann::json;

const Json& field(const Json& object, const char* name, std::string_view where) {
  const auto found = object.find(name);
  if (found == object.end()) throw std::runtime_error(fmt::format("the metrics JSON has no \"{}\" in {}", name, where));
  return *found;
}

std::uint64_t count(const Json& object, const char* name, std::string_view where) {
  const Json& value = field(object, name, where);
  if (!value.is_number_unsigned()) {
    throw std::runtime_error(fmt::format("the metrics JSON's \"{}\" in {} is not a count", name, where));
  }
  return value.get<std::uint64_t>();
}

std::string text(const Json& object, const char* name, std::string_view where) {
  const Json& value = field(object, name, where);
  if (!value.is_string()) throw std::runtime_error(fmt::format("the metrics JSON's \"{}\" in {} is not text", name, where));
  return value.get<std::string>();
}

CacheFigures read_cache(const Json& object, std::string_view where) {
  const Json& cache = field(object, "cache", where);
  return {count(cache, "lookups", where), count(cache, "hits", where),      count(cache, "misses", where),
          count(cache, "bypasses", where), count(cache, "stores", where),  count(cache, "evictions", where),
          count(cache, "entries", where),  count(cache, "bytes", where)};
}

std::map<std::string, std::uint64_t> read_counts(const Json& object, const char* name) {
  std::map<std::string, std::uint64_t> counts;
  for (const auto& [key, value] : field(object, name, "totals").items()) {
    if (!value.is_number_unsigned()) throw std::runtime_error(fmt::format("the metrics JSON's totals.{}.{} is not a count", name, key));
    counts[key] = value.get<std::uint64_t>();
  }
  return counts;
}

WorkerRow read_worker(const Json& worker) {
  const std::string where = "a worker";
  WorkerRow row;
  row.slot = static_cast<int>(count(worker, "slot", where));
  row.pid = static_cast<long>(count(worker, "pid", where));
  row.generation = count(worker, "generation", where);
  row.state = text(worker, "state", where);
  row.requests = count(worker, "requests", where);
  if (const Json& request = field(worker, "request", where); request.is_string()) row.request = request.get<std::string>();
  if (const Json& seconds = field(worker, "request_seconds", where); seconds.is_number()) {
    row.request_seconds = seconds.get<double>();
  }
  row.cache = read_cache(worker, where);
  row.rss_bytes = count(worker, "rss_bytes", where);
  return row;
}

std::string current_request(const WorkerRow& row, std::size_t room) {
  if (!row.request) return "-";
  std::string shown = printable(*row.request);
  if (room >= 4 && shown.size() > room) shown = shown.substr(0, room - 3) + "...";
  return shown;
}

std::string exits_line(const std::map<std::string, std::uint64_t>& exits) {
  std::string line;
  for (const auto& [reason, n] : exits) line += fmt::format("{}{} {}", line.empty() ? "" : ", ", reason, n);
  return line.empty() ? "none" : line;
}

std::string states_line(const std::map<std::string, std::uint64_t>& states) {
  std::string line;
  for (const auto& [state, n] : states) line += fmt::format("{}{} {}", line.empty() ? "" : ", ", n, state);
  return line;
}

}  // namespace

StatusReport parse_status_report(std::string_view json_text) {
  const Json json = Json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) throw std::runtime_error("the metrics answer is not a JSON object");
  StatusReport report;
  const Json& server = field(json, "server", "the answer");
  report.master_pid = static_cast<long>(count(server, "master_pid", "server"));
  report.generation = count(server, "generation", "server");
  const Json& up = field(server, "up_seconds", "server");
  if (!up.is_number()) throw std::runtime_error("the metrics JSON's \"up_seconds\" in server is not a number");
  report.up_seconds = up.get<double>();
  report.version = text(server, "version", "server");
  const Json& workers = field(json, "workers", "the answer");
  if (!workers.is_array()) throw std::runtime_error("the metrics JSON's \"workers\" is not a list");
  for (const Json& worker : workers) report.workers.push_back(read_worker(worker));
  const Json& totals = field(json, "totals", "the answer");
  report.total_requests = count(totals, "requests", "totals");
  report.live_workers = count(totals, "workers", "totals");
  report.states = read_counts(totals, "states");
  report.total_cache = read_cache(totals, "totals");
  report.total_rss_bytes = count(totals, "rss_bytes", "totals");
  report.exits = read_counts(totals, "exits");
  return report;
}

std::string render_status_table(const StatusReport& report, int width) {
  // Every column but REQUEST has a fixed width; REQUEST takes what the terminal has left.
  constexpr int fixed_columns = 4 + 1 + 8 + 1 + 4 + 1 + 9 + 1 + 9 + 2 + 2 + 7 + 1 + 9 + 1 + 7 + 1 + 7 + 1 + 7;
  const std::size_t room = width > fixed_columns + 10 ? static_cast<std::size_t>(width - fixed_columns) : 32;
  std::string out = fmt::format("pscgi {} | master {} | generation {} | up {} | {} workers: {}\n\n", report.version,
                                report.master_pid, report.generation, human_duration(report.up_seconds),
                                report.live_workers, states_line(report.states));
  const int request_width = static_cast<int>(std::max<std::size_t>(room, 7));
  out += fmt::format("{:>4} {:>8} {:>4} {:<9} {:>9}  {:<{}} {:>7} {:>9} {:>7} {:>7} {:>7}\n", "SLOT", "PID", "GEN",
                     "STATE", "REQUESTS", "REQUEST", request_width, "FOR", "HITS", "ENTRIES", "CACHE", "RSS");
  for (const WorkerRow& row : report.workers) {
    const std::string running = row.request_seconds ? human_duration(*row.request_seconds) : "-";
    out += fmt::format("{:>4} {:>8} {:>4} {:<9} {:>9}  {:<{}} {:>7} {:>9} {:>7} {:>7} {:>7}\n", row.slot, row.pid,
                       row.generation, printable(row.state), row.requests, current_request(row, room), request_width,
                       running, row.cache.hits, row.cache.entries, human_bytes(row.cache.bytes),
                       human_bytes(row.rss_bytes));
  }
  const CacheFigures& cache = report.total_cache;
  out += fmt::format("{:>4} {:>8} {:>4} {:<9} {:>9}  {:<{}} {:>7} {:>9} {:>7} {:>7} {:>7}\n", "ALL", "", "",
                     fmt::format("{} live", report.live_workers), report.total_requests, "", request_width, "",
                     cache.hits, cache.entries, human_bytes(cache.bytes), human_bytes(report.total_rss_bytes));
  const double hit_ratio = cache.lookups == 0 ? 0.0 : 100.0 * static_cast<double>(cache.hits) / static_cast<double>(cache.lookups);
  out += fmt::format("\ncache: {} lookups, {} hits ({:.1f} %), {} misses, {} bypasses, {} stores, {} evictions\n",
                     cache.lookups, cache.hits, hit_ratio, cache.misses, cache.bypasses, cache.stores, cache.evictions);
  out += fmt::format("workers gone: {}\n", exits_line(report.exits));
  return out;
}

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{}B", bytes);
  constexpr const char* units = "KMGTPE";
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024.0 && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  return value < 100.0 ? fmt::format("{:.1f}{}", value, units[unit]) : fmt::format("{:.0f}{}", value, units[unit]);
}

std::string human_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 1.0) return fmt::format("{}ms", static_cast<long>(seconds * 1000.0));
  if (seconds < 60.0) return fmt::format("{:.1f}s", seconds);
  const auto whole = static_cast<long>(seconds);
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  if (whole < 86400) return fmt::format("{}h{:02}m", whole / 3600, whole % 3600 / 60);
  return fmt::format("{}d{:02}h", whole / 86400, whole % 86400 / 3600);
}

std::string printable(std::string_view text) {
  std::string shown(text);
  for (char& c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  return shown;
}

}  // namespace pscgi::status
