// SIGHUP and the listening sockets, with the real binary: an address the new config still lists
// keeps its socket; a new address is listened on at once; an address the new config drops keeps
// serving the old generation and is closed — in every process, workers of the new generation
// included — once the old generation is gone.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <thread>

namespace pscgi::testing {
namespace {

std::string config(const std::string& socket_path, int workers) {
  return "listen: unix:" + socket_path + "\n"
         "workers: { count: " + std::to_string(workers) + ", graceful_timeout: 10s }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "pipeline: []\n"
         "app: { type: demo }\n";
}

// Polls `done` until it holds or `limit` passes (what is awaited is another process's doing).
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// True while some process still has a unix socket bound to `path` (/proc/net/unix lists every
// socket the kernel holds, with the path it is bound to, whoever holds it).
bool kernel_holds_socket(const std::string& path) {
  std::ifstream in("/proc/net/unix");
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0) return true;
  }
  return false;
}

std::string cmdline(pid_t pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  while (!text.empty() && text.back() == '\0') text.pop_back();
  return text;
}

ino_t inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

void reload_with(Server& server, const TempDir& dir, const std::string& config_text) {
  write_file(dir.file("pscgi.yaml"), config_text);
  server.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return server.log().find("SIGHUP: reloaded") != std::string::npos; })) << server.log();
}

TEST(ReloadListenTest, ANewAddressIsServedAtOnceAndTheOldOneClosedOnceItsGenerationIsGone) {
  TempDir dir;
  const std::string old_socket = dir.file("pscgi.sock");
  const std::string new_socket = dir.file("new.sock");
  Server server(dir, config(old_socket, 2));
  ASSERT_EQ(scgi_get(old_socket, "/hello").status, 200);
  const std::vector<pid_t> old_workers = server.worker_pids();
  ASSERT_EQ(old_workers.size(), 2u);

  reload_with(server, dir, config(new_socket, 3));
  ASSERT_TRUE(eventually([&] { return scgi_get(new_socket, "/hello").status == 200; })) << server.log();
  EXPECT_NE(server.log().find("generation 2 starts 3 worker(s)"), std::string::npos) << server.log();

  // The old generation is retired; then its socket goes, from every process.
  ASSERT_TRUE(wait_processes_gone(old_workers)) << server.log();
  EXPECT_TRUE(eventually([&] { return !kernel_holds_socket(old_socket); })) << server.log();
  EXPECT_FALSE(std::ifstream(old_socket).good());
  EXPECT_EQ(connect_unix(old_socket), -1);

  const Reply after = scgi_get(new_socket, "/hello");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(cmdline(server.pid()), "pscgi: master (gen 2)");
  for (pid_t worker : server.worker_pids()) EXPECT_NE(cmdline(worker).find("(gen 2)"), std::string::npos) << cmdline(worker);

  server.stop();
  EXPECT_FALSE(kernel_holds_socket(new_socket));
  EXPECT_FALSE(std::ifstream(new_socket).good());
}

TEST(ReloadListenTest, AnAddressStillListedKeepsItsSocket) {
  TempDir dir;
  const std::string socket = dir.file("pscgi.sock");
  Server server(dir, config(socket, 2));
  const ino_t before = inode_of(socket);
  ASSERT_NE(before, 0u);
  const std::vector<pid_t> old_workers = server.worker_pids();

  reload_with(server, dir, config(socket, 1));
  ASSERT_TRUE(wait_processes_gone(old_workers)) << server.log();
  EXPECT_EQ(inode_of(socket), before);
  EXPECT_TRUE(kernel_holds_socket(socket));
  EXPECT_EQ(scgi_get(socket, "/hello").status, 200);
}

}  // namespace
}  // namespace pscgi::testing
