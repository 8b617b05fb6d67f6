// The pages app behind the server's own conditional and cache stages, with time faked through the
// exchange's accepted_at: 304s for a browser's conditional requests, and a file edited on disk served
// fresh once its cache entry has expired (cache.ttl, since the app names no lifetime).

#include "apps/pages/pages_app.hpp"

#include "cache/cache_stage.hpp"
#include "cache/conditional_stage.hpp"
#include "unit/apps/pages/site_fixture.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>

namespace pscgi::apps::pages {
namespace {

using namespace std::chrono_literals;
using test_support::request_for;
using test_support::TempSite;
using TimePoint = std::chrono::steady_clock::time_point;

const TimePoint t0 = TimePoint{} + std::chrono::hours(1000);

class PagesCacheTest : public ::testing::Test {
 protected:
  PagesCacheTest() {
    site.write("index.md", "# Home\n");
    site.write("page.md", "# First version\n");
    config::CacheSettings settings;
    settings.ttl = 10s;
    settings.ttl_jitter = 0;
    pipeline.append(cache::make_conditional_stage());
    pipeline.append(std::make_unique<cache::CacheStage>(settings, config::WorkerSettings{}, nullptr));
    pipeline.append(make_app_stage(std::make_unique<PagesApp>(site.options())));
  }

  ResponsePtr get(const std::string& uri, TimePoint at, std::vector<std::pair<std::string, std::string>> extra = {}) {
    const Request request = request_for(uri, "GET", std::move(extra));
    Exchange exchange(request, at);
    pipeline.run(exchange);
    return exchange.response;
  }

  TempSite site;
  Pipeline pipeline;
};

TEST_F(PagesCacheTest, ABrowsersConditionalRequestGets304) {
  const ResponsePtr page = get("/page", t0);
  ASSERT_EQ(page->status(), 200);
  const std::string etag(*page->header("ETag"));
  const std::string modified(*page->header("Last-Modified"));

  const ResponsePtr by_etag = get("/page", t0 + 1s, {{"HTTP_IF_NONE_MATCH", etag}});
  EXPECT_EQ(by_etag->status(), 304);
  EXPECT_EQ(by_etag->body(), "");
  EXPECT_EQ(by_etag->header("ETag"), etag);
  EXPECT_EQ(by_etag->header("Last-Modified"), modified);

  EXPECT_EQ(get("/page", t0 + 1s, {{"HTTP_IF_MODIFIED_SINCE", modified}})->status(), 304);
  EXPECT_EQ(get("/page", t0 + 1s, {{"HTTP_IF_NONE_MATCH", "\"other\""}})->status(), 200);
}

TEST_F(PagesCacheTest, AConditionalRequestThatMissesTheCacheGets304FromTheApp) {
  // Another pipeline's ETag for the same bytes: what a browser remembers from another worker.
  const std::string etag(*PagesApp(site.options()).handle(request_for("/"))->header("ETag"));
  EXPECT_EQ(get("/", t0, {{"HTTP_IF_NONE_MATCH", etag}})->status(), 304);
}

TEST_F(PagesCacheTest, AFileEditedOnDiskIsServedFreshOnceItsEntryExpires) {
  const ResponsePtr first = get("/page", t0);
  EXPECT_NE(first->body().find("First version"), std::string_view::npos);
  site.write("page.md", "# Second version\n");

  const ResponsePtr cached = get("/page", t0 + 9s);
  EXPECT_EQ(cached.get(), first.get()) << "within cache.ttl the stored page is the answer";

  const ResponsePtr fresh = get("/page", t0 + 10s + 1ms);
  EXPECT_NE(fresh->body().find("Second version"), std::string_view::npos) << fresh->body();
  EXPECT_NE(fresh->header("ETag"), first->header("ETag"));
  // The old ETag no longer matches: the browser gets the new page, not a 304.
  EXPECT_EQ(get("/page", t0 + 11s, {{"HTTP_IF_NONE_MATCH", std::string(*first->header("ETag"))}})->status(), 200);
}

TEST_F(PagesCacheTest, ANewPageAppearsOnceTheCached404Expires) {
  EXPECT_EQ(get("/later", t0)->status(), 404);
  site.write("later.md", "# Later\n");
  EXPECT_EQ(get("/later", t0 + 5s)->status(), 404);
  EXPECT_EQ(get("/later", t0 + 11s)->status(), 200);
}

}  // namespace
}  // namespace pscgi::apps::pages
