#include "apps/demo/routes.hpp"

#include "unit/apps/demo/demo_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <set>
#include <string>

namespace pscgi::apps::demo {
namespace {

using testing::get;
using testing::make_app;

std::string_view first_row(std::string_view body) {
  const std::size_t start = body.find("<tr>");
  if (start == std::string_view::npos) return {};
  return body.substr(start, body.find('\n', start) - start);
}

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

TEST(WorkRouteTest, DefaultsToOneKibAndNoWork) {
  const ResponsePtr r = make_app()->handle(get("/work"));
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->body().size(), 1024u);
  EXPECT_NE(r->body().find("ms=0 kb=1"), std::string_view::npos);
}

TEST(WorkRouteTest, BodySizeIsCloseToKKib) {
  AppPtr app = make_app();
  for (int kb : {1, 2, 7, 64, 1000}) {
    const ResponsePtr r = app->handle(get("/work?kb=" + std::to_string(kb)));
    const double expected = kb * 1024.0;
    EXPECT_GE(static_cast<double>(r->body().size()), expected * 0.9) << kb;
    EXPECT_LE(static_cast<double>(r->body().size()), expected * 1.1) << kb;
  }
}

TEST(WorkRouteTest, TheLargestBodyIsAllowed) {
  const ResponsePtr r = make_app()->handle(get("/work?kb=16384"));
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->body().size(), 16384u * 1024u);
  EXPECT_EQ(r->body().substr(r->body().size() - 8), "</html>\n");
}

TEST(WorkRouteTest, ZeroKibIsTheBarePage) {
  const ResponsePtr r = make_app()->handle(get("/work?kb=0"));
  EXPECT_EQ(r->status(), 200);
  EXPECT_LT(r->body().size(), 1024u);
  EXPECT_EQ(r->body().find("<tr>"), std::string_view::npos);
  EXPECT_NE(r->body().find("</html>"), std::string_view::npos);
}

TEST(WorkRouteTest, SameParametersGiveTheSameBytes) {
  const ResponsePtr a = make_app()->handle(get("/work?ms=1&kb=20"));
  const ResponsePtr b = make_app()->handle(get("/work?kb=20&ms=1"));
  EXPECT_EQ(a->wire(), b->wire());
}

TEST(WorkRouteTest, RowsDependOnBothParameters) {
  AppPtr app = make_app();
  const ResponsePtr base = app->handle(get("/work?ms=0&kb=4"));
  const ResponsePtr other_ms = app->handle(get("/work?ms=1&kb=4"));
  const ResponsePtr other_kb = app->handle(get("/work?ms=0&kb=5"));
  ASSERT_FALSE(first_row(base->body()).empty());
  EXPECT_NE(first_row(base->body()), first_row(other_ms->body()));
  EXPECT_NE(first_row(base->body()), first_row(other_kb->body()));
}

TEST(WorkRouteTest, RowsAreVaried) {
  const ResponsePtr r = make_app()->handle(get("/work?kb=8"));
  const std::string_view body = r->body();
  std::size_t rows = 0;
  std::set<std::string_view> random_cells, words;
  for (std::size_t at = body.find("<tr>"); at != std::string_view::npos; at = body.find("<tr>", at + 1)) {
    ++rows;
    const std::size_t cell = body.find("</td><td>", at) + 9;  // <tr><td>i</td><td>HEX</td><td>WORD</td></tr>
    random_cells.insert(body.substr(cell, 16));
    const std::size_t word = cell + 16 + 9;
    words.insert(body.substr(word, body.find('<', word) - word));
  }
  EXPECT_GT(rows, 50u);
  EXPECT_EQ(random_cells.size(), rows);
  EXPECT_GT(words.size(), 3u);
}

TEST(WorkRouteTest, BurnsCpuForAboutMsMilliseconds) {
  AppPtr app = make_app();
  const auto wall_start = std::chrono::steady_clock::now();
  const auto cpu_start = thread_cpu_time();
  const ResponsePtr r = app->handle(get("/work?ms=40&kb=0"));
  const auto cpu = thread_cpu_time() - cpu_start;
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  EXPECT_EQ(r->status(), 200);
  EXPECT_GE(wall, std::chrono::milliseconds(40));
  EXPECT_LT(wall, std::chrono::seconds(5));
  // A busy loop, not a sleep. The bound is loose because the machine is shared.
  EXPECT_GE(cpu, std::chrono::milliseconds(10));
}

TEST(WorkRouteTest, OutOfBoundsOrMalformedParametersAre400) {
  AppPtr app = make_app();
  for (const char* uri : {"/work?ms=10001", "/work?ms=-1", "/work?kb=16385", "/work?kb=-5", "/work?ms=abc", "/work?ms=",
                          "/work?kb=1.5", "/work?ms=%2B5", "/work?ms=5ms", "/work?kb=99999999999999999999"}) {
    const ResponsePtr r = app->handle(get(uri));
    EXPECT_EQ(r->status(), 400) << uri;
    EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8") << uri;
  }
  const ResponsePtr r = app->handle(get("/work?ms=20000"));
  EXPECT_NE(r->body().find("'ms'"), std::string_view::npos) << r->body();
  EXPECT_NE(r->body().find("0 to 10000"), std::string_view::npos) << r->body();
  EXPECT_NE(app->handle(get("/work?kb=20000"))->body().find("0 to 16384"), std::string_view::npos);
}

}  // namespace
}  // namespace pscgi::apps::demo
