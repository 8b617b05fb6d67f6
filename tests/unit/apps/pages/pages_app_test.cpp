#include "apps/pages/pages_app.hpp"

#include "apps/pages/site_responses.hpp"
#include "cache/http_date.hpp"
#include "unit/apps/pages/site_fixture.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace pscgi::apps::pages {
namespace {

using test_support::captured_log;
using test_support::request_for;
using test_support::TempSite;

bool contains(std::string_view text, std::string_view piece) { return text.find(piece) != std::string_view::npos; }

class PagesAppTest : public ::testing::Test {
 protected:
  PagesAppTest() {
    site.write("index.md", "# Welcome\n\nSee [the guide](guide/) and [alpha](alpha.md).\n");
    site.write("alpha.md", "Intro\n\n## Alpha page\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    site.write("untitled.md", "no heading here\n");
    site.write("guide/index.md", "# The guide\n");
    site.write("guide/deep/page.md", "# Deep page\n");
    site.write("empty/readme.txt", "text\n");
    site.write("logo.png", std::string("\x89PNG\r\n\x1a\n", 8));
    site.write("tool.bin", "bin");
    TempSite::write_at(site.outside("secret.md"), "# Secret\nTOP SECRET\n");
  }

  PagesApp& app() {
    if (!app_) app_ = std::make_unique<PagesApp>(options);
    return *app_;
  }
  ResponsePtr get(const std::string& uri, const std::string& method = "GET") { return app().handle(request_for(uri, method)); }

  TempSite site;
  PagesOptions options = site.options();

 private:
  std::unique_ptr<PagesApp> app_;
};

TEST_F(PagesAppTest, RendersAPageInTheTemplate) {
  options.title = "Docs";
  const ResponsePtr page = get("/alpha");
  ASSERT_EQ(page->status(), 200);
  EXPECT_EQ(page->header("Content-Type"), "text/html; charset=utf-8");
  const std::string_view body = page->body();
  EXPECT_TRUE(body.starts_with("<!DOCTYPE html>")) << body;
  EXPECT_TRUE(contains(body, "<title>Alpha page — Docs</title>")) << body;
  EXPECT_TRUE(contains(body, "<h2 id=\"alpha-page\">Alpha page</h2>")) << body;
  EXPECT_TRUE(contains(body, "<td>1</td>")) << body;
  EXPECT_TRUE(contains(body, "<style>")) << body;
  EXPECT_FALSE(contains(body, "http://")) << "the page must make no outside request";
  EXPECT_FALSE(contains(body, "https://")) << "the page must make no outside request";
}

TEST_F(PagesAppTest, ThePageAndItsMdNameServeTheSameFile) {
  const ResponsePtr pretty = get("/alpha");
  const ResponsePtr with_md = get("/alpha.md");
  ASSERT_EQ(with_md->status(), 200);
  EXPECT_EQ(pretty->body(), with_md->body());
}

TEST_F(PagesAppTest, TheTitleIsTheFirstHeadingElseTheFileName) {
  EXPECT_TRUE(contains(get("/guide/deep/page")->body(), "<title>Deep page</title>"));
  EXPECT_TRUE(contains(get("/untitled")->body(), "<title>untitled</title>"));
}

TEST_F(PagesAppTest, APageShowsItsFolderAndThePathBackUp) {
  const ResponsePtr page = get("/guide/deep/page");
  const std::string_view body = page->body();
  EXPECT_TRUE(contains(body, "<a href=\"../../\">Home</a>")) << body;
  EXPECT_TRUE(contains(body, "<a href=\"../\">guide</a>")) << body;
  EXPECT_TRUE(contains(body, "<li aria-current=\"page\">Deep page</li>")) << body;
  EXPECT_TRUE(contains(body, "<nav class=\"folder\">")) << body;
  EXPECT_TRUE(contains(body, "<a href=\"page\" aria-current=\"page\">page</a>")) << body;
  EXPECT_TRUE(contains(body, "<a href=\"../\">↑ guide</a>")) << body;
}

TEST_F(PagesAppTest, LastModifiedAndETagComeFromTheFiles) {
  site.set_mtime("alpha.md", 1700000000);
  site.set_mtime("", 1600000000);  // the folder is older: the page's time wins
  ResponsePtr page = get("/alpha");
  EXPECT_EQ(page->header("Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(page->header("ETag"), strong_etag(page->body()));

  site.set_mtime("", 1800000000);  // a page added beside it changes the navigation
  page = get("/alpha");
  EXPECT_EQ(page->header("Last-Modified"), cache::format_http_date(WallClock::from_time_t(1800000000)));

  site.set_mtime("logo.png", 1500000000);
  const ResponsePtr logo = get("/logo.png");
  EXPECT_EQ(logo->header("Last-Modified"), cache::format_http_date(WallClock::from_time_t(1500000000)));
  EXPECT_EQ(logo->header("ETag"), strong_etag(logo->body()));
}

TEST_F(PagesAppTest, TheETagFollowsTheContent) {
  const std::string before(*get("/alpha")->header("ETag"));
  EXPECT_EQ(get("/alpha")->header("ETag"), before);
  site.write("alpha.md", "# Changed\n");
  EXPECT_NE(get("/alpha")->header("ETag"), before);
}

TEST_F(PagesAppTest, AFolderServesItsIndex) {
  const ResponsePtr root = get("/");
  ASSERT_EQ(root->status(), 200);
  EXPECT_TRUE(contains(root->body(), "<title>Welcome</title>"));
  EXPECT_TRUE(contains(root->body(), "<li aria-current=\"page\">Home</li>"));
  const ResponsePtr guide = get("/guide/");
  ASSERT_EQ(guide->status(), 200);
  EXPECT_TRUE(contains(guide->body(), "<title>The guide</title>"));
}

TEST_F(PagesAppTest, AFolderWithoutItsSlashIsRedirected) {
  const ResponsePtr redirect = get("/guide?x=1");
  EXPECT_EQ(redirect->status(), 301);
  EXPECT_EQ(redirect->header("Location"), "/guide/?x=1");
  EXPECT_EQ(get("/guide/deep")->header("Location"), "/guide/deep/");
}

TEST_F(PagesAppTest, AFolderWithoutAnIndexIsListed) {
  const ResponsePtr listing = get("/empty/");
  ASSERT_EQ(listing->status(), 200);
  EXPECT_TRUE(contains(listing->body(), "<title>Index of /empty/</title>"));
  EXPECT_TRUE(contains(listing->body(), "<a href=\"readme.txt\">readme.txt</a>"));
  EXPECT_TRUE(get("/guide/deep/")->body().find("<a href=\"page\">page</a>") != std::string_view::npos);
}

TEST_F(PagesAppTest, ListingFalseMakesFoldersWithoutAnIndex404) {
  options.listing = false;
  EXPECT_EQ(get("/empty/")->status(), 404);
  EXPECT_EQ(get("/guide/")->status(), 200);
}

TEST_F(PagesAppTest, TheIndexNameIsAnOption) {
  options.index = "readme.txt";
  const ResponsePtr empty = get("/empty/");
  EXPECT_EQ(empty->status(), 200);
  EXPECT_EQ(empty->body(), "text\n");
  EXPECT_TRUE(contains(get("/guide/")->body(), "Index of /guide/"));  // its index.md is no index now
}

TEST_F(PagesAppTest, OtherFilesAreServedAsTheyAreWithTheirType) {
  const ResponsePtr logo = get("/logo.png");
  ASSERT_EQ(logo->status(), 200);
  EXPECT_EQ(logo->header("Content-Type"), "image/png");
  EXPECT_EQ(logo->body(), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(get("/empty/readme.txt")->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(get("/tool.bin")->header("Content-Type"), "application/octet-stream");
}

TEST_F(PagesAppTest, WhatIsNotThereIs404) {
  for (const char* uri : {"/nope", "/nope.md", "/guide/nope/", "/alpha.md/", "/alpha/", "/logo.png/x"}) {
    EXPECT_EQ(get(uri)->status(), 404) << uri;
  }
}

TEST_F(PagesAppTest, OnlyGetAndHeadAreAllowed) {
  EXPECT_EQ(get("/alpha", "HEAD")->status(), 200);
  const ResponsePtr post = get("/alpha", "POST");
  EXPECT_EQ(post->status(), 405);
  EXPECT_EQ(post->header("Allow"), "GET, HEAD");
}

TEST_F(PagesAppTest, EveryWayOutOfTheRootIsRefusedWithALogLine) {
  site.symlink(site.outside("secret.md"), "escape.md");
  site.symlink("..", "up");
  site.symlink("/etc", "etc");
  const std::vector<std::pair<std::string, int>> attempts = {
      {"/../secret.md", 400},        {"/guide/../../secret.md", 400}, {"/%2e%2e/secret.md", 400},
      {"/%2E%2E/secret", 400},       {"/.%2e/secret.md", 400},        {"/..%2fsecret.md", 400},
      {"/guide%2f..%2f..%2fsecret.md", 400}, {"/%2fetc%2fpasswd", 400}, {"/..\\secret.md", 400},
      {"/%5c..%5csecret.md", 400},   {"/secret.md%00.png", 400},      {"//etc/passwd", 400},
      {"etc/passwd", 400},           {"/escape.md", 404},             {"/escape", 404},
      {"/up/secret.md", 404},        {"/etc/passwd", 404},            {"/.hidden", 404}};
  for (const auto& [uri, status] : attempts) {
    SCOPED_TRACE(uri);
    ResponsePtr response;
    const std::string log = captured_log([&] { response = get(uri); });
    EXPECT_EQ(response->status(), status);
    EXPECT_FALSE(contains(response->body(), "SECRET"));
    EXPECT_FALSE(contains(response->body(), "root:"));
    EXPECT_TRUE(contains(log, "pages: refused")) << log;
  }
}

TEST_F(PagesAppTest, AFifoIsRefusedWithoutHanging) {
  ASSERT_EQ(::mkfifo(site.path("pipe.md").c_str(), 0644), 0);
  ResponsePtr response;
  const std::string log = captured_log([&] { response = get("/pipe"); });
  EXPECT_EQ(response->status(), 404);
  EXPECT_TRUE(contains(log, "not a regular file")) << log;
}

TEST_F(PagesAppTest, WithoutOpenat2NoSymlinkIsFollowed) {
  site.symlink("alpha.md", "alias.md");
  PagesApp strict(site.options(), Containment::no_symlinks);
  EXPECT_EQ(strict.handle(request_for("/alias"))->status(), 404);
  EXPECT_EQ(strict.handle(request_for("/alpha"))->status(), 200);
  PagesApp beneath(site.options(), Containment::beneath);
  EXPECT_EQ(beneath.handle(request_for("/alias"))->status(), 200);
}

}  // namespace
}  // namespace pscgi::apps::pages
