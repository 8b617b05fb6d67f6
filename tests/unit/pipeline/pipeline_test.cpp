#include <pscgi/pipeline.hpp>

#include <pscgi/app.hpp>

#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace pscgi {
namespace {

// Records the order it is called in, and answers or throws when told to.
class RecordingStage final : public Stage {
 public:
  enum class Does { pass, answer, throw_on_request, throw_on_response, replace_response, run_out_of_memory_on_request,
                    run_out_of_memory_on_response };
  RecordingStage(std::string name, std::vector<std::string>& log, Does does = Does::pass)
      : name_(std::move(name)), log_(log), does_(does) {}

  std::string_view name() const noexcept override { return name_; }
  StageResult on_request(Exchange& exchange) override {
    log_.push_back(name_ + ">");
    if (does_ == Does::throw_on_request) throw std::runtime_error("boom");
    if (does_ == Does::run_out_of_memory_on_request) throw std::bad_alloc();
    if (does_ == Does::answer) {
      exchange.response = ResponseBuilder(200).body(name_).finish();
      return StageResult::answered;
    }
    return StageResult::pass;
  }
  void on_response(Exchange& exchange) override {
    log_.push_back("<" + name_);
    if (does_ == Does::throw_on_response) throw std::runtime_error("boom");
    if (does_ == Does::run_out_of_memory_on_response) throw std::bad_alloc();
    if (does_ == Does::replace_response) exchange.response = ResponseBuilder(203).body("replaced").finish();
  }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  Does does_;
};

using Does = RecordingStage::Does;

struct PipelineTest : ::testing::Test {
  std::vector<std::string> log;
  Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/"}});

  StagePtr stage(std::string name, Does does = Does::pass) {
    return std::make_unique<RecordingStage>(std::move(name), log, does);
  }
};

TEST_F(PipelineTest, CallsStagesInOrderAndResponsesInReverse) {
  Pipeline p;
  p.append(stage("a"));
  p.append(stage("b"));
  p.append(stage("c", Does::answer));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(log, (std::vector<std::string>{"a>", "b>", "c>", "<b", "<a"}));
  EXPECT_EQ(ex.response->body(), "c");
}

TEST_F(PipelineTest, AnsweringStageShortCircuitsLaterStages) {
  Pipeline p;
  p.append(stage("a"));
  p.append(stage("b", Does::answer));
  p.append(stage("c", Does::answer));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(log, (std::vector<std::string>{"a>", "b>", "<a"}));
  EXPECT_EQ(ex.response->body(), "b");
}

TEST_F(PipelineTest, NoAnswerIs404) {
  Pipeline p;
  p.append(stage("a"));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(ex.response->status(), 404);
  EXPECT_EQ(log, (std::vector<std::string>{"a>", "<a"}));
}

TEST_F(PipelineTest, ExceptionBecomes500SeenByEarlierStages) {
  Pipeline p;
  p.append(stage("a"));
  p.append(stage("b", Does::throw_on_request));
  p.append(stage("c", Does::answer));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(ex.response->status(), 500);
  EXPECT_EQ(log, (std::vector<std::string>{"a>", "b>", "<a"}));
}

TEST_F(PipelineTest, ExceptionOnTheWayOutBecomes500AndOuterStagesStillRun) {
  Pipeline p;
  p.append(stage("a"));
  p.append(stage("b", Does::throw_on_response));
  p.append(stage("c", Does::answer));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(ex.response->status(), 500);
  EXPECT_EQ(log, (std::vector<std::string>{"a>", "b>", "c>", "<b", "<a"}));
}

// Out of memory is no bug of the stage's: the request was too big for now, and 503 says so.
TEST_F(PipelineTest, RunningOutOfMemoryBecomes503SeenByEarlierStages) {
  Pipeline p;
  p.append(stage("a"));
  p.append(stage("b", Does::run_out_of_memory_on_request));
  p.append(stage("c", Does::answer));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(ex.response->status(), 503);
  EXPECT_EQ(log, (std::vector<std::string>{"a>", "b>", "<a"}));
}

TEST_F(PipelineTest, RunningOutOfMemoryOnTheWayOutBecomes503) {
  Pipeline p;
  p.append(stage("a"));
  p.append(stage("b", Does::run_out_of_memory_on_response));
  p.append(stage("c", Does::answer));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(ex.response->status(), 503);
  EXPECT_EQ(log, (std::vector<std::string>{"a>", "b>", "c>", "<b", "<a"}));
}

TEST_F(PipelineTest, StageMayReplaceResponseOnTheWayOut) {
  Pipeline p;
  p.append(stage("a", Does::replace_response));
  p.append(stage("b", Does::answer));
  Exchange ex(request);
  p.run(ex);
  EXPECT_EQ(ex.response->status(), 203);
}

class ThrowingApp final : public App {
 public:
  ResponsePtr handle(const Request&) override { throw std::runtime_error("app failure"); }
};
class NullApp final : public App {
 public:
  ResponsePtr handle(const Request&) override { return nullptr; }
};

TEST_F(PipelineTest, AppExceptionsAndNullAnswersBecome500) {
  std::vector<AppPtr> apps;
  apps.push_back(std::make_unique<ThrowingApp>());
  apps.push_back(std::make_unique<NullApp>());
  for (AppPtr& app : apps) {
    Pipeline p;
    p.append(make_app_stage(std::move(app)));
    Exchange ex(request);
    p.run(ex);
    EXPECT_EQ(ex.response->status(), 500);
  }
}

TEST_F(PipelineTest, ReplacedRequestIsSeenByLaterStagesOnly) {
  Request get = request.with_method("HEAD");
  Exchange ex(get);
  ex.replace_request(get.with_method("GET"));
  EXPECT_EQ(ex.request().method(), "GET");
  EXPECT_EQ(ex.original_request().method(), "HEAD");
  EXPECT_EQ(ex.request().uri(), "/");
}

}  // namespace
}  // namespace pscgi
