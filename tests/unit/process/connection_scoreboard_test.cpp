#include "process/connection.hpp"

#include "unit/process/connection_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <sys/socket.h>

namespace pscgi::process::testing {
namespace {

// What the scoreboard showed while the application ran: the watchdog reads the slot at that moment.
class SlotWatcher final : public Stage {
 public:
  SlotWatcher(const Scoreboard& board, std::vector<SlotSnapshot>& seen) : board_(board), seen_(seen) {}
  std::string_view name() const noexcept override { return "slot_watcher"; }
  StageResult on_request(Exchange& exchange) override {
    seen_.push_back(board_.read(1));
    exchange.response = ResponseBuilder(200).no_etag().body("ok").finish();
    return StageResult::answered;
  }

 private:
  const Scoreboard& board_;
  std::vector<SlotSnapshot>& seen_;
};

class ConnectionScoreboardTest : public ConnectionTest {
 protected:
  std::shared_ptr<Scoreboard> board = Scoreboard::create(1);
  SlotWriter writer = board->writer(1);
  std::vector<SlotSnapshot> seen;

  void connect_with_slot() {
    board->claim(1, 1);
    writer.mark_ready();
    connect();
    context->slot = &writer;
    *pipeline = Pipeline();  // the context refers to this object: replace its stages, not it
    pipeline->append(std::make_unique<SlotWatcher>(*board, seen));
  }
};

TEST_F(ConnectionScoreboardTest, TheSlotShowsTheRequestWhileThePipelineRunsIt) {
  connect_with_slot();
  send_text(protocol::testing::scgi_request_with_body(
      "", {{"REQUEST_METHOD", "DELETE"}, {"REQUEST_URI", "/items/7?x=\"1\""}}));
  EXPECT_EQ(connection->start(), Progress::answered);

  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].activity, Activity::handling);
  EXPECT_EQ(seen[0].request, "DELETE /items/7?x=\\x221\\x22");
  // The accept time, not a clock read of its own: the watchdog counts from the accept.
  EXPECT_EQ(seen[0].request_started, accepted_at);
}

TEST_F(ConnectionScoreboardTest, ARejectedRequestNeverEntersThePipelineNorTheSlot) {
  connect_with_slot();
  const std::string request = request_bytes("abc");
  send_text(request.substr(0, request.size() - 2));
  ::shutdown(peer, SHUT_WR);  // truncated: the parser fails it
  EXPECT_EQ(connection->start(), Progress::answered);
  EXPECT_EQ(status_line(read_to_end()), "Status: 400 Bad Request");
  EXPECT_TRUE(seen.empty());
  const SlotSnapshot s = board->read(1);
  EXPECT_EQ(s.activity, Activity::idle);
  EXPECT_EQ(s.request, "");
}

// The histogram counts what requests_total counts: every answer, the rejected ones included, timed
// from the accept.
TEST_F(ConnectionScoreboardTest, EveryAnsweredRequestIsTimedOnceFromItsAccept) {
  connect_with_slot();
  send_text(protocol::testing::scgi_request_with_body("", {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/"}}));
  const Clock::time_point before_answer = Clock::now();
  EXPECT_EQ(connection->start(), Progress::answered);
  const Clock::duration most = Clock::now() - accepted_at;
  const DurationHistogram durations = board->read(1).durations;
  EXPECT_EQ(durations.count(), 1u);
  EXPECT_GE(static_cast<std::int64_t>(durations.sum_ns),
            std::chrono::duration_cast<std::chrono::nanoseconds>(before_answer - accepted_at).count());
  EXPECT_LE(static_cast<std::int64_t>(durations.sum_ns), std::chrono::duration_cast<std::chrono::nanoseconds>(most).count());
}

TEST_F(ConnectionScoreboardTest, ARejectedRequestIsTimedToo) {
  connect_with_slot();
  const std::string request = request_bytes("abc");
  send_text(request.substr(0, request.size() - 2));
  ::shutdown(peer, SHUT_WR);
  EXPECT_EQ(connection->start(), Progress::answered);
  EXPECT_EQ(board->read(1).durations.count(), 1u);
}

}  // namespace
}  // namespace pscgi::process::testing
