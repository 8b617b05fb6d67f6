#include "cache/cache_generation.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::cache {
namespace {

TEST(CacheGenerationTest, BumpChangesWhatCurrentReturns) {
  auto generation = CacheGeneration::create();
  const std::uint64_t before = generation->current();
  EXPECT_EQ(generation->bump(), before + 1);
  EXPECT_EQ(generation->current(), before + 1);
  EXPECT_EQ(generation->bump(), before + 2);
}

TEST(CacheGenerationTest, EachCreateIsItsOwnCounter) {
  auto a = CacheGeneration::create();
  auto b = CacheGeneration::create();
  a->bump();
  EXPECT_EQ(a->current(), 1u);
  EXPECT_EQ(b->current(), 0u);
}

// The point of the shared page: a bump in one process is seen by the other, both ways.
TEST(CacheGenerationTest, ABumpIsSeenAcrossFork) {
  auto generation = CacheGeneration::create();
  int to_child[2];
  int to_parent[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(to_parent), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child: wait for the parent's bump, check it, bump once more, report. No gtest here.
    char byte;
    int status = 1;
    if (read(to_child[0], &byte, 1) == 1 && generation->current() == 1) status = generation->bump() == 2 ? 0 : 2;
    const char done = 'd';
    if (write(to_parent[1], &done, 1) != 1) status = 3;
    _exit(status);
  }
  generation->bump();
  const char go = 'g';
  ASSERT_EQ(write(to_child[1], &go, 1), 1);
  char byte;
  ASSERT_EQ(read(to_parent[0], &byte, 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(generation->current(), 2u);
  for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) close(fd);
}

}  // namespace
}  // namespace pscgi::cache
