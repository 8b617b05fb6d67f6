#include "metrics/prometheus_text.hpp"

#include "unit/metrics/sample_snapshot.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace pscgi::metrics {
namespace {

using ::testing::HasSubstr;

const std::string text = render_prometheus(testing::sample_snapshot());

bool has_line(const std::string& line) { return ("\n" + text).find("\n" + line + "\n") != std::string::npos; }

TEST(PrometheusTextTest, RequestsPerSlotAreFoldedPlusLiveIncludingAnEmptySlotThatAnswered) {
  EXPECT_TRUE(has_line("pscgi_requests_total{slot=\"1\"} 27"));
  EXPECT_TRUE(has_line("pscgi_requests_total{slot=\"2\"} 10"));
  EXPECT_TRUE(has_line("pscgi_requests_total{slot=\"3\"} 2"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("slot=\"4\"")));
}

TEST(PrometheusTextTest, TheHistogramIsPoolWideAndCumulative) {
  EXPECT_TRUE(has_line("# TYPE pscgi_request_duration_seconds histogram"));
  EXPECT_TRUE(has_line("pscgi_request_duration_seconds_bucket{le=\"0.0005\"} 27"));
  EXPECT_TRUE(has_line("pscgi_request_duration_seconds_bucket{le=\"0.001\"} 33"));
  EXPECT_TRUE(has_line("pscgi_request_duration_seconds_bucket{le=\"10\"} 33"));
  EXPECT_TRUE(has_line("pscgi_request_duration_seconds_bucket{le=\"+Inf\"} 38"));
  EXPECT_TRUE(has_line("pscgi_request_duration_seconds_count 38"));
  EXPECT_TRUE(has_line("pscgi_request_duration_seconds_sum 60.005"));
}

TEST(PrometheusTextTest, EveryStateAndEveryExitReasonButNoneHasASeries) {
  EXPECT_TRUE(has_line("pscgi_workers{state=\"handling\"} 1"));
  EXPECT_TRUE(has_line("pscgi_workers{state=\"idle\"} 1"));
  for (const char* state : {"starting", "reading", "writing", "due", "retiring"}) {
    EXPECT_TRUE(has_line(std::string("pscgi_workers{state=\"") + state + "\"} 0")) << state;
  }
  EXPECT_TRUE(has_line("pscgi_worker_exits_total{reason=\"max_requests\"} 3"));
  EXPECT_TRUE(has_line("pscgi_worker_exits_total{reason=\"timeout\"} 1"));
  EXPECT_TRUE(has_line("pscgi_worker_exits_total{reason=\"crash\"} 0"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("reason=\"none\"")));
}

TEST(PrometheusTextTest, CacheCountersAddTheGoneWorkersButGaugesAreLiveOnly) {
  EXPECT_TRUE(has_line("pscgi_cache_lookups_total 13"));
  EXPECT_TRUE(has_line("pscgi_cache_hits_total 5"));
  EXPECT_TRUE(has_line("pscgi_cache_misses_total 8"));
  EXPECT_TRUE(has_line("pscgi_cache_bypasses_total 2"));
  EXPECT_TRUE(has_line("pscgi_cache_stores_total 7"));
  EXPECT_TRUE(has_line("pscgi_cache_evictions_total 1"));
  EXPECT_TRUE(has_line("pscgi_cache_entries 2"));
  EXPECT_TRUE(has_line("pscgi_cache_bytes 4096"));
}

TEST(PrometheusTextTest, PerWorkerGaugesAndPoolFigures) {
  EXPECT_TRUE(has_line("pscgi_worker_generation{slot=\"1\"} 2"));
  EXPECT_TRUE(has_line("pscgi_worker_generation{slot=\"3\"} 1"));
  EXPECT_TRUE(has_line("pscgi_worker_rss_bytes{slot=\"1\"} 10000000"));
  EXPECT_TRUE(has_line("pscgi_up_seconds 12.5"));
  EXPECT_TRUE(has_line("pscgi_generation 2"));
}

// The format's rules that the parsers enforce: one HELP and one TYPE per family, before its
// samples, and every sample belongs to a declared family.
TEST(PrometheusTextTest, EveryFamilyIsDeclaredOnceBeforeItsSamples) {
  std::set<std::string> declared;
  std::map<std::string, int> help_lines;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      ++help_lines[line.substr(7, line.find(' ', 7) - 7)];
    } else if (line.rfind("# TYPE ", 0) == 0) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(declared.insert(name).second) << name << " declared twice";
      EXPECT_EQ(help_lines[name], 1) << name;
    } else {
      std::string name = line.substr(0, line.find_first_of("{ "));
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (!declared.contains(name) && name.ends_with(suffix)) name.resize(name.size() - std::string(suffix).size());
      }
      EXPECT_TRUE(declared.contains(name)) << line;
    }
  }
  EXPECT_GE(declared.size(), 17u);
}

TEST(PrometheusTextTest, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_label_value("plain"), "plain");
}

}  // namespace
}  // namespace pscgi::metrics
