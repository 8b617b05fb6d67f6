#include "process/generations.hpp"

#include "cache/cache_generation.hpp"
#include "log/logging.hpp"

#include <pscgi/exchange.hpp>
#include <pscgi/response.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

namespace fs = std::filesystem;

// Answers every request with its `greeting` option, so a response shows which config made it.
class GreetingApp final : public App {
 public:
  explicit GreetingApp(std::string greeting) : greeting_(std::move(greeting)) {}
  ResponsePtr handle(const Request&) override { return ResponseBuilder(200).body(greeting_).finish(); }

 private:
  std::string greeting_;
};

bool is_open(int fd) { return fd >= 0 && ::fcntl(fd, F_GETFD) != -1; }

bool accepts_connections(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return connected;
}

// A socket as systemd passes it: bound and listening before pscgi runs.
int listening_unix_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 16) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::size_t open_descriptor_count() {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator{}));
}

std::string greeting_of(Pipeline& pipeline) {
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/"}});
  Exchange exchange(request);
  pipeline.run(exchange);
  return std::string(exchange.response->body());
}

// Real sockets and a real config file in a temp directory; nothing forks. The master's logs go to
// error.log there (the config says so), which the tests read.
struct GenerationsTest : ::testing::Test {
  std::string dir = fs::temp_directory_path() / ("pscgi-generations-" + std::to_string(::getpid()));
  std::string config_path = dir + "/pscgi.yaml";
  std::string error_log = dir + "/error.log";
  AppRegistry apps;
  int apps_made = 0;
  std::unique_ptr<Generations> generations;

  void SetUp() override {
    fs::create_directories(dir);
    apps.add("greeting", [this](const AppSettings& settings) -> AppPtr {
      if (settings.has("fail")) throw std::invalid_argument("app.fail: this app refuses to start");
      ++apps_made;
      return std::make_unique<GreetingApp>(settings.text("greeting"));
    });
    generations = std::make_unique<Generations>(config_path, apps,
                                                pipeline::StageDependencies{cache::CacheGeneration::create(), nullptr});
  }
  void TearDown() override {
    generations.reset();
    config::LogSettings quiet;
    quiet.access_log = "off";
    log::setup_logging(quiet, "test");
    fs::remove_all(dir);
  }

  // A config listening on `sockets` (names in the temp dir), with the rest of the text appended.
  std::string config_text(const std::vector<std::string>& sockets, const std::string& greeting, const std::string& more = "") {
    std::string listen;
    for (const std::string& s : sockets) listen += (listen.empty() ? "" : ", ") + ("\"unix:" + dir + "/" + s + "\"");
    return "listen: [" + listen + "]\npipeline: []\nlog: {error_log: \"" + error_log +
           "\", access_log: \"off\"}\napp: {type: greeting, greeting: " + greeting + "}\n" + more;
  }
  void write_config(const std::string& text) {
    std::ofstream out(config_path, std::ios::trunc);
    out << text;
  }
  const Generation& start(const std::vector<std::string>& sockets, const std::string& greeting = "one") {
    write_config(config_text(sockets, greeting));
    return generations->start(config::load_config_file(config_path));
  }
  std::string log_text(const std::string& path) {
    log::flush_logs();
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string socket(const std::string& name) const { return dir + "/" + name; }
};

TEST_F(GenerationsTest, StartOpensTheSocketsOfGenerationOne) {
  const Generation& first = start({"a.sock", "b.sock"});
  EXPECT_EQ(first.number, 1u);
  EXPECT_EQ(generations->newest(), 1u);
  ASSERT_EQ(first.listeners.size(), 2u);
  EXPECT_TRUE(accepts_connections(socket("a.sock")));
  EXPECT_TRUE(accepts_connections(socket("b.sock")));
  EXPECT_EQ(greeting_of(generations->find(1)->pipeline), "one");
  EXPECT_NE(log_text(error_log).find("listening on unix:" + socket("a.sock")), std::string::npos);
}

TEST_F(GenerationsTest, AReloadBuildsTheNewPipelineAndKeepsTheSocketOfAnAddressStillListed) {
  const int kept_fd = start({"a.sock"}).listeners.at(0).fd;
  write_config(config_text({"a.sock"}, "two", "workers: {count: 3}\n"));

  const std::optional<MasterSettings> settings = generations->reload(2);
  ASSERT_TRUE(settings.has_value());
  EXPECT_EQ(settings->initial_workers, 3);
  const Generation* second = generations->find(2);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->listeners.at(0).fd, kept_fd);
  EXPECT_EQ(apps_made, 2);
  EXPECT_EQ(greeting_of(generations->find(2)->pipeline), "two");
  EXPECT_EQ(greeting_of(generations->find(1)->pipeline), "one");  // old workers answer as before
  EXPECT_EQ(generations->newest(), 2u);
  EXPECT_NE(log_text(error_log).find("SIGHUP: reloaded " + config_path + "; generation 2 starts 3 worker(s)"), std::string::npos);

  generations->release(1);
  EXPECT_EQ(generations->find(1), nullptr);
  EXPECT_TRUE(is_open(kept_fd));
  EXPECT_TRUE(accepts_connections(socket("a.sock")));
}

TEST_F(GenerationsTest, ANewAddressIsOpenedAtOnceAndTheOldOneClosedWhenItsGenerationIsGone) {
  const int old_fd = start({"a.sock"}).listeners.at(0).fd;
  write_config(config_text({"b.sock"}, "two"));

  ASSERT_TRUE(generations->reload(2).has_value());
  const int new_fd = generations->find(2)->listeners.at(0).fd;
  EXPECT_NE(new_fd, old_fd);
  EXPECT_TRUE(accepts_connections(socket("b.sock")));
  EXPECT_TRUE(accepts_connections(socket("a.sock")));  // the old generation still serves on it

  generations->release(1);
  EXPECT_FALSE(is_open(old_fd));
  EXPECT_FALSE(fs::exists(socket("a.sock")));
  EXPECT_TRUE(accepts_connections(socket("b.sock")));
  EXPECT_NE(log_text(error_log).find("closing unix:" + socket("a.sock")), std::string::npos);
}

TEST_F(GenerationsTest, AnInvalidConfigIsRefusedWithItsLineAndKeyAndChangesNothing) {
  const int fd = start({"a.sock"}).listeners.at(0).fd;
  write_config(config_text({"a.sock", "b.sock"}, "two", "workers:\n  count: 0\n"));

  EXPECT_FALSE(generations->reload(2).has_value());
  EXPECT_EQ(generations->find(2), nullptr);
  EXPECT_EQ(generations->newest(), 1u);
  EXPECT_FALSE(fs::exists(socket("b.sock")));
  EXPECT_TRUE(is_open(fd));
  EXPECT_EQ(apps_made, 1);
  const std::string log = log_text(error_log);
  EXPECT_NE(log.find("SIGHUP: cannot reload: " + config_path + ":6:10: workers.count: must be between 1 and 1024, got 0; "
                     "keeping generation 1"),
            std::string::npos)
      << log;
}

TEST_F(GenerationsTest, AnAppThatCannotBeMadeIsRefused) {
  start({"a.sock"});
  std::string text = config_text({"a.sock", "b.sock"}, "two");
  text.replace(text.find("greeting: two"), 13, "greeting: two, fail: yes");
  write_config(text);

  EXPECT_FALSE(generations->reload(2).has_value());
  EXPECT_FALSE(fs::exists(socket("b.sock")));
  const std::string log = log_text(error_log);
  EXPECT_NE(log.find("SIGHUP: cannot reload: "), std::string::npos) << log;
  EXPECT_NE(log.find("this app refuses to start"), std::string::npos) << log;
  EXPECT_NE(log.find("keeping generation 1"), std::string::npos) << log;
}

TEST_F(GenerationsTest, AnAddressThatCannotBeOpenedIsRefusedAndTheSocketsJustOpenedAreClosed) {
  start({"a.sock"});
  std::ofstream(socket("taken")) << "not a socket";
  write_config(config_text({"a.sock", "c.sock", "taken"}, "two"));
  const std::size_t descriptors = open_descriptor_count();

  EXPECT_FALSE(generations->reload(2).has_value());
  EXPECT_FALSE(fs::exists(socket("c.sock")));
  EXPECT_EQ(open_descriptor_count(), descriptors);
  EXPECT_TRUE(accepts_connections(socket("a.sock")));
  EXPECT_NE(log_text(error_log).find("is not a socket; refusing to replace it; keeping generation 1"), std::string::npos);
}

TEST_F(GenerationsTest, AReloadAppliesTheNewLogSettingsAndReleasingTheNewestGoesBack) {
  start({"a.sock"});
  const std::string second_log = dir + "/error-2.log";
  std::string text = config_text({"a.sock"}, "two");
  text.replace(text.find(error_log), error_log.size(), second_log);
  write_config(text);

  ASSERT_TRUE(generations->reload(2).has_value());
  EXPECT_NE(log_text(second_log).find("SIGHUP: reloaded"), std::string::npos);

  // The workers of generation 2 could not start: the master went back to generation 1.
  generations->release(2);
  EXPECT_EQ(generations->newest(), 1u);
  EXPECT_NE(log_text(error_log).find("generation 2 is gone; the master is back on generation 1"), std::string::npos);
  EXPECT_TRUE(accepts_connections(socket("a.sock")));
}

TEST_F(GenerationsTest, ALogFileThatCannotBeOpenedIsRefused) {
  start({"a.sock"});
  std::string text = config_text({"a.sock", "b.sock"}, "two");
  std::ofstream(dir + "/plain-file") << "x";  // no directory can be made below it
  text.replace(text.find(error_log), error_log.size(), dir + "/plain-file/error.log");
  write_config(text);

  EXPECT_FALSE(generations->reload(2).has_value());
  EXPECT_FALSE(fs::exists(socket("b.sock")));
  EXPECT_NE(log_text(error_log).find("keeping generation 1"), std::string::npos);
}

TEST_F(GenerationsTest, SettingsThatNeedARestartAreNamed) {
  start({"a.sock"});
  write_config(config_text({"a.sock"}, "two", "backlog: 64\n"));
  ASSERT_TRUE(generations->reload(2).has_value());
  EXPECT_NE(log_text(error_log).find("SIGHUP: backlog changed to 64, but the sockets kept open (unix:" + socket("a.sock")),
            std::string::npos);
}

TEST_F(GenerationsTest, StopClosesTheSocketsOfEveryGenerationAndNoReloadFollows) {
  const int first_fd = start({"a.sock"}).listeners.at(0).fd;
  write_config(config_text({"b.sock"}, "two"));
  ASSERT_TRUE(generations->reload(2).has_value());
  const int second_fd = generations->find(2)->listeners.at(0).fd;

  generations->stop_listening();
  EXPECT_FALSE(is_open(first_fd));
  EXPECT_FALSE(is_open(second_fd));
  EXPECT_FALSE(fs::exists(socket("a.sock")));
  EXPECT_FALSE(fs::exists(socket("b.sock")));

  write_config(config_text({"c.sock"}, "three"));
  EXPECT_FALSE(generations->reload(3).has_value());
  EXPECT_FALSE(fs::exists(socket("c.sock")));
}

// Socket activation: the service manager's socket serves its address in every generation, and is
// only ever closed — its file stays, since systemd keeps listening on it.
TEST_F(GenerationsTest, AnInheritedSocketServesItsAddressAcrossReloadsAndIsClosedButNeverUnlinked) {
  const int passed = listening_unix_socket(socket("a.sock"));
  ASSERT_GE(passed, 0);
  write_config(config_text({"a.sock", "b.sock"}, "one"));
  config::Config config = config::load_config_file(config_path);
  const Listener inherited{passed, config.listen.at(0), true};

  const Generation& first = generations->start(std::move(config), {inherited});
  ASSERT_EQ(first.listeners.size(), 2u);
  EXPECT_EQ(first.listeners[0].fd, passed);
  EXPECT_TRUE(first.listeners[0].inherited);
  EXPECT_FALSE(first.listeners[1].inherited);
  EXPECT_TRUE(accepts_connections(socket("b.sock")));  // no socket passed for it: opened as usual
  EXPECT_NE(log_text(error_log).find("listening on unix:" + socket("a.sock") + " (socket passed by the service manager"),
            std::string::npos);

  write_config(config_text({"a.sock", "b.sock"}, "two", "backlog: 64\nsocket_mode: \"0600\"\n"));
  ASSERT_TRUE(generations->reload(2).has_value());
  EXPECT_EQ(generations->find(2)->listeners.at(0).fd, passed);
  const std::string log = log_text(error_log);
  EXPECT_EQ(log.find("kept open (unix:" + socket("a.sock")), std::string::npos) << log;  // not ours to change
  EXPECT_NE(log.find("kept open (unix:" + socket("b.sock")), std::string::npos) << log;

  generations->release(1);
  generations->stop_listening();
  EXPECT_FALSE(is_open(passed));
  EXPECT_TRUE(fs::exists(socket("a.sock")));
  EXPECT_FALSE(fs::exists(socket("b.sock")));
}

TEST_F(GenerationsTest, AnInheritedSocketDroppedByAReloadIsClosedButItsFileStays) {
  const int passed = listening_unix_socket(socket("a.sock"));
  ASSERT_GE(passed, 0);
  write_config(config_text({"a.sock"}, "one"));
  config::Config config = config::load_config_file(config_path);
  const Listener inherited{passed, config.listen.at(0), true};
  generations->start(std::move(config), {inherited});

  write_config(config_text({"b.sock"}, "two"));
  ASSERT_TRUE(generations->reload(2).has_value());
  generations->release(1);
  EXPECT_FALSE(is_open(passed));
  EXPECT_TRUE(fs::exists(socket("a.sock")));
}

TEST_F(GenerationsTest, AFailedStartClosesTheInheritedSocketsAndLeavesTheirFiles) {
  const int passed = listening_unix_socket(socket("a.sock"));
  ASSERT_GE(passed, 0);
  std::string text = config_text({"a.sock"}, "one");
  text.replace(text.find("greeting: one"), 13, "greeting: one, fail: yes");
  write_config(text);
  config::Config config = config::load_config_file(config_path);
  const Listener inherited{passed, config.listen.at(0), true};

  EXPECT_THROW(generations->start(std::move(config), {inherited}), std::exception);
  EXPECT_FALSE(is_open(passed));
  EXPECT_TRUE(fs::exists(socket("a.sock")));
}

}  // namespace
}  // namespace pscgi::process
