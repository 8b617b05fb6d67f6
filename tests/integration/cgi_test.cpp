// The CGI gateway in the real binary: a script per request over SCGI, the cache in front of it
// (a script that says Cache-Control is run once, one that does not is run every time), and a
// hanging script that costs a 504 but neither the worker nor a zombie.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fstream>
#include <sys/stat.h>

namespace pscgi::testing {
namespace {

std::string cgi_config(const std::string& app_extra = "") {
  return "listen: unix:{socket}\n"
         "workers: { count: 1, max_requests: 0 }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "pipeline: [conditional, cache]\n"
         "cache: { debug_headers: true, ttl_jitter: 0 }\n"
         "app:\n"
         "  type: cgi\n"
         "  root: {dir}/cgi-bin\n"
         "  timeout: 1s\n"
         "  env: [PATH]\n" +
         app_extra;
}

void write_script(const TempDir& dir, const std::string& name, const std::string& text) {
  ::mkdir(dir.file("cgi-bin").c_str(), 0755);
  const std::string path = dir.file("cgi-bin/" + name);
  write_file(path, text);
  ::chmod(path.c_str(), 0755);
}

// A script that counts its runs in a file beside it and prints the count.
std::string counting_script(const std::string& extra_header) {
  return "#!/bin/sh\n"
         "echo run >> \"$0.runs\"\n"
         "printf 'Content-Type: text/plain\\n" + extra_header + "\\n'\n"
         "echo \"path=$PATH_INFO query=$QUERY_STRING runs=$(wc -l < \"$0.runs\")\"\n";
}

// The children of a process that are zombies (state Z), from /proc.
int zombie_children(pid_t parent) {
  int zombies = 0;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = proc ? ::readdir(proc) : nullptr) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;  // not a process
    std::ifstream stat(std::string("/proc/") + entry->d_name + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos || paren + 4 >= text.size()) continue;
    const char state = text[paren + 2];
    const pid_t ppid = static_cast<pid_t>(std::atoi(text.c_str() + paren + 4));
    if (ppid == parent && state == 'Z') ++zombies;
  }
  if (proc) ::closedir(proc);
  return zombies;
}

TEST(CgiTest, RunsAScriptWithItsPathAndBody) {
  TempDir dir;
  write_script(dir, "hello.cgi", counting_script(""));
  write_script(dir, "post.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho \"$REQUEST_METHOD\"\ncat\n");
  Server server(dir, cgi_config());
  const Reply hello = scgi_get(server.socket(), "/hello.cgi/a%20b?x=1");
  ASSERT_EQ(hello.status, 200) << hello.raw << server.log();
  EXPECT_EQ(hello.body, "path=/a b query=x=1 runs=1\n");
  const Reply posted = scgi_exchange(server.socket(), scgi_request("POST", "/post.cgi", {}, "the body"));
  ASSERT_EQ(posted.status, 200) << posted.raw;
  EXPECT_EQ(posted.body, "POST\nthe body");
  EXPECT_EQ(scgi_get(server.socket(), "/../etc/passwd").status, 404);
  EXPECT_TRUE(server.wait_for_log("refused path"));
}

TEST(CgiTest, TheCacheRunsACacheableScriptOnceAndAnUncacheableOneEveryTime) {
  TempDir dir;
  write_script(dir, "cached.cgi", counting_script("Cache-Control: max-age=60\\n"));
  write_script(dir, "fresh.cgi", counting_script(""));
  Server server(dir, cgi_config());
  for (int i = 0; i < 3; ++i) {
    const Reply cached = scgi_get(server.socket(), "/cached.cgi");
    ASSERT_EQ(cached.status, 200) << cached.raw;
    EXPECT_EQ(cached.body, "path= query= runs=1\n") << "request " << i;
    const Reply fresh = scgi_get(server.socket(), "/fresh.cgi");
    ASSERT_EQ(fresh.status, 200) << fresh.raw;
    EXPECT_EQ(fresh.body, "path= query= runs=" + std::to_string(i + 1) + "\n");
    EXPECT_EQ(fresh.header("Cache-Status").value_or("").find("hit"), std::string::npos);
  }
}

TEST(CgiTest, AHangingScriptIs504AndTheWorkerGoesOn) {
  TempDir dir;
  write_script(dir, "hang.cgi", "#!/bin/sh\nsleep 30 &\nsleep 30\n");
  write_script(dir, "hello.cgi", counting_script(""));
  write_script(dir, "junk.cgi", "#!/bin/sh\necho garbage\n");
  Server server(dir, cgi_config());
  const std::vector<pid_t> workers = server.worker_pids();
  ASSERT_EQ(workers.size(), 1u);
  const Reply hung = scgi_get(server.socket(), "/hang.cgi");
  EXPECT_EQ(hung.status, 504) << hung.raw;
  EXPECT_TRUE(server.wait_for_log("still running after 1000 ms"));
  EXPECT_EQ(scgi_get(server.socket(), "/junk.cgi").status, 502);
  EXPECT_TRUE(server.wait_for_log("invalid output"));
  EXPECT_EQ(scgi_get(server.socket(), "/hello.cgi").status, 200);
  EXPECT_EQ(server.worker_pids(), workers) << "the same worker answered throughout";
  EXPECT_EQ(zombie_children(workers.front()), 0);
}

TEST(CgiTest, ABadOptionStopsTheServerWithTheKeyAndLine) {
  TempDir dir;
  write_file(dir.file("bad.yaml"), "listen: unix:" + dir.file("s.sock") +
                                       "\napp:\n  type: cgi\n  root: " + dir.file("missing") + "\n");
  const auto [status, output] = run_binary({"--check-config", "--config", dir.file("bad.yaml")});
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("bad.yaml:4: app.root:"), std::string::npos) << output;
}

}  // namespace
}  // namespace pscgi::testing
