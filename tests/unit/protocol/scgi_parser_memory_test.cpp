// The parser's memory follows the bytes that arrive, not the lengths a peer declares: a gigabyte
// promised costs nothing until it comes. Allocations are counted by the test binary's operator new
// (unit/support/allocation_counting.hpp).

#include "protocol/scgi_parser.hpp"

#include "unit/protocol/scgi_test_support.hpp"
#include "unit/support/allocation_counting.hpp"

#include <gtest/gtest.h>

#include <new>
#include <string>

namespace pscgi::protocol {
namespace {

using testing::scgi_request;
using State = ScgiParser::State;

constexpr std::size_t gib = std::size_t{1} << 30;
constexpr std::size_t initial_reserve = 64 * 1024;
constexpr std::size_t terminator = 1;  // a std::string's buffer holds a '\0' past its capacity

// A header block that declares `content_length` body bytes.
std::string head_declaring(std::size_t content_length) {
  return scgi_request({{"CONTENT_LENGTH", std::to_string(content_length)}, {"SCGI", "1"}, {"REQUEST_METHOD", "POST"}});
}

TEST(ScgiParserMemoryTest, ADeclaredGigabyteWithNoBodyReservesNoMoreThanTheInitialBuffer) {
  ScgiParser parser({4096, 2 * gib});
  const pscgi::testing::CountedAllocations counted;
  const std::string head = head_declaring(gib);
  parser.feed(head);
  parser.feed("first body bytes");
  ASSERT_EQ(parser.state(), State::body) << parser.error_detail();
  EXPECT_LE(counted.largest(), initial_reserve + terminator) << "the declared length was reserved up front";
}

// The body grows by doubling as it comes, never past what was declared.
TEST(ScgiParserMemoryTest, TheBodyGrowsWithTheBytesThatArrive) {
  ScgiParser parser({4096, 2 * gib});
  parser.feed(head_declaring(gib));
  const std::string chunk(64 * 1024, 'b');
  const pscgi::testing::CountedAllocations counted;
  for (int i = 0; i < 16; ++i) parser.feed(chunk);  // 1 MiB arrived
  EXPECT_GE(counted.largest(), 1024u * 1024u);
  EXPECT_LE(counted.largest(), 2u * 1024u * 1024u) << "more than twice what arrived";
  EXPECT_EQ(parser.body_bytes_missing(), gib - 1024 * 1024);
}

TEST(ScgiParserMemoryTest, ACompleteBodyIsExactAndUnchangedByGrowth) {
  const std::size_t size = 3 * initial_reserve + 17;  // past the initial reserve, not a power of two
  std::string body(size, '\0');
  for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + i % 26);
  const std::string wire = testing::scgi_request_with_body(body, {{"REQUEST_METHOD", "POST"}});
  ScgiParser parser({4096, size});
  for (std::size_t at = 0; at < wire.size(); at += 1000) parser.feed(std::string_view(wire).substr(at, 1000));
  ASSERT_EQ(parser.state(), State::complete) << parser.error_detail();
  const Request request = parser.take_request();
  EXPECT_EQ(request.body(), body);
}

// A header block that declares the most max_header_bytes allows is not reserved whole either.
TEST(ScgiParserMemoryTest, ALargeDeclaredHeaderBlockIsNotReservedUpFront) {
  ScgiParser parser({gib, 0});
  const pscgi::testing::CountedAllocations counted;
  parser.feed(std::to_string(gib / 2) + ":CONTENT_LENGTH");
  ASSERT_EQ(parser.state(), State::header) << parser.error_detail();
  EXPECT_LE(counted.largest(), initial_reserve + terminator);
}

// A request that ends before its body is complete (408, a closed peer, no memory) leaves its
// partial body behind: reset() gives it back, since a worker keeps the parser for its next
// connection.
TEST(ScgiParserMemoryTest, ResetGivesBackAPartialBody) {
  ScgiParser parser({4096, 2 * gib});
  const pscgi::testing::CountedAllocations counted;
  parser.feed(head_declaring(gib));
  for (int i = 0; i < 64; ++i) parser.feed(std::string(64 * 1024, 'b'));  // 4 MiB arrived
  ASSERT_GE(counted.net_bytes(), 4 * 1024 * 1024);
  parser.reset();
  EXPECT_LT(counted.net_bytes(), static_cast<std::ptrdiff_t>(initial_reserve)) << "the partial body is still held";
}

// What a failed allocation leaves: the exception reaches the caller (the connection answers 503),
// and a reset parser serves the next request.
TEST(ScgiParserMemoryTest, AFailedAllocationLeavesAParserThatCanBeReset) {
  ScgiParser parser({4096, 2 * gib});
  parser.feed(head_declaring(gib));
  const std::string chunk(64 * 1024, 'b');
  {
    const pscgi::testing::RefusedAllocations refused(256 * 1024);
    EXPECT_THROW(
        {
          for (int i = 0; i < 16; ++i) parser.feed(chunk);
        },
        std::bad_alloc);
    EXPECT_EQ(refused.refused(), 1u);
  }
  parser.reset();
  const std::string wire = testing::scgi_request_with_body("next", {{"REQUEST_METHOD", "POST"}});
  EXPECT_EQ(parser.feed(wire), wire.size());
  ASSERT_EQ(parser.state(), State::complete) << parser.error_detail();
  EXPECT_EQ(parser.take_request().body(), "next");
}

}  // namespace
}  // namespace pscgi::protocol
