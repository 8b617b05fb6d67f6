// A request that runs out of memory costs that request only: it gets a 503, nothing is thrown out
// of the connection (which would take the worker with all its connections), and the connection's
// memory is given back. Allocations are refused by the test binary's operator new
// (unit/support/allocation_counting.hpp), as an address-space limit refuses them.

#include "process/connection.hpp"

#include "unit/process/connection_fixture.hpp"
#include "unit/support/allocation_counting.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pscgi::process::testing {
namespace {

constexpr std::size_t gib = std::size_t{1} << 30;
constexpr std::size_t piece = 64 * 1024;

// A POST declaring a gigabyte; its body follows in pieces.
std::string head_declaring_a_gigabyte() {
  return protocol::testing::scgi_request({{"CONTENT_LENGTH", std::to_string(gib)},
                                          {"SCGI", "1"},
                                          {"REQUEST_METHOD", "POST"},
                                          {"REQUEST_URI", "/upload"}});
}

class ConnectionMemoryTest : public ConnectionTest {
 protected:
  // Sends body pieces until the connection stops waiting for more (or 16 pieces went unanswered).
  Progress feed_until_answered() {
    Progress progress = Progress::waiting_for_request;
    for (int i = 0; i < 16 && progress == Progress::waiting_for_request; ++i) {
      send_text(std::string(piece, 'b'));
      progress = connection->resume();
    }
    return progress;
  }
};

TEST_F(ConnectionMemoryTest, ABodyThatDoesNotFitIsAnswered503AndTheConnectionLingers) {
  limits = {4096, 2 * gib};
  connect();
  send_text(head_declaring_a_gigabyte());
  ASSERT_EQ(connection->start(), Progress::waiting_for_request);

  Progress progress;
  std::size_t refused = 0;
  {
    const pscgi::testing::RefusedAllocations limit(200 * 1024);
    progress = feed_until_answered();
    refused = limit.refused();
  }
  EXPECT_GE(refused, 1u) << "the body never needed more than the limit: the test proves nothing";
  ASSERT_EQ(progress, Progress::in_asio) << "answered, and lingering for the rest of the body";
  EXPECT_EQ(connection->step(), Step::lingering);
  EXPECT_EQ(status_line(read_to_end()), "Status: 503 Service Unavailable");
  EXPECT_TRUE(bodies.empty()) << "the application never saw the request";

  ::close(peer);
  peer = -1;
  io.run();
  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
}

// The allocation that failed was the body's; once it is given back, the next connection on the
// same event loop is served as usual.
TEST_F(ConnectionMemoryTest, TheNextRequestAfterA503IsServed) {
  limits = {4096, 2 * gib};
  connect();
  send_text(head_declaring_a_gigabyte());
  ASSERT_EQ(connection->start(), Progress::waiting_for_request);
  {
    const pscgi::testing::RefusedAllocations limit(200 * 1024);
    ASSERT_EQ(feed_until_answered(), Progress::in_asio);
  }
  EXPECT_EQ(status_line(read_to_end()), "Status: 503 Service Unavailable");
  ::close(peer);
  peer = -1;
  io.run();

  connect();
  send_text(request_bytes("after"));
  EXPECT_EQ(connection->start(), Progress::answered);
  EXPECT_EQ(status_line(read_to_end()), "Status: 200 OK");
  EXPECT_EQ(bodies, std::vector<std::string>{"after"});
}

}  // namespace
}  // namespace pscgi::process::testing
