#include "status/status_report.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi::status {
namespace {

// The shape docs/operations.md ("Metrics") documents for <metrics.path>.json.
const std::string two_workers = R"({
  "server": {"master_pid": 100, "generation": 3, "up_seconds": 3725.5, "version": "0.9.0"},
  "workers": [
    {"slot": 1, "pid": 201, "generation": 3, "state": "handling", "requests": 42,
     "request": "GET /slow?ms=2000", "request_seconds": 1.25,
     "cache": {"lookups": 40, "hits": 30, "misses": 10, "bypasses": 2, "stores": 9, "evictions": 1, "entries": 8, "bytes": 20480},
     "rss_bytes": 10485760},
    {"slot": 2, "pid": 202, "generation": 3, "state": "idle", "requests": 7,
     "request": null, "request_seconds": null,
     "cache": {"lookups": 7, "hits": 0, "misses": 7, "bypasses": 0, "stores": 7, "evictions": 0, "entries": 7, "bytes": 1024},
     "rss_bytes": 9437184}
  ],
  "totals": {"requests": 1049, "workers": 2, "states": {"handling": 1, "idle": 1},
             "cache": {"lookups": 900, "hits": 600, "misses": 300, "bypasses": 12, "stores": 290, "evictions": 5, "entries": 15, "bytes": 21504},
             "rss_bytes": 19922944, "exits": {"max_requests": 4, "timeout": 1}}
})";

TEST(StatusReportTest, ReadsEveryFieldOfTheMetricsJson) {
  const StatusReport report = parse_status_report(two_workers);
  EXPECT_EQ(report.master_pid, 100);
  EXPECT_EQ(report.generation, 3u);
  EXPECT_DOUBLE_EQ(report.up_seconds, 3725.5);
  ASSERT_EQ(report.workers.size(), 2u);
  EXPECT_EQ(report.workers[0].state, "handling");
  EXPECT_EQ(report.workers[0].request, "GET /slow?ms=2000");
  EXPECT_DOUBLE_EQ(report.workers[0].request_seconds.value_or(0), 1.25);
  EXPECT_EQ(report.workers[0].cache.hits, 30u);
  EXPECT_FALSE(report.workers[1].request.has_value());
  EXPECT_EQ(report.total_requests, 1049u);
  EXPECT_EQ(report.states.at("idle"), 1u);
  EXPECT_EQ(report.exits.at("max_requests"), 4u);
  EXPECT_EQ(report.total_cache.lookups, 900u);
}

TEST(StatusReportTest, TableHasARowPerWorkerThenTheTotals) {
  const std::string table = render_status_table(parse_status_report(two_workers), 120);
  EXPECT_NE(table.find("master 100"), std::string::npos) << table;
  EXPECT_NE(table.find("generation 3"), std::string::npos) << table;
  EXPECT_NE(table.find("up 1h02m"), std::string::npos) << table;
  EXPECT_NE(table.find("GET /slow?ms=2000"), std::string::npos) << table;
  EXPECT_NE(table.find("1.2s"), std::string::npos) << table;  // how long the request has run
  EXPECT_NE(table.find("10.0M"), std::string::npos) << table;
  EXPECT_NE(table.find("1049"), std::string::npos) << table;
  EXPECT_NE(table.find("600 hits (66.7 %)"), std::string::npos) << table;
  EXPECT_NE(table.find("max_requests 4, timeout 1"), std::string::npos) << table;
  const auto row1 = table.find("\n   1 ");
  const auto row2 = table.find("\n   2 ");
  const auto totals = table.find("\n ALL ");
  ASSERT_NE(row1, std::string::npos) << table;
  ASSERT_NE(row2, std::string::npos) << table;
  ASSERT_NE(totals, std::string::npos) << table;
  EXPECT_LT(row1, row2);
  EXPECT_LT(row2, totals);
}

TEST(StatusReportTest, LongRequestsAreCutToTheTerminalAndControlBytesHidden) {
  std::string json = two_workers;
  const std::string long_uri = "GET /" + std::string(300, 'a');
  json.replace(json.find("GET /slow?ms=2000"), 17, long_uri + "\\u001b[2J");
  const std::string table = render_status_table(parse_status_report(json), 100);
  EXPECT_EQ(table.find(long_uri), std::string::npos);
  EXPECT_NE(table.find("..."), std::string::npos) << table;
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  for (std::size_t at = 0, end; (end = table.find('\n', at)) != std::string::npos; at = end + 1) {
    EXPECT_LE(end - at, 100u) << table.substr(at, end - at);
  }
}

TEST(StatusReportTest, AMissingFieldIsNamed) {
  std::string json = two_workers;
  json.replace(json.find("\"rss_bytes\": 19922944"), 21, "\"rss\": 1");
  try {
    parse_status_report(json);
    FAIL() << "accepted a JSON without totals.rss_bytes";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("rss_bytes"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_status_report("not json"), std::runtime_error);
  EXPECT_THROW(parse_status_report("[]"), std::runtime_error);
}

TEST(StatusReportTest, HumanUnits) {
  EXPECT_EQ(human_bytes(512), "512B");
  EXPECT_EQ(human_bytes(1536), "1.5K");
  EXPECT_EQ(human_bytes(150 * 1024 * 1024), "150M");
  EXPECT_EQ(human_duration(0.25), "250ms");
  EXPECT_EQ(human_duration(12.34), "12.3s");
  EXPECT_EQ(human_duration(245), "4m05s");
  EXPECT_EQ(human_duration(90000), "1d01h");
  EXPECT_EQ(printable("a\nb\x7f"), "a?b?");
}

}  // namespace
}  // namespace pscgi::status
