#include "process/output_budget.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pscgi::process {
namespace {

// Plays a connection: when shed, it records why and leaves the budget, as Connection::close does.
class FakeWriter final : public StalledWriter {
 public:
  FakeWriter(OutputBudget& budget, std::string name, std::vector<std::string>& shed_log)
      : budget_(budget), name_(std::move(name)), shed_log_(shed_log) {}
  std::int64_t taken() const noexcept override { return taken_bytes; }
  bool drained() const noexcept override { return queue_empty; }
  void shed(const Shedding& why) noexcept override {
    shed_log_.push_back(name_);
    last = why;
    if (leaves_when_shed) budget_.remove(*this);
  }
  Shedding last{};
  bool leaves_when_shed = true;
  std::int64_t taken_bytes = 0;  ///< what its peer took: raise it to play a peer that read
  bool queue_empty = false;      ///< its peer took all it was given

 private:
  OutputBudget& budget_;
  std::string name_;
  std::vector<std::string>& shed_log_;
};

constexpr std::size_t MiB = 1024 * 1024;

class OutputBudgetTest : public ::testing::Test {
 protected:
  OutputBudget budget{10 * MiB};
  std::vector<std::string> shed;
  FakeWriter a{budget, "a", shed};
  FakeWriter b{budget, "b", shed};
  FakeWriter c{budget, "c", shed};
  const int page1 = 0;  // stand-ins for response objects: only their addresses matter
  const int page2 = 0;
};

TEST_F(OutputBudgetTest, CountsEachWritersAnswerAndForgetsItWhenTheWriterLeaves) {
  budget.stalled(a, &page1, 4 * MiB, 100);
  budget.stalled(b, &page2, 3 * MiB, 0);
  EXPECT_EQ(budget.bytes(), 7 * MiB + 100);
  EXPECT_EQ(budget.writers(), 2u);
  budget.remove(a);
  EXPECT_EQ(budget.bytes(), 3 * MiB);
  budget.remove(a);  // not held any more: nothing happens
  budget.remove(b);
  EXPECT_EQ(budget.bytes(), 0u);
  EXPECT_EQ(budget.writers(), 0u);
}

TEST_F(OutputBudgetTest, ASharedResponseCountsOnceUntilItsLastWriterLeaves) {
  budget.stalled(a, &page1, 4 * MiB, 10);
  budget.stalled(b, &page1, 4 * MiB, 20);
  EXPECT_EQ(budget.bytes(), 4 * MiB + 30);
  budget.remove(a);
  EXPECT_EQ(budget.bytes(), 4 * MiB + 20) << "b still pins the page";
  budget.remove(b);
  EXPECT_EQ(budget.bytes(), 0u);
}

TEST_F(OutputBudgetTest, StallingAgainDoesNotCountTwice) {
  budget.stalled(a, &page1, 4 * MiB, 10);
  budget.stalled(a, &page1, 4 * MiB, 10);
  EXPECT_EQ(budget.bytes(), 4 * MiB + 10);
  EXPECT_EQ(budget.writers(), 1u);
}

TEST_F(OutputBudgetTest, UnderTheBoundNobodyIsShed) {
  budget.stalled(a, &page1, 5 * MiB, 0);
  budget.stalled(b, &page2, 5 * MiB, 0);  // exactly at the bound
  EXPECT_FALSE(budget.over());
  EXPECT_EQ(budget.enforce(), 0u);
  EXPECT_TRUE(shed.empty());
}

TEST_F(OutputBudgetTest, OverTheBoundTheWriterLongestWithoutProgressIsShedFirst) {
  budget.stalled(a, &page1, 4 * MiB, 0);
  budget.stalled(b, &page2, 4 * MiB, 0);
  const int page3 = 0;
  budget.stalled(c, &page3, 4 * MiB, 0);
  ASSERT_TRUE(budget.over());
  EXPECT_EQ(budget.enforce(), 1u);
  EXPECT_EQ(shed, std::vector<std::string>{"a"});
  EXPECT_EQ(a.last.held, 4 * MiB);
  EXPECT_EQ(a.last.pending, 12 * MiB);
  EXPECT_EQ(a.last.bound, 10 * MiB);
  EXPECT_EQ(budget.bytes(), 8 * MiB);
}

TEST_F(OutputBudgetTest, AWriterThatTookBytesMovesBehindTheOnesThatDidNot) {
  budget.stalled(a, &page1, 4 * MiB, 0);
  budget.stalled(b, &page2, 4 * MiB, 0);
  budget.stalled(a, &page1, 4 * MiB, 0);  // a read a little since: it is the most recent now
  const int page3 = 0;
  budget.stalled(c, &page3, 4 * MiB, 0);
  budget.enforce();
  EXPECT_EQ(shed, std::vector<std::string>{"b"});
}

// The worker was busy (building a page) while a slow reader read on: the budget sees it in the
// socket's queue, and spares that reader.
TEST_F(OutputBudgetTest, AWriterWhosePeerReadSinceItStalledIsSparedThoughTheWorkerHasNotSeenIt) {
  budget.stalled(a, &page1, 4 * MiB, 0);
  budget.stalled(b, &page2, 4 * MiB, 0);
  a.taken_bytes = 200 * 1024;
  const int page3 = 0;
  budget.stalled(c, &page3, 4 * MiB, 0);
  EXPECT_EQ(budget.enforce(), 1u);
  EXPECT_EQ(shed, std::vector<std::string>{"b"});
  EXPECT_EQ(budget.writers(), 2u);
}

// A reader that took all it was given, while the worker built other pages, made no progress since:
// there was nothing more to take. It is spared too.
TEST_F(OutputBudgetTest, AWriterWhosePeerTookAllItWasGivenIsSpared) {
  budget.stalled(a, &page1, 4 * MiB, 0);
  budget.stalled(b, &page2, 4 * MiB, 0);
  a.queue_empty = true;
  const int page3 = 0;
  budget.stalled(c, &page3, 4 * MiB, 0);
  EXPECT_EQ(budget.enforce(), 1u);
  EXPECT_EQ(shed, std::vector<std::string>{"b"});
}

TEST_F(OutputBudgetTest, WritersThatAllReadAreLookedAtOnceAndNoneIsShed) {
  budget.stalled(a, &page1, 6 * MiB, 0);
  budget.stalled(b, &page2, 6 * MiB, 0);
  a.taken_bytes = 1;
  b.taken_bytes = 1;
  EXPECT_EQ(budget.enforce(), 0u);
  EXPECT_TRUE(shed.empty());
  EXPECT_TRUE(budget.over()) << "over, but every peer reads: write_timeout bounds them";
  EXPECT_EQ(budget.enforce(), 1u) << "no byte taken since the last look: the oldest goes";
}

TEST_F(OutputBudgetTest, SheddingGoesOnUntilTheBoundHolds) {
  OutputBudget small(3 * MiB);
  FakeWriter x{small, "x", shed}, y{small, "y", shed}, z{small, "z", shed};
  const int p1 = 0, p2 = 0, p3 = 0;
  small.stalled(x, &p1, 2 * MiB, 0);
  small.stalled(y, &p2, 2 * MiB, 0);
  small.stalled(z, &p3, 2 * MiB, 0);
  EXPECT_EQ(small.enforce(), 2u);
  EXPECT_EQ(shed, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(small.bytes(), 2 * MiB);
}

TEST_F(OutputBudgetTest, OneWriterAloneIsNeverShedHoweverLargeItsAnswer) {
  budget.stalled(a, &page1, 64 * MiB, 0);
  EXPECT_TRUE(budget.over());
  EXPECT_EQ(budget.enforce(), 0u);
  EXPECT_TRUE(shed.empty());
}

TEST_F(OutputBudgetTest, NoBoundCountsButNeverSheds) {
  OutputBudget unbounded(0);
  FakeWriter x{unbounded, "x", shed}, y{unbounded, "y", shed};
  unbounded.stalled(x, &page1, 600 * MiB, 0);
  unbounded.stalled(y, &page2, 600 * MiB, 0);
  EXPECT_EQ(unbounded.bytes(), 1200 * MiB);
  EXPECT_FALSE(unbounded.over());
  EXPECT_EQ(unbounded.enforce(), 0u);
}

TEST_F(OutputBudgetTest, AWriterThatDoesNotLeaveWhenShedIsRemovedAnyway) {
  a.leaves_when_shed = false;
  budget.stalled(a, &page1, 8 * MiB, 0);
  budget.stalled(b, &page2, 8 * MiB, 0);
  EXPECT_EQ(budget.enforce(), 1u);
  EXPECT_EQ(budget.writers(), 1u);
  EXPECT_EQ(budget.bytes(), 8 * MiB);
}

// The seat is how a connection uses the budget: it follows the answer's progress.
class SeatTest : public OutputBudgetTest {
 protected:
  static protocol::OutgoingResponse answer(std::size_t body_bytes) {
    return protocol::OutgoingResponse(ResponseBuilder(200).no_etag().body(std::string(body_bytes, 'x')).finish(), {});
  }
};

TEST_F(SeatTest, JoinsOnTheFirstStallAndCountsTheWholeResponse) {
  const protocol::OutgoingResponse out = answer(MiB);
  OutputBudget::Seat seat;
  seat.stalled(&budget, a, out);
  EXPECT_TRUE(seat.held());
  EXPECT_EQ(budget.bytes(), out.response()->wire_size());
  seat.release();
  EXPECT_FALSE(seat.held());
  EXPECT_EQ(budget.bytes(), 0u);
}

TEST_F(SeatTest, WithoutABudgetNothingIsHeld) {
  const protocol::OutgoingResponse out = answer(10);
  OutputBudget::Seat seat;
  seat.stalled(nullptr, a, out);
  EXPECT_FALSE(seat.held());
}

TEST_F(SeatTest, StallingAgainWithoutProgressKeepsTheOldPlace) {
  const protocol::OutgoingResponse out_a = answer(4 * MiB);
  const protocol::OutgoingResponse out_b = answer(4 * MiB);
  const protocol::OutgoingResponse out_c = answer(4 * MiB);
  OutputBudget::Seat seat_a, seat_b, seat_c;
  seat_a.stalled(&budget, a, out_a);
  seat_b.stalled(&budget, b, out_b);
  seat_a.stalled(&budget, a, out_a);  // no byte taken since: a stays the oldest
  seat_c.stalled(&budget, c, out_c);  // over the bound: the oldest without progress goes
  EXPECT_EQ(shed, std::vector<std::string>{"a"});
}

TEST_F(SeatTest, ProgressMovesTheSeatBehindTheOthers) {
  protocol::OutgoingResponse out_a = answer(4 * MiB);
  const protocol::OutgoingResponse out_b = answer(4 * MiB);
  const protocol::OutgoingResponse out_c = answer(4 * MiB);
  OutputBudget::Seat seat_a, seat_b, seat_c;
  seat_a.stalled(&budget, a, out_a);
  seat_b.stalled(&budget, b, out_b);
  out_a.advance(1000);
  seat_a.stalled(&budget, a, out_a);  // a took bytes: b is the oldest now
  seat_c.stalled(&budget, c, out_c);
  EXPECT_EQ(shed, std::vector<std::string>{"b"});
  EXPECT_EQ(budget.bytes(), out_a.response()->wire_size() + out_c.response()->wire_size());
}

TEST_F(SeatTest, ADestroyedSeatLeavesTheBudget) {
  const protocol::OutgoingResponse out = answer(MiB);
  {
    OutputBudget::Seat seat;
    seat.stalled(&budget, a, out);
    EXPECT_EQ(budget.writers(), 1u);
  }
  EXPECT_EQ(budget.writers(), 0u);
  EXPECT_EQ(budget.bytes(), 0u);
}

}  // namespace
}  // namespace pscgi::process
