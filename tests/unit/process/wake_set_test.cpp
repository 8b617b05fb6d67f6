#include "process/wake_set.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

// A socketpair stands for any descriptor the worker watches: writing to one end makes the other
// readable. Every wait here has a zero timeout: the events are already there or they are not.
struct Pair {
  int watched = -1;
  int other = -1;
  Pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) throw std::runtime_error("socketpair");
    watched = fds[0];
    other = fds[1];
  }
  ~Pair() {
    ::close(watched);
    ::close(other);
  }
  void poke() const { ASSERT_EQ(::write(other, "!", 1), 1); }
};

TEST(WakeSetTest, ItsDescriptorIsAnEpollSetClosedOnExec) {
  WakeSet wake;
  ASSERT_GE(wake.fd(), 0);
  EXPECT_NE(::fcntl(wake.fd(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST(WakeSetTest, NothingReadyMeansNoEvents) {
  WakeSet wake;
  Pair pair;
  wake.add(pair.watched, WakeSet::Source::master);
  WakeSet::Event events[4];
  EXPECT_EQ(wake.wait(events, 4, 0), 0u);
}

TEST(WakeSetTest, AnEventNamesItsSourceAndIndex) {
  WakeSet wake;
  Pair listener;
  Pair signals;
  wake.add(listener.watched, WakeSet::Source::listener, 7);
  wake.add(signals.watched, WakeSet::Source::signals);
  listener.poke();

  WakeSet::Event events[4];
  ASSERT_EQ(wake.wait(events, 4, 0), 1u);
  EXPECT_EQ(events[0].source, WakeSet::Source::listener);
  EXPECT_EQ(events[0].index, 7u);

  signals.poke();
  ASSERT_EQ(wake.wait(events, 4, 0), 2u) << "level-triggered: the listener is still readable";
  const bool signals_first = events[0].source == WakeSet::Source::signals;
  EXPECT_EQ(events[signals_first ? 1 : 0].source, WakeSet::Source::listener);
  EXPECT_EQ(events[signals_first ? 0 : 1].source, WakeSet::Source::signals);
}

TEST(WakeSetTest, AWaitReturnsNoMoreThanItsCapacity) {
  WakeSet wake;
  Pair a;
  Pair b;
  wake.add(a.watched, WakeSet::Source::listener, 0);
  wake.add(b.watched, WakeSet::Source::listener, 1);
  a.poke();
  b.poke();
  WakeSet::Event events[1];
  EXPECT_EQ(wake.wait(events, 1, 0), 1u);
}

TEST(WakeSetTest, ARemovedDescriptorNoLongerWakes) {
  WakeSet wake;
  Pair pair;
  wake.add(pair.watched, WakeSet::Source::master);
  wake.remove(pair.watched);
  pair.poke();
  WakeSet::Event events[4];
  EXPECT_EQ(wake.wait(events, 4, 0), 0u);
  wake.remove(pair.watched);  // removing twice is harmless (the worker may not know)
}

// A parked connection wakes the worker once; it is watched again only when parked again.
TEST(WakeSetTest, AWatchedConnectionWakesOnceUntilRearmed) {
  WakeSet wake;
  Pair connection;
  wake.watch_once(connection.watched, false);
  WakeSet::Event events[4];
  EXPECT_EQ(wake.wait(events, 4, 0), 0u);

  connection.poke();
  ASSERT_EQ(wake.wait(events, 4, 0), 1u);
  EXPECT_EQ(events[0].source, WakeSet::Source::connection);
  EXPECT_EQ(events[0].index, static_cast<std::uint32_t>(connection.watched));
  EXPECT_EQ(wake.wait(events, 4, 0), 0u) << "one shot, though still readable";

  wake.watch_once(connection.watched, true);
  ASSERT_EQ(wake.wait(events, 4, 0), 1u);
  EXPECT_EQ(events[0].source, WakeSet::Source::connection);
}

TEST(WakeSetTest, RegistrationErrorsNameTheDescriptor) {
  WakeSet wake;
  Pair pair;
  wake.add(pair.watched, WakeSet::Source::master);
  try {
    wake.add(pair.watched, WakeSet::Source::master);
    FAIL() << "a second add of the same descriptor must fail";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("fd " + std::to_string(pair.watched)), std::string::npos) << error.what();
  }
  Pair unwatched;
  EXPECT_THROW(wake.watch_once(unwatched.watched, true), std::runtime_error) << "a rearm needs a first watch";
}

}  // namespace
}  // namespace pscgi::process
