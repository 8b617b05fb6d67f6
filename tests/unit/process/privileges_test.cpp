// The user switch of the workers (src/process/privileges.cpp) and the master's warnings
// (src/process/privilege_checks.cpp). The switch itself needs root: those tests fork a child that
// drops and reports through its exit status; run without root they skip, loudly (CI runs as root).
#include "process/privileges.hpp"

#include "config/config.hpp"
#include "process/privilege_checks.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr uid_t kNobody = 65534;

gid_t gid_of(const char* name) {
  const group* entry = ::getgrnam(name);
  return entry ? entry->gr_gid : static_cast<gid_t>(-1);
}

config::Config with_accounts(const char* user, const char* group) {
  std::string text = "listen: unix:/tmp/pscgi-privileges-test.sock\n";
  if (user) text += std::string("user: ") + user + "\n";
  if (group) text += std::string("group: ") + group + "\n";
  return config::load_config_text(text, "");
}

#define SKIP_UNLESS_ROOT()                                                                              \
  if (::geteuid() != 0)                                                                                 \
  GTEST_SKIP() << "\n*** NOT TESTED: switching users needs root; run the unit tests as root (CI does) " \
                  "to test the privilege drop ***\n"

// Runs `body` in a child; its return value is the child's exit status.
int in_child(const std::function<int()>& body) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) std::_Exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class TempDirectory {
 public:
  TempDirectory() {
    char pattern[] = "/tmp/pscgi-privileges-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDirectory() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

TEST(PrivilegesTest, OnlyARootMasterWithAUserSwitches) {
  EXPECT_FALSE(worker_identity(with_accounts(nullptr, nullptr), 0));
  EXPECT_FALSE(worker_identity(with_accounts("nobody", "www-data"), 1000));

  const auto both = worker_identity(with_accounts("nobody", "www-data"), 0);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->uid, kNobody);
  EXPECT_EQ(both->gid, gid_of("www-data"));
  EXPECT_EQ(both->description, fmt::format("nobody:www-data (uid 65534, gid {})", gid_of("www-data")));

  const auto primary = worker_identity(with_accounts("nobody", nullptr), 0);
  ASSERT_TRUE(primary);
  EXPECT_EQ(primary->gid, gid_of("nogroup"));
}

TEST(PrivilegesTest, AWorkerDropsEveryIdAndCannotRegainRoot) {
  SKIP_UNLESS_ROOT();
  const WorkerIdentity identity{kNobody, gid_of("nogroup"), "nobody:nogroup"};
  const int status = in_child([&] {
    const gid_t extra = gid_of("www-data");
    if (::setgroups(1, &extra) != 0) return 10;  // a supplementary group the drop must clear
    try {
      drop_privileges(identity);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 11;
    }
    uid_t r = 0, e = 0, s = 0;
    gid_t rg = 0, eg = 0, sg = 0;
    ::getresuid(&r, &e, &s);
    ::getresgid(&rg, &eg, &sg);
    if (r != kNobody || e != kNobody || s != kNobody) return 12;
    if (rg != identity.gid || eg != identity.gid || sg != identity.gid) return 13;
    if (::getgroups(0, nullptr) != 0) return 14;
    if (::setuid(0) == 0 || errno != EPERM) return 15;
    if (::seteuid(0) == 0) return 16;
    if (::setgid(0) == 0) return 17;
    return 0;
  });
  EXPECT_EQ(status, 0) << "10: setgroups before the drop; 11: the drop threw; 12: uids; 13: gids; "
                          "14: supplementary groups left; 15-17: root could be regained";
}

TEST(PrivilegesTest, ADropThatCannotHappenThrows) {
  // Not root (here, or in a child that already gave root up), setgroups() fails: the worker must
  // not serve as whoever it happens to be.
  const int status = in_child([] {
    if (::geteuid() == 0 && (::setgid(gid_of("nogroup")) != 0 || ::setuid(kNobody) != 0)) return 10;
    try {
      drop_privileges({kNobody + 1, kNobody + 1, "someone else"});
    } catch (const PrivilegeError& e) {
      return std::string(e.what()).find("setgroups(0) failed while switching to someone else") == 0 ? 0 : 12;
    }
    return 11;
  });
  EXPECT_EQ(status, 0) << "10: could not leave root first; 11: no exception; 12: the message does not name the call";
}

int bind_unix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) ADD_FAILURE() << "bind " << path;
  return fd;
}

TEST(PrivilegesTest, TheSocketGetsTheWorkersOwnerAndGroup) {
  SKIP_UNLESS_ROOT();
  TempDirectory dir;
  const std::string path = dir.file("s.sock");
  const int fd = bind_unix(path);
  EXPECT_EQ(give_socket_to_workers(path, with_accounts("nobody", "www-data")), 0);
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kNobody);
  EXPECT_EQ(st.st_gid, gid_of("www-data"));
  EXPECT_EQ(give_socket_to_workers(dir.file("missing.sock"), with_accounts("nobody", nullptr)), ENOENT);
  ::close(fd);
}

TEST(PrivilegesTest, WithoutUserTheSocketIsLeftAlone) {
  TempDirectory dir;
  const std::string path = dir.file("s.sock");
  const int fd = bind_unix(path);
  EXPECT_EQ(give_socket_to_workers(path, with_accounts(nullptr, nullptr)), 0);
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::geteuid());
  ::close(fd);
}

TEST(PrivilegesTest, LogFilesAreHandedToTheWorkerUser) {
  SKIP_UNLESS_ROOT();
  TempDirectory dir;
  config::Config config = with_accounts("nobody", "www-data");
  config.log.error_log = dir.file("error.log");
  config.log.access_log = dir.file("access.log");
  for (const std::string* path : {&config.log.error_log, &config.log.access_log}) {
    std::ofstream(*path) << "x\n";
    ::chmod(path->c_str(), 0040);
  }
  hand_log_files_to_workers(config);
  for (const std::string* path : {&config.log.error_log, &config.log.access_log}) {
    struct stat st {};
    ASSERT_EQ(::stat(path->c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kNobody) << *path;
    EXPECT_EQ(st.st_gid, 0u) << *path << ": the group is the admin's choice";
    EXPECT_EQ(st.st_mode & 0777, 0640u) << *path;
  }
}

config::Config sourced(config::Config config, const std::string& source) {
  config.source = source;
  return config;
}

TEST(PrivilegeChecksTest, RootWithoutUserNamesTheRiskAndTheKey) {
  const auto warnings = privilege_warnings(with_accounts(nullptr, nullptr), 0, 0);
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("running as root without user: the workers and the app"));
  EXPECT_THAT(warnings[0], HasSubstr("set user (and group)"));
  EXPECT_THAT(privilege_warnings(with_accounts("nobody", nullptr), 0, 0), IsEmpty());
}

TEST(PrivilegeChecksTest, AnotherUserIsIgnoredWithoutRoot) {
  const auto warnings = privilege_warnings(with_accounts("nobody", "www-data"), 1000, 1000);
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("user: nobody:www-data is ignored: only a master started as root can switch "
                                     "users; the workers run as "));
  EXPECT_THAT(privilege_warnings(with_accounts("nobody", nullptr), kNobody, 1000), IsEmpty());
  EXPECT_THAT(privilege_warnings(with_accounts("nobody", "www-data"), kNobody, gid_of("www-data")), IsEmpty());
  EXPECT_THAT(privilege_warnings(with_accounts("nobody", "www-data"), kNobody, 1000), SizeIs(1));
}

TEST(PrivilegeChecksTest, AGroupWithoutUserIsIgnored) {
  const auto warnings = privilege_warnings(with_accounts("nobody", nullptr), 0, 0);
  EXPECT_THAT(warnings, IsEmpty());
  const auto alone = privilege_warnings(with_accounts(nullptr, "www-data"), kNobody, 1000);
  ASSERT_THAT(alone, SizeIs(1));
  EXPECT_EQ(alone[0], "group: www-data is ignored without user: the workers keep the master's user and group, and "
                      "so do the sockets");
}

TEST(PrivilegeChecksTest, AConfigFileOthersMayWriteIsNamed) {
  TempDirectory dir;
  const std::string path = dir.file("pscgi.yaml");
  std::ofstream(path) << "backlog: 10\n";
  ::chmod(path.c_str(), 0644);
  EXPECT_THAT(privilege_warnings(sourced(with_accounts("nobody", nullptr), path), 0, 0), IsEmpty());
  ::chmod(path.c_str(), 0666);
  const auto warnings = privilege_warnings(sourced(with_accounts("nobody", nullptr), path), 0, 0);
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_EQ(warnings[0], fmt::format("the config file \"{}\" is writable by every user (mode 0666): whoever edits "
                                     "it chooses the app and the user it runs as; chmod o-w \"{}\"",
                                     path, path));
}

}  // namespace
}  // namespace pscgi::process
