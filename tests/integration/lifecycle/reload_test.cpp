// SIGHUP: a new generation replaces the old one under continuous load through nginx, with the app's
// new settings, and no request fails; a broken config file changes nothing and says why.

#include "lifecycle_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <thread>

namespace pscgi::testing {
namespace {

bool shares_a_pid(const std::vector<WorkerProcess>& a, const std::vector<WorkerProcess>& b) {
  return std::any_of(a.begin(), a.end(), [&](const WorkerProcess& x) {
    return std::any_of(b.begin(), b.end(), [&](const WorkerProcess& y) { return x.pid == y.pid; });
  });
}

// Every reply must be a whole /hello page from one generation or the other, never an error.
LoadGenerator::Check hello_with_either(std::string first, std::string second) {
  return [first = std::move(first), second = std::move(second)](const Reply& reply) -> std::string {
    if (std::string why = expect_status(200)(reply); !why.empty()) return why;
    const std::string greeting = greeting_in(reply);
    if (greeting != first && greeting != second) return "a page greeting with '" + greeting + "'";
    return {};
  };
}

TEST(ReloadTest, UnderLoadThroughNginxNoRequestFailsAndTheNewSettingShows) {
  TempDir dir;
  Server server(dir, lifecycle_config("{ count: 2 }", "{ type: demo, greeting: Alpha }"));
  Nginx nginx(dir, server.socket());
  const WorkersSeen first = wait_for_workers(server.pid(), exactly_serving(2, 1), 15s);
  ASSERT_TRUE(first.ok) << describe(first.last) << "\n" << server.log();
  EXPECT_EQ(greeting_in(http_request(nginx.port(), "GET", "/hello")), "Alpha");

  LoadGenerator load({.clients = 4, .pause = 1ms}, http_get(nginx.port(), "/hello"), hello_with_either("Alpha", "Bravo"));
  ASSERT_TRUE(load.wait_successes(100, 20s)) << load.failure_report();
  server.write_config(lifecycle_config("{ count: 2 }", "{ type: demo, greeting: Bravo }"));
  server.signal(SIGHUP);
  // Generation 1 is gone once the master's only children are two serving workers of generation 2.
  const WorkersSeen second = wait_for_workers(server.pid(), exactly_serving(2, 2), 30s);
  // The load goes on a while with the new generation alone (at least 300 more answers, and 1 s).
  const long after_reload = load.successes();
  std::this_thread::sleep_for(1s);
  const bool kept_serving = load.wait_successes(after_reload + 300, 20s);
  load.stop();

  std::cout << "[ load     ] " << after_reload << " answers until generation 2 took over, " << load.successes()
            << " in all\n";
  ASSERT_TRUE(second.ok) << "workers now: " << describe(second.last) << "\n" << server.log();
  EXPECT_TRUE(kept_serving) << load.failure_report();
  EXPECT_EQ(load.failures(), 0) << load.failure_report() << "\nnginx: " << nginx.error_log() << "\n" << server.log();
  EXPECT_FALSE(shares_a_pid(first.last, second.last)) << describe(first.last) << " / " << describe(second.last);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(greeting_in(http_request(nginx.port(), "GET", "/hello")), "Bravo");
  EXPECT_EQ(master_generation(server.pid()), 2) << process_title(server.pid());
  EXPECT_NE(server.log().find("SIGHUP: reloaded " + server.config_path() + "; generation 2 starts 2 worker(s)"),
            std::string::npos)
      << server.log();
  EXPECT_TRUE(wait_until([&] { return count_occurrences(server.log(), "exited: reload") == 2; }, 10s))
      << lines_with(server.log(), "exited:");
}

TEST(ReloadTest, ABrokenConfigKeepsTheOldWorkersAndNamesTheLineAndKey) {
  TempDir dir;
  const std::string good = lifecycle_config("{ count: 2 }");
  Server server(dir, good);
  const WorkersSeen before = wait_for_workers(server.pid(), exactly_serving(2, 1), 15s);
  ASSERT_TRUE(before.ok) << describe(before.last) << "\n" << server.log();

  server.write_config(lifecycle_config("{ count: many }"));
  server.signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("SIGHUP: cannot reload: ")) << server.log();
  const std::string refusal = lines_with(server.log(), "SIGHUP: cannot reload: ");
  EXPECT_NE(refusal.find(server.config_path() + ":" + std::to_string(workers_line) + ":"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("workers.count"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("keeping generation 1"), std::string::npos) << refusal;

  for (int i = 0; i < 20; ++i) EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  const std::vector<WorkerProcess> after = list_workers(server.pid());
  EXPECT_TRUE(exactly_serving(2, 1)(after)) << describe(after);
  ASSERT_EQ(after.size(), before.last.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].pid, before.last[i].pid) << describe(after);
  EXPECT_EQ(master_generation(server.pid()), 1);

  // The master still reloads once the file is right again.
  server.write_config(good);
  server.signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("SIGHUP: reloaded ")) << server.log();
  const WorkersSeen renewed = wait_for_workers(
      server.pid(),
      [&](const std::vector<WorkerProcess>& workers) {
        return exactly_serving(2)(workers) && !shares_a_pid(workers, before.last) &&
               workers.front().worker->generation == workers.back().worker->generation;
      },
      30s);
  ASSERT_TRUE(renewed.ok) << describe(renewed.last) << "\n" << server.log();
  EXPECT_GT(renewed.last.front().worker->generation, 1);
  EXPECT_EQ(master_generation(server.pid()), renewed.last.front().worker->generation);
  EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200);
}

}  // namespace
}  // namespace pscgi::testing
