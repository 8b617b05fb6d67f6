#include <pscgi/app.hpp>

#include <pscgi/errors.hpp>
#include <pscgi/pipeline.hpp>
#include <pscgi/responses.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi {
namespace {

// Answers by path: /bad throws BadRequest, /gone an HttpError 410, /odd an HttpError with a status
// that is not an error, /boom a plain exception; anything else is 200. Counts its hooks.
class ThrowingApp final : public App {
 public:
  ThrowingApp(int& starts, int& exits) : starts_(starts), exits_(exits) {}
  ResponsePtr handle(const Request& request) override {
    if (request.path() == "/bad") throw BadRequest("field \"n\" must be a number");
    if (request.path() == "/gone") throw HttpError(410, "that page was removed");
    if (request.path() == "/odd") throw HttpError(200, "not an error status");
    if (request.path() == "/boom") throw std::runtime_error("secret internal detail");
    return text("fine");
  }
  void on_worker_start(const WorkerInfo&) override { ++starts_; }
  void on_worker_exit() override { ++exits_; }

 private:
  int& starts_;
  int& exits_;
};

struct AppStageTest : ::testing::Test {
  int starts = 0;
  int exits = 0;
  Pipeline pipeline;
  void SetUp() override { pipeline.append(make_app_stage(std::make_unique<ThrowingApp>(starts, exits))); }

  ResponsePtr run(const std::string& path) {
    const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", path}});
    Exchange exchange(request);
    pipeline.run(exchange);
    return exchange.response;
  }
};

TEST_F(AppStageTest, BadRequestBecomesA400WithItsMessage) {
  const ResponsePtr r = run("/bad");
  EXPECT_EQ(r->status(), 400);
  EXPECT_EQ(r->body(), "400 Bad Request\nfield \"n\" must be a number\n");
}

TEST_F(AppStageTest, AnHttpErrorKeepsItsStatus) {
  EXPECT_EQ(run("/gone")->status(), 410);
  EXPECT_EQ(run("/odd")->status(), 500);
}

TEST_F(AppStageTest, OtherExceptionsStayA500WithoutTheirMessage) {
  const ResponsePtr r = run("/boom");
  EXPECT_EQ(r->status(), 500);
  EXPECT_EQ(std::string(r->body()).find("secret"), std::string::npos);
  EXPECT_EQ(run("/")->status(), 200);
}

TEST_F(AppStageTest, PassesTheWorkerHooksToTheApp) {
  pipeline.on_worker_start(WorkerInfo{123, 1});
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(exits, 0);
  pipeline.on_worker_exit();
  EXPECT_EQ(exits, 1);
}

}  // namespace
}  // namespace pscgi
