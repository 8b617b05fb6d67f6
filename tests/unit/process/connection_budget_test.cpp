// Connections and limits.max_pending_output together: two peers that ask for a large answer, a
// budget smaller than both answers, and no worker around them.
#include "process/connection.hpp"

#include "process/output_budget.hpp"
#include "unit/process/connection_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <sys/socket.h>
#include <thread>

namespace pscgi::process::testing {
namespace {

constexpr std::size_t big_answer = 4 * 1024 * 1024;

// The budget must outlive the io_context of ConnectionTest: destroying the context destroys the
// handlers that still hold connections, and each gives its seat back to the budget. Base classes
// are destroyed in reverse order, so the budget, in the first base, goes last.
struct BudgetHolder {
  OutputBudget budget{big_answer};  // one answer fits, two do not
};

class ConnectionBudgetTest : public BudgetHolder, public ConnectionTest {
 protected:
  std::shared_ptr<Connection> second;
  int second_peer = -1;

  void SetUp() override {
    answer_size = big_answer;
    connect();
    context->output_budget = &budget;
    shrink_send_buffer(connection->fd());
    send_text(request_bytes());
  }

  ~ConnectionBudgetTest() override {
    second.reset();
    if (second_peer >= 0) ::close(second_peer);
  }

  static void shrink_send_buffer(int fd) {
    const int small = 4096;
    ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
  }

  // A second peer on the same context (so the same budget) that has sent its request.
  void open_second() {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    set_nonblocking(fds[0]);
    second_peer = fds[1];
    timeval limit{5, 0};
    ASSERT_EQ(::setsockopt(second_peer, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)), 0);
    shrink_send_buffer(fds[0]);
    const std::string request = request_bytes();
    ASSERT_EQ(::send(second_peer, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    second = std::make_shared<Connection>(*context, fds[0], Clock::now(), 2);
  }
};

TEST_F(ConnectionBudgetTest, AWriteThatBlocksIsCountedAndOneAloneIsKept) {
  EXPECT_EQ(connection->start(), Progress::in_asio);
  EXPECT_EQ(budget.writers(), 1u);
  EXPECT_GT(budget.bytes(), big_answer) << "the whole answer is held, not what is left of it";
  io.poll();
  EXPECT_EQ(connection->step(), Step::writing) << "alone, it is not shed, even over the bound";
}

TEST_F(ConnectionBudgetTest, TheSecondStalledAnswerShedsThePeerThatTookNothing) {
  EXPECT_EQ(connection->start(), Progress::in_asio);
  open_second();
  EXPECT_EQ(second->start(), Progress::in_asio);

  EXPECT_EQ(connection->step(), Step::closed) << "the older peer, which took nothing, is cut";
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
  EXPECT_EQ(second->step(), Step::writing);
  EXPECT_EQ(budget.writers(), 1u);
  EXPECT_LT(budget.bytes(), 2 * big_answer);
  EXPECT_LT(read_to_end().size(), big_answer) << "the cut peer saw a closed, short answer";

  // The peer that remains reads: it gets its whole answer.
  std::string answer;
  std::thread reader([&] {
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(second_peer, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<std::size_t>(n));
    }
  });
  io.run();
  reader.join();
  EXPECT_EQ(second->step(), Step::closed);
  EXPECT_EQ(async_ends, (std::vector<Progress>{Progress::answered, Progress::answered}));
  EXPECT_EQ(status_line(answer), "Status: 200 OK");
  EXPECT_GT(answer.size(), big_answer);
  EXPECT_EQ(budget.writers(), 0u);
  EXPECT_EQ(budget.bytes(), 0u);
}

TEST_F(ConnectionBudgetTest, AFinishedWriteLeavesTheBudget) {
  EXPECT_EQ(connection->start(), Progress::in_asio);
  std::string answer;
  std::thread reader([&] { answer = read_to_end(); });
  io.run();
  reader.join();
  EXPECT_GT(answer.size(), big_answer);
  EXPECT_EQ(budget.writers(), 0u);
  EXPECT_EQ(budget.bytes(), 0u);
}

}  // namespace
}  // namespace pscgi::process::testing
