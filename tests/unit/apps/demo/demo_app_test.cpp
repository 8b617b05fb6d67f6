#include "apps/demo/demo_app.hpp"

#include "unit/apps/demo/demo_test_support.hpp"

#include <pscgi/pipeline.hpp>

#include "config/config.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace pscgi::apps::demo {
namespace {

using testing::get;
using testing::make_app;
using testing::nginx_request;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The number /hello shows in <strong id="renders">N</strong>.
long renders_shown(const ResponsePtr& response) {
  std::match_results<std::string_view::const_iterator> match;
  const std::string_view body = response->body();
  const std::regex pattern("id=\"renders\">([0-9]+)<");
  if (!std::regex_search(body.begin(), body.end(), match, pattern)) return -1;
  return std::stol(match[1].str());
}

TEST(DemoAppTest, IndexLinksEveryRouteWithEscapedExamples) {
  const ResponsePtr r = make_app()->handle(get("/"));
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->header("Content-Type"), "text/html; charset=utf-8");
  for (const char* path : {"/hello", "/work", "/echo", "/respond"}) {
    EXPECT_TRUE(contains(r->body(), std::string("href=\"") + path)) << path;
  }
  EXPECT_TRUE(contains(r->body(), "href=\"/work?ms=50&amp;kb=64\""));
  EXPECT_FALSE(contains(r->body(), "ms=50&kb"));
}

TEST(DemoAppTest, HelloShowsThePidAndCountsRenders) {
  AppPtr app = make_app();
  const std::string pid = ">" + std::to_string(getpid()) + "<";
  for (long expected = 1; expected <= 3; ++expected) {
    const ResponsePtr r = app->handle(get("/hello"));
    EXPECT_EQ(r->status(), 200);
    EXPECT_TRUE(contains(r->body(), pid)) << r->body();
    EXPECT_EQ(renders_shown(r), expected);
  }
}

TEST(DemoAppTest, TheCounterCountsEveryRenderOfThisAppOnly) {
  AppPtr app = make_app();
  app->handle(get("/work"));
  app->handle(get("/nowhere"));
  EXPECT_EQ(renders_shown(app->handle(get("/hello"))), 3);
  EXPECT_EQ(renders_shown(make_app()->handle(get("/hello"))), 1);
}

TEST(DemoAppTest, WorkerStartResetsTheCounterAndShowsTheSlot) {
  AppPtr app = make_app();
  app->handle(get("/hello"));
  app->on_worker_start(WorkerInfo{getpid(), 7});
  const ResponsePtr r = app->handle(get("/hello"));
  EXPECT_EQ(renders_shown(r), 1);
  EXPECT_TRUE(contains(r->body(), "(slot 7)"));
}

TEST(DemoAppTest, HelloIsCacheable) {
  const ResponsePtr r = make_app()->handle(get("/hello"));
  EXPECT_EQ(r->cache_policy(), CachePolicy::automatic);
  EXPECT_FALSE(r->header("Cache-Control"));
  EXPECT_FALSE(r->header("Set-Cookie"));
}

TEST(DemoAppTest, EveryResponseHasContentLengthAndContentType) {
  AppPtr app = make_app();
  for (const char* uri : {"/", "/hello", "/work?kb=2", "/work?ms=x", "/echo", "/respond?body=x",
                          "/respond?status=418", "/respond?status=1000", "/missing"}) {
    const ResponsePtr r = app->handle(get(uri));
    EXPECT_TRUE(r->header("Content-Type")) << uri;
    EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body().size())) << uri;
  }
}

TEST(DemoAppTest, HeadAndPostAreAnsweredLikeGet) {
  AppPtr app = make_app();
  const ResponsePtr as_get = app->handle(get("/work?kb=3"));
  for (const char* method : {"HEAD", "POST"}) {
    const ResponsePtr r = app->handle(nginx_request(method, "/work?kb=3"));
    EXPECT_EQ(r->wire(), as_get->wire()) << method;
  }
}

TEST(DemoAppTest, UnknownPathsAre404) {
  AppPtr app = make_app();
  for (const char* uri : {"/nope", "/hello/", "/HELLO", "/work/more", "/index.html"}) {
    const ResponsePtr r = app->handle(get(uri));
    EXPECT_EQ(r->status(), 404) << uri;
    EXPECT_EQ(r->header("Content-Type"), "text/html; charset=utf-8") << uri;
  }
}

TEST(DemoAppTest, The404PageEscapesThePath) {
  const ResponsePtr r = make_app()->handle(get("/%3Cscript%3Ealert(%22x%22)%3C/script%3E"));
  EXPECT_EQ(r->status(), 404);
  EXPECT_FALSE(contains(r->body(), "<script>"));
  EXPECT_TRUE(contains(r->body(), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")) << r->body();
}

TEST(DemoAppTest, RoutesByRequestUriWhenThereIsNoDocumentUri) {
  const Request request = Request::from_variables(
      {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/work?kb=2"}, {"QUERY_STRING", "kb=2"}});
  const ResponsePtr r = make_app()->handle(request);
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->body().size(), 2048u);
}

TEST(DemoAppTest, BadParametersAre400InPlainText) {
  const ResponsePtr r = make_app()->handle(get("/work?ms=%3Cb%3E"));
  EXPECT_EQ(r->status(), 400);
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(contains(r->body(), "/work: bad parameter 'ms'")) << r->body();
  EXPECT_FALSE(contains(r->body(), "<b>"));
}

TEST(DemoAppTest, AnExceptionBecomesA500InThePipeline) {
  Pipeline pipeline;
  pipeline.append(make_app_stage(make_app()));
  const Request request = get("/respond?raise=1");
  Exchange exchange(request);
  pipeline.run(exchange);
  ASSERT_TRUE(exchange.response);
  EXPECT_EQ(exchange.response->status(), 500);
}

TEST(DemoAppTest, FactoryRejectsAnUnknownOptionNamingIt) {
  try {
    make_demo_app(AppSettings{"demo", {{"greeting", "Hi"}, {"size", "3"}}});
    FAIL() << "an unknown option was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "app.size")) << e.what();
  }
  EXPECT_NE(make_demo_app(AppSettings{"demo", {}}), nullptr);
}

TEST(DemoAppTest, HelloGreetsWithHelloByDefault) {
  const ResponsePtr r = make_app()->handle(get("/hello"));
  EXPECT_TRUE(contains(r->body(), "<span id=\"greeting\">Hello</span> from worker pid")) << r->body();
}

TEST(DemoAppTest, HelloGreetsWithTheConfiguredGreetingEscaped) {
  AppPtr app = make_demo_app(AppSettings{"demo", {{"greeting", "Bonjour <&>"}}});
  const ResponsePtr r = app->handle(get("/hello"));
  EXPECT_EQ(r->status(), 200);
  EXPECT_TRUE(contains(r->body(), "<span id=\"greeting\">Bonjour &lt;&amp;&gt;</span> from worker pid")) << r->body();
  EXPECT_FALSE(contains(r->body(), ">Hello</span>"));
}

TEST(DemoAppTest, AnEmptyGreetingIsRefused) {
  try {
    make_demo_app(AppSettings{"demo", {{"greeting", ""}}});
    FAIL() << "an empty greeting was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "app.greeting")) << e.what();
  }
}

// The factory reads the settings the config loader made, so its errors carry the file and line.
TEST(DemoAppTest, OptionErrorsNameTheFileAndLine) {
  const auto error_for = [](const std::string& options) -> std::string {
    const config::Config config = config::load_config_text("app:\n  type: demo\n" + options, "site.yaml");
    try {
      make_demo_app(config.app);
    } catch (const AppSettingError& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(error_for("  greeting: \"\"\n"), "site.yaml:3: app.greeting: must not be empty");
  EXPECT_EQ(error_for("  greeting: Hi\n  colour: blue\n"), "site.yaml:4: app.colour: unknown option");
  EXPECT_EQ(error_for("  greeting: [Hi, Ho]\n"), "site.yaml:3: app.greeting: expected a single value, got a list");
  EXPECT_EQ(error_for("  greeting: Hi\n"), "(no error)");
}

}  // namespace
}  // namespace pscgi::apps::demo
