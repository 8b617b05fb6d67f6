// The README's main job, seen by a real browser: pscgi serves this checkout's docs/ with the pages
// app behind nginx, Debian's chromium loads the front page headless and prints its DOM, the page's
// <title> is its first heading, and a link of the site's navigation, followed, loads its page.
// chromium is installed by `scripts/install-deps.sh --browser` (scripts/test.sh asks for it); a
// machine without it fails this test, with that said.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace pscgi::testing {
namespace {

const std::string chromium_path = "/usr/bin/chromium";

// No site title, so a page's <title> is exactly its first heading.
std::string docs_site_config() {
  return std::string("listen: unix:{socket}\nsocket_mode: \"0666\"\nworkers: { count: 2 }\nlog: { access_log: off }\n"
                     "pipeline: [access_log, conditional, cache]\napp:\n  type: pages\n  root: '") +
         PSCGI_DOCS_DIR + "'\n";
}

struct BrowserRun {
  bool finished = false;  ///< it exited within the deadline
  int status = -1;        ///< its exit status
  std::string dom;        ///< what --dump-dom printed
  std::string log;        ///< its stderr
};

[[noreturn]] void exec_chromium(const TempDir& dir, const std::string& url, const std::string& out, const std::string& err) {
  ::setpgid(0, 0);  // one group for the browser and its helpers, to end them all by one id
  const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(126);
  // Its profile, caches and crash reports go to the test's directory, not to the user's home.
  ::setenv("HOME", dir.path().c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", dir.file("config").c_str(), 1);
  ::setenv("XDG_CACHE_HOME", dir.file("cache").c_str(), 1);
  const std::string profile = "--user-data-dir=" + dir.file("chromium-profile");
  // --no-sandbox: chromium refuses to start as root with its sandbox on.
  ::execl(chromium_path.c_str(), "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--no-first-run", "--no-default-browser-check", profile.c_str(), "--dump-dom", url.c_str(),
          static_cast<char*>(nullptr));
  ::_exit(127);
}

// Runs chromium --dump-dom on `url`, within `deadline`; whatever is left of it then is killed.
BrowserRun dump_dom(const TempDir& dir, const std::string& url, std::chrono::milliseconds deadline = 45s) {
  const std::string out = dir.file("dom.html");
  const std::string err = dir.file("chromium.log");
  const pid_t pid = ::fork();
  if (pid == 0) exec_chromium(dir, url, out, err);
  ::setpgid(pid, pid);  // also here: whichever of parent and child runs first
  BrowserRun run;
  int status = 0;
  run.finished = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, deadline, 50ms);
  ::kill(-pid, SIGKILL);  // the helpers of a browser that exited, or all of one that hung
  if (!run.finished) ::waitpid(pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.dom = read_file(out);
  run.log = read_file(err);
  return run;
}

// The text between `open` (from its closing '>') and `close`, tags removed; "" when absent.
std::string element_text(const std::string& html, const std::string& open, const std::string& close) {
  const std::size_t start = html.find(open);
  if (start == std::string::npos) return "";
  const std::size_t content = html.find('>', start);
  const std::size_t end = html.find(close, content);
  if (content == std::string::npos || end == std::string::npos) return "";
  std::string text;
  bool in_tag = false;
  for (char c : html.substr(content + 1, end - content - 1)) {
    if (c == '<') in_tag = true;
    if (!in_tag) text.push_back(c);
    if (c == '>') in_tag = false;
  }
  return text;
}

// The first link of the site's navigation to a page of the same folder (not "./", not a folder).
std::string first_page_link(const std::string& dom) {
  const std::size_t nav = dom.find("<nav class=\"folder\">");
  const std::size_t nav_end = dom.find("</nav>", nav);
  if (nav == std::string::npos || nav_end == std::string::npos) return "";
  const std::string links = dom.substr(nav, nav_end - nav);
  for (std::size_t at = links.find("href=\""); at != std::string::npos; at = links.find("href=\"", at + 1)) {
    const std::size_t from = at + 6;
    const std::string href = links.substr(from, links.find('"', from) - from);
    if (!href.empty() && href != "./" && !href.ends_with('/') && !href.starts_with("../")) return href;
  }
  return "";
}

TEST(PagesBrowserTest, TheDocsSiteRendersInABrowserAndItsNavigationWorks) {
  ASSERT_EQ(::access(chromium_path.c_str(), X_OK), 0)
      << chromium_path << " is missing: the browser test needs Debian's chromium. Install it with "
      << "`bash scripts/install-deps.sh --browser` (scripts/test.sh does).";
  TempDir dir;
  Server server(dir, docs_site_config());
  Nginx nginx(dir, server.socket());
  const std::string site = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/";

  const BrowserRun front = dump_dom(dir, site);
  ASSERT_TRUE(front.finished) << "chromium did not finish within 45 s:\n" << front.log;
  ASSERT_EQ(front.status, 0) << front.log;
  const std::string title = element_text(front.dom, "<title", "</title>");
  const std::string heading = element_text(front.dom, "<h1", "</h1>");
  ASSERT_FALSE(heading.empty()) << "no <h1> in the DOM:\n" << front.dom << "\n" << front.log << nginx.error_log();
  EXPECT_EQ(title, heading);
  EXPECT_EQ(heading, "pscgi documentation");  // docs/index.md, rendered
  EXPECT_NE(front.dom.find("<main>"), std::string::npos) << front.dom;

  const std::string link = first_page_link(front.dom);
  ASSERT_FALSE(link.empty()) << "no page link in the site's navigation:\n" << front.dom;
  const BrowserRun followed = dump_dom(dir, site + link);
  ASSERT_TRUE(followed.finished) << "chromium did not finish within 45 s:\n" << followed.log;
  const std::string linked_heading = element_text(followed.dom, "<h1", "</h1>");
  EXPECT_FALSE(linked_heading.empty()) << site + link << " has no <h1>:\n" << followed.dom;
  EXPECT_NE(linked_heading, heading) << "the link led back to the front page";
  EXPECT_EQ(element_text(followed.dom, "<title", "</title>"), linked_heading);
  EXPECT_NE(followed.dom.find("href=\"" + link + "\" aria-current=\"page\""), std::string::npos)
      << "the navigation does not mark " << link << " as the current page:\n" << followed.dom;
}

}  // namespace
}  // namespace pscgi::testing
