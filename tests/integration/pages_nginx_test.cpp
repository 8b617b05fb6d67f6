// The pages app in the real server behind real nginx: what a browser gets for pages, folders and
// files, a 304 for a conditional request, an edited page once its cache entry expired, and the way
// out of the root refused whichever spelling gets past nginx.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace pscgi::testing {
namespace {

// cache.ttl 1s without jitter: the freshness test waits for one expiry, not ten seconds.
const char* const pages_config =
    "listen: unix:{socket}\n"
    "socket_mode: \"0666\"\n"
    "workers: { count: 1 }\n"
    "log: { access_log: off }\n"
    "pipeline: [access_log, conditional, cache]\n"
    "cache: { ttl: 1s, ttl_jitter: 0 }\n"
    "app:\n"
    "  type: pages\n"
    "  root: {dir}/site\n"
    "  title: Test site\n";

class PagesNginxTest : public ::testing::Test {
 protected:
  PagesNginxTest() {
    std::filesystem::create_directories(dir.file("site/guide"));
    write_file(dir.file("site/index.md"), "# Front page\n\nRead [the guide](guide/) or [notes](notes.md).\n");
    write_file(dir.file("site/notes.md"), "# Notes\n\n- one\n- two\n");
    write_file(dir.file("site/guide/index.md"), "# The guide\n\n```\ncode\n```\n");
    write_file(dir.file("site/style.css"), "body { color: black; }\n");
    write_file(dir.file("secret.md"), "# Secret\nTOP SECRET\n");
    std::filesystem::create_symlink(dir.file("secret.md"), dir.file("site/escape.md"));
  }

  TempDir dir;
};

TEST_F(PagesNginxTest, PagesFoldersAndFilesReachTheBrowser) {
  Server server(dir, pages_config);
  Nginx nginx(dir, server.socket());

  const Reply front = http_request(nginx.port(), "GET", "/");
  ASSERT_EQ(front.status, 200) << front.raw << nginx.error_log() << server.log();
  EXPECT_EQ(front.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(front.body.find("<title>Front page — Test site</title>"), std::string::npos) << front.body;
  EXPECT_NE(front.body.find("<a href=\"notes.md\">notes</a>"), std::string::npos) << front.body;

  // The link as written in the Markdown, and the pretty name of the navigation.
  for (const char* target : {"/notes.md", "/notes"}) {
    const Reply notes = http_request(nginx.port(), "GET", target);
    EXPECT_EQ(notes.status, 200) << target;
    EXPECT_NE(notes.body.find("<li>one</li>"), std::string::npos) << target;
  }

  const Reply folder = http_request(nginx.port(), "GET", "/guide");
  EXPECT_EQ(folder.status, 301);
  EXPECT_NE(folder.header("Location").value_or("").find("/guide/"), std::string::npos) << folder.raw;
  const Reply guide = http_request(nginx.port(), "GET", "/guide/");
  EXPECT_EQ(guide.status, 200);
  EXPECT_NE(guide.body.find("<title>The guide — Test site</title>"), std::string::npos) << guide.body;

  const Reply css = http_request(nginx.port(), "GET", "/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(css.body, "body { color: black; }\n");

  EXPECT_EQ(http_request(nginx.port(), "GET", "/missing").status, 404);
  EXPECT_EQ(http_request(nginx.port(), "HEAD", "/notes").status, 200);
}

TEST_F(PagesNginxTest, AConditionalRequestGets304) {
  Server server(dir, pages_config);
  Nginx nginx(dir, server.socket());
  const Reply page = http_request(nginx.port(), "GET", "/notes");
  ASSERT_EQ(page.status, 200);
  const std::string etag = page.header("ETag").value_or("");
  const std::string modified = page.header("Last-Modified").value_or("");
  ASSERT_FALSE(etag.empty());
  ASSERT_FALSE(modified.empty());
  const Reply by_etag = http_request(nginx.port(), "GET", "/notes", {{"If-None-Match", etag}});
  EXPECT_EQ(by_etag.status, 304) << by_etag.raw;
  EXPECT_EQ(by_etag.body, "");
  EXPECT_EQ(http_request(nginx.port(), "GET", "/notes", {{"If-Modified-Since", modified}}).status, 304);
}

TEST_F(PagesNginxTest, AnEditedPageIsServedOnceItsCacheEntryExpires) {
  Server server(dir, pages_config);
  Nginx nginx(dir, server.socket());
  ASSERT_NE(http_request(nginx.port(), "GET", "/notes").body.find("<li>one</li>"), std::string::npos);
  write_file(dir.file("site/notes.md"), "# Notes\n\n- three\n");
  // Within the second the cached page is still the answer; after it, the edited one.
  EXPECT_NE(http_request(nginx.port(), "GET", "/notes").body.find("<li>one</li>"), std::string::npos);
  const bool fresh = wait_until(
      [&] { return http_request(nginx.port(), "GET", "/notes").body.find("<li>three</li>") != std::string::npos; },
      5s, 100ms);
  EXPECT_TRUE(fresh) << server.log();
}

TEST_F(PagesNginxTest, NothingOutsideTheRootCanBeRead) {
  Server server(dir, pages_config);
  Nginx nginx(dir, server.socket());
  // nginx answers some of these itself (400 for a path above its root); the rest reach pscgi.
  for (const char* target : {"/../secret.md", "/%2e%2e/secret.md", "/guide/..%2f..%2fsecret.md", "/%2fetc%2fpasswd",
                             "/..%5csecret.md", "/secret.md%00.png", "/escape.md", "/escape", "/.hidden"}) {
    SCOPED_TRACE(target);
    const Reply reply = http_request(nginx.port(), "GET", target);
    EXPECT_TRUE(reply.status == 400 || reply.status == 404) << reply.raw;
    EXPECT_EQ(reply.body.find("SECRET"), std::string::npos);
    EXPECT_EQ(reply.body.find("root:"), std::string::npos);
  }
  // nginx itself refuses "..", %2e%2e and %00 in a path; what it passes on, the app refuses, with a
  // line each in the error log.
  for (const char* line : {"pages: refused /%2fetc%2fpasswd: an encoded slash",
                           "pages: refused /..%5csecret.md: an encoded backslash",
                           "pages: refused /escape.md: a symlink on the way leads out of the site's root",
                           "pages: refused /escape: a symlink on the way leads out of the site's root",
                           "pages: refused /.hidden: a hidden name"}) {
    EXPECT_TRUE(server.wait_for_log(line, 5s)) << line << "\n" << server.log();
  }
}

}  // namespace
}  // namespace pscgi::testing
