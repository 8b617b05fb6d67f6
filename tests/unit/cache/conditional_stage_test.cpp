#include "cache/conditional_stage.hpp"

#include "unit/protocol/received_answer.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pscgi::cache {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;

// Answers every request with one fixed response object.
class FixedStage final : public Stage {
 public:
  explicit FixedStage(ResponsePtr response) : response_(std::move(response)) {}
  std::string_view name() const noexcept override { return "fixed"; }
  StageResult on_request(Exchange& exchange) override {
    exchange.response = response_;
    return StageResult::answered;
  }

 private:
  ResponsePtr response_;
};

struct ConditionalStageTest : ::testing::Test {
  ResponsePtr full = ResponseBuilder(200)
                         .content_type("text/plain")
                         .header("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")
                         .header("ETag", "\"v1\"")
                         .body("hello world")
                         .finish();
  const std::string wire_before = std::string(full->wire());

  // Runs the conditional stage in front of `answer`; gives what it handed on and, in `received`,
  // what the client gets.
  ResponsePtr run(const ResponsePtr& answer, Vars headers, std::string method = "GET",
                  protocol::test_support::ReceivedAnswer* received = nullptr) {
    Pipeline pipeline;
    pipeline.append(make_conditional_stage());
    pipeline.append(std::make_unique<FixedStage>(answer));
    headers.emplace_back("REQUEST_METHOD", std::move(method));
    headers.emplace_back("REQUEST_URI", "/");
    const Request request = Request::from_variables(headers);
    Exchange exchange(request);
    pipeline.run(exchange);
    ResponsePtr handed_on = exchange.response;
    if (received) *received = protocol::test_support::receive(exchange);
    return handed_on;
  }

  // Whatever the stage answered, the response it was given is as it was.
  void TearDown() override { EXPECT_EQ(full->wire(), wire_before); }
};

TEST_F(ConditionalStageTest, PassesOnTheWayIn) {
  ConditionalStage stage;
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}});
  Exchange exchange(request);
  EXPECT_EQ(stage.on_request(exchange), StageResult::pass);
  EXPECT_FALSE(exchange.response);
  EXPECT_EQ(stage.name(), "conditional");
}

TEST_F(ConditionalStageTest, MatchingIfNoneMatchGetsANew304WithoutContentLength) {
  for (const char* condition : {"\"v1\"", "W/\"v1\"", "\"v0\", \"v1\"", "*"}) {
    const ResponsePtr answer = run(full, {{"HTTP_IF_NONE_MATCH", condition}});
    EXPECT_EQ(answer->status(), 304) << condition;
    EXPECT_NE(answer.get(), full.get());
    EXPECT_FALSE(answer->header("Content-Length"));
    EXPECT_FALSE(answer->header("Content-Type"));
    EXPECT_EQ(answer->header("ETag"), "\"v1\"");
    EXPECT_EQ(answer->body(), "");
  }
}

TEST_F(ConditionalStageTest, NonMatchingConditionsGetTheSameObject) {
  for (Vars headers :
       {Vars{{"HTTP_IF_NONE_MATCH", "\"v2\""}}, Vars{{"HTTP_IF_MODIFIED_SINCE", "Sun, 06 Nov 1994 08:49:36 GMT"}},
        Vars{{"HTTP_IF_MODIFIED_SINCE", "not a date"}},
        Vars{{"HTTP_IF_NONE_MATCH", "\"v2\""}, {"HTTP_IF_MODIFIED_SINCE", "Sun, 06 Nov 2094 08:49:37 GMT"}}, Vars{}}) {
    EXPECT_EQ(run(full, headers).get(), full.get());
  }
}

TEST_F(ConditionalStageTest, IfModifiedSinceEqualOrLaterGets304) {
  EXPECT_EQ(run(full, {{"HTTP_IF_MODIFIED_SINCE", "Sun, 06 Nov 1994 08:49:37 GMT"}})->status(), 304);
  EXPECT_EQ(run(full, {{"HTTP_IF_MODIFIED_SINCE", "Sun, 06 Nov 2094 08:49:37 GMT"}})->status(), 304);
}

TEST_F(ConditionalStageTest, NoNotModifiedForOtherStatusesOrMethods) {
  const ResponsePtr not_found = ResponseBuilder(404).header("ETag", "\"v1\"").body("gone").finish();
  EXPECT_EQ(run(not_found, {{"HTTP_IF_NONE_MATCH", "\"v1\""}}).get(), not_found.get());
  EXPECT_EQ(run(full, {{"HTTP_IF_NONE_MATCH", "\"v1\""}}, "POST").get(), full.get());
}

TEST_F(ConditionalStageTest, HeadGetsTheHeadOfTheResponseOrA304) {
  // The stage hands on the response itself; the client receives its head (protocol::OutgoingResponse).
  protocol::test_support::ReceivedAnswer head;
  EXPECT_EQ(run(full, {}, "HEAD", &head).get(), full.get());
  EXPECT_EQ(head.head, full->wire_head());
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("Content-Length"), "11");
  protocol::test_support::ReceivedAnswer not_modified;
  EXPECT_EQ(run(full, {{"HTTP_IF_NONE_MATCH", "\"v1\""}}, "HEAD", &not_modified)->status(), 304);
  EXPECT_EQ(not_modified.head.rfind("Status: 304 ", 0), 0u) << not_modified.head;
  EXPECT_EQ(not_modified.body, "");
  const ResponsePtr bodiless = ResponseBuilder(204).finish();
  EXPECT_EQ(run(bodiless, {}, "HEAD").get(), bodiless.get());
}

}  // namespace
}  // namespace pscgi::cache
