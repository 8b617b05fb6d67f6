#include "protocol/outgoing_response.hpp"

#include "unit/protocol/received_answer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pscgi::protocol {
namespace {

using test_support::receive;
using test_support::written_bytes;
using Vars = std::vector<std::pair<std::string, std::string>>;

const ResponsePtr full = ResponseBuilder(200).content_type("text/plain").body("0123456789").no_etag().finish();
const std::string full_head = "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n";

Request request_for(std::string method) { return Request::from_variables(Vars{{"REQUEST_METHOD", std::move(method)}, {"REQUEST_URI", "/"}}); }

TEST(OutgoingResponseTest, WritesTheWholeResponseAsItWasRendered) {
  const OutgoingResponse out(full, {});
  EXPECT_EQ(written_bytes(out), full->wire());
  EXPECT_EQ(out.total(), full->wire().size());
  iovec parts[3];
  EXPECT_EQ(out.pending(parts), 2) << "no extra headers: two pieces, the rendered head and the body where it is";
  EXPECT_EQ(out.response().get(), full.get());
}

TEST(OutgoingResponseTest, ExtraHeadersGoBetweenTheHeadAndTheBlankLine) {
  const OutgoingResponse out(full, {{"Cache-Status", "pscgi; hit"}, {"X-Pscgi-Worker", "7"}});
  EXPECT_EQ(written_bytes(out), full_head + "Cache-Status: pscgi; hit\r\nX-Pscgi-Worker: 7\r\n\r\n0123456789");
  EXPECT_EQ(out.total(), written_bytes(out).size());
}

TEST(OutgoingResponseTest, ExtraHeadersThatCouldInjectLinesAreLeftOut) {
  const OutgoingResponse out(full, {{"A", "1\r\nSet-Cookie: x=1"}, {"B:", "2"}, {"", "3"}, {"C", "ok"}});
  EXPECT_EQ(written_bytes(out), full_head + "C: ok\r\n\r\n0123456789");
}

TEST(OutgoingResponseTest, WithoutTheBodyItEndsAfterTheBlankLineAndKeepsContentLength) {
  EXPECT_EQ(written_bytes(OutgoingResponse(full, {}, Body::omit)), full_head + "\r\n");
  EXPECT_EQ(written_bytes(OutgoingResponse(full, {{"Cache-Status", "pscgi; hit"}}, Body::omit)),
            full_head + "Cache-Status: pscgi; hit\r\n\r\n");
  EXPECT_EQ(full->body(), "0123456789") << "the shared object is only read";
}

TEST(OutgoingResponseTest, HeadIsDecidedByTheMethodTheClientSent) {
  EXPECT_EQ(body_for(request_for("HEAD")), Body::omit);
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "OPTIONS", "head"}) {
    EXPECT_EQ(body_for(request_for(method)), Body::send) << method;
  }
}

TEST(OutgoingResponseTest, AnswerToTakesTheExchangesResponseAndItsExtraHeaders) {
  const Request get = request_for("GET");
  Exchange exchange(get);
  exchange.response = full;
  exchange.extra_headers = {{"X-Pscgi-Worker", "7"}};
  const OutgoingResponse out = OutgoingResponse::answer_to(exchange);
  EXPECT_FALSE(exchange.response) << "taken, not shared";
  EXPECT_EQ(out.response().get(), full.get());
  EXPECT_EQ(written_bytes(out), full_head + "X-Pscgi-Worker: 7\r\n\r\n0123456789");
}

// The seed's rule at the only place it is decided: a HEAD never gets a body, whatever the stages
// handed on, and even when a stage ran it as GET for the application.
TEST(OutgoingResponseTest, AHeadRequestGetsTheHeadOfWhateverResponseWasProduced) {
  const Request head = request_for("HEAD");
  const ResponsePtr answers[] = {full, ResponseBuilder(404).body("not here").finish(), make_error_response(500),
                                 ResponseBuilder(204).finish()};
  for (const ResponsePtr& answer : answers) {
    Exchange exchange(head);
    exchange.replace_request(head.with_method("GET"));
    exchange.response = answer;
    const std::string wire_before(answer->wire());
    const test_support::ReceivedAnswer received = receive(exchange);
    EXPECT_EQ(received.head, answer->wire_head()) << answer->status();
    EXPECT_EQ(received.body, "") << answer->status();
    EXPECT_EQ(received.bytes, std::string(answer->wire_head()) + "\r\n") << answer->status();
    EXPECT_EQ(received.header("Content-Length"), answer->header("Content-Length")) << answer->status();
    EXPECT_EQ(answer->wire(), wire_before);
  }
}

TEST(OutgoingResponseTest, SizeOfIsWhatAnswerToWrites) {
  for (const char* method : {"GET", "HEAD"}) {
    for (const std::vector<Header>& extra : {std::vector<Header>{}, std::vector<Header>{{"A", "1"}, {"B", "x\ny"}}}) {
      const Request request = request_for(method);
      Exchange exchange(request);
      exchange.response = full;
      exchange.extra_headers = extra;
      const std::size_t predicted = OutgoingResponse::size_of(exchange);
      const OutgoingResponse out = OutgoingResponse::answer_to(exchange);
      EXPECT_EQ(predicted, out.total()) << method;
      EXPECT_EQ(predicted, written_bytes(out).size()) << method;
    }
  }
}

TEST(OutgoingResponseTest, APartialWriteResumesWhereItStopped) {
  OutgoingResponse out(full, {{"A", "1"}});
  const std::string whole = written_bytes(out);
  out.advance(full_head.size() + 2);  // the head and part of the extra header
  iovec parts[3];
  const int used = out.pending(parts);
  std::string rest;
  for (int i = 0; i < used; ++i) rest.append(static_cast<const char*>(parts[i].iov_base), parts[i].iov_len);
  EXPECT_EQ(rest, whole.substr(full_head.size() + 2));
  out.advance(rest.size());
  EXPECT_TRUE(out.done());
  EXPECT_EQ(out.pending(parts), 0);
}

}  // namespace
}  // namespace pscgi::protocol
