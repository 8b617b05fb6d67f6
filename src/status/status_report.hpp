#pragma once
// What `pscgi status` shows: the metrics JSON of a running server (docs/operations.md, "Metrics")
// read into plain values, and the table made of them — one row per worker, then the totals. Kept
// apart from the socket so the table is tested from a made-up answer.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi::status {

struct CacheFigures {
  std::uint64_t lookups = 0, hits = 0, misses = 0, bypasses = 0, stores = 0, evictions = 0, entries = 0, bytes = 0;
};

struct WorkerRow {
  int slot = 0;
  long pid = 0;
  std::uint64_t generation = 0;
  std::string state;
  std::uint64_t requests = 0;
  std::optional<std::string> request;     ///< while handling or writing
  std::optional<double> request_seconds;  ///< same
  CacheFigures cache;
  std::uint64_t rss_bytes = 0;
};

struct StatusReport {
  long master_pid = 0;
  std::uint64_t generation = 0;
  double up_seconds = 0;
  std::string version;
  std::vector<WorkerRow> workers;
  std::uint64_t total_requests = 0;
  std::uint64_t live_workers = 0;
  std::map<std::string, std::uint64_t> states;  ///< live workers by state
  CacheFigures total_cache;
  std::uint64_t total_rss_bytes = 0;
  std::map<std::string, std::uint64_t> exits;  ///< gone workers by reason
};

/// Reads the metrics JSON. Throws std::runtime_error naming the field that is missing or of the
/// wrong type.
StatusReport parse_status_report(std::string_view json);

/// The table, as text ending in a newline. `width` bounds the request column's room (a terminal's
/// width); 0 means no bound.
std::string render_status_table(const StatusReport& report, int width = 0);

/// "1.5K", "12.0M", "3.2G": bytes with a binary unit, at most 6 characters.
std::string human_bytes(std::uint64_t bytes);
/// "950ms", "12.3s", "4m05s", "2h03m", "3d04h".
std::string human_duration(double seconds);
/// `text` with every byte that could move a terminal's cursor (controls, DEL) shown as '?'.
std::string printable(std::string_view text);

}  // namespace pscgi::status
