// A body is built once: the bytes the application put in its string are the bytes the socket is
// given, with no copy on the way (ResponseBuilder, Response, OutgoingResponse).
#include <pscgi/response.hpp>

#include "protocol/outgoing_response.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pscgi {
namespace {

constexpr std::size_t large = 4 * 1024 * 1024;

TEST(ResponseBodyTest, TheResponseKeepsTheApplicationsOwnString) {
  std::string body(large, 'x');
  const char* const bytes = body.data();
  const ResponsePtr response = ResponseBuilder(200).body(std::move(body)).finish();
  EXPECT_EQ(response->body().data(), bytes);
  EXPECT_EQ(response->body().size(), large);
  EXPECT_EQ(response->wire_size(), response->wire_prefix().size() + large);
}

TEST(ResponseBodyTest, TheWireIsTheHeadThenTheBody) {
  const ResponsePtr response = ResponseBuilder(201).no_etag().body("hello").finish();
  EXPECT_EQ(response->wire_prefix(), "Status: 201 Created\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(response->wire_head(), "Status: 201 Created\r\nContent-Length: 5\r\n");
  EXPECT_EQ(response->wire(), std::string(response->wire_prefix()) + "hello");
  EXPECT_EQ(response->wire_size(), response->wire().size());
}

TEST(ResponseBodyTest, TheSocketIsGivenTheBodyWhereTheApplicationWroteIt) {
  std::string body(large, 'y');
  const char* const bytes = body.data();
  const protocol::OutgoingResponse out(ResponseBuilder(200).body(std::move(body)).finish(), {});
  iovec parts[3];
  ASSERT_EQ(out.pending(parts), 2);
  EXPECT_EQ(parts[1].iov_base, bytes);
  EXPECT_EQ(parts[1].iov_len, large);
}

TEST(ResponseBodyTest, ExtraHeadersGoBetweenTheHeadAndTheBlankLine) {
  const ResponsePtr response = ResponseBuilder(200).no_etag().body("hi").finish();
  const protocol::OutgoingResponse out(response, {{"Cache-Status", "pscgi; hit"}});
  iovec parts[3];
  ASSERT_EQ(out.pending(parts), 3);
  std::string written;
  for (const iovec& part : parts) written.append(static_cast<const char*>(part.iov_base), part.iov_len);
  EXPECT_EQ(written, "Status: 200 OK\r\nContent-Length: 2\r\nCache-Status: pscgi; hit\r\n\r\nhi");
  EXPECT_EQ(out.total(), written.size());
  EXPECT_EQ(out.shared_bytes(), response->wire_size());
  EXPECT_EQ(out.own_bytes(), std::string("Cache-Status: pscgi; hit\r\n\r\n").size());
}

TEST(ResponseBodyTest, TheAnswerToHeadIsNotCopiedWithItsBody) {
  const ResponsePtr full = ResponseBuilder(200).body(std::string(large, 'z')).finish();
  const ResponsePtr head = full->without_body();
  EXPECT_TRUE(head->body().empty());
  EXPECT_EQ(head->wire_prefix(), full->wire_prefix());
  EXPECT_EQ(head->wire_size(), full->wire_prefix().size());
  EXPECT_EQ(full->body().size(), large) << "the original is left as it was";
}

}  // namespace
}  // namespace pscgi
