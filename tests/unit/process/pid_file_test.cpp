#include "process/pid_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct PidFileTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("pscgi-pid-file-" + std::to_string(::getpid()));
  std::string pid_path = (dir / "pscgi.pid").string();

  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  static std::string contents(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

  // The message of the error write_pid_file throws, or "" when it does not throw.
  std::string refusal(long pid) {
    try {
      write_pid_file(pid_path, pid);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(PidFileTest, WritesThePidAndALineEnd) {
  write_pid_file(pid_path, 4242);
  EXPECT_EQ(contents(pid_path), "4242\n");
  struct stat st {};
  ASSERT_EQ(::stat(pid_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0022, 0u);  // never writable by others, whatever the umask
}

TEST_F(PidFileTest, ReplacesTheContentsOfAnOldPidFile) {
  write(pid_path, "123456789\nleft over\n");
  write_pid_file(pid_path, 7);
  EXPECT_EQ(contents(pid_path), "7\n");
}

// The attack: a link planted where the pid file goes, pointing at a file root must not overwrite.
TEST_F(PidFileTest, RefusesASymlinkAndLeavesItsTargetUnchanged) {
  const fs::path target = dir / "precious";
  write(target, "do not touch\n");
  fs::create_symlink(target, pid_path);
  const std::string error = refusal(99);
  EXPECT_THAT(error, HasSubstr("pid_file: \"" + pid_path + "\""));
  EXPECT_THAT(error, HasSubstr("symbolic link"));
  EXPECT_EQ(contents(target), "do not touch\n");
  EXPECT_TRUE(fs::is_symlink(pid_path));
}

TEST_F(PidFileTest, RefusesADanglingSymlinkWithoutCreatingItsTarget) {
  const fs::path target = dir / "created-by-nobody";
  fs::create_symlink(target, pid_path);
  EXPECT_THAT(refusal(99), HasSubstr("symbolic link"));
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(PidFileTest, RefusesWhatIsNotARegularFile) {
  fs::create_directory(pid_path);
  EXPECT_THAT(refusal(1), HasSubstr("pid_file: \"" + pid_path + "\""));
  ::rmdir(pid_path.c_str());
  ASSERT_EQ(::mkfifo(pid_path.c_str(), 0600), 0);
  EXPECT_THAT(refusal(1), HasSubstr("not a regular file"));  // and does not block on the FIFO
}

TEST_F(PidFileTest, ACannotOpenErrorNamesKeyAndPath) {
  const std::string missing = (dir / "no-such-dir" / "x.pid").string();
  try {
    write_pid_file(missing, 1);
    ADD_FAILURE() << "wrote " << missing;
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("pid_file: \"" + missing + "\": cannot open: No such file or directory"));
  }
}

TEST_F(PidFileTest, RemovesOnlyItsOwnPidFile) {
  write_pid_file(pid_path, 55);
  remove_pid_file(pid_path, 56);  // another server's now
  EXPECT_TRUE(fs::exists(pid_path));
  remove_pid_file(pid_path, 55);
  EXPECT_FALSE(fs::exists(pid_path));
}

TEST_F(PidFileTest, RemovingDoesNotFollowALink) {
  const fs::path target = dir / "precious";
  write(target, "55\n");
  fs::create_symlink(target, pid_path);
  remove_pid_file(pid_path, 55);
  EXPECT_TRUE(fs::exists(target));
  EXPECT_TRUE(fs::is_symlink(pid_path));
}

}  // namespace
}  // namespace pscgi::process
