#include "pipeline/access_log_stage.hpp"

#include "log/logging.hpp"
#include "pipeline/exchange_internals.hpp"
#include "protocol/outgoing_response.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace pscgi::pipeline {
namespace {

// Answers with one fixed response and leaves a cache outcome on the exchange, as the cache would.
class AnsweringStage final : public Stage {
 public:
  AnsweringStage(ResponsePtr response, CacheOutcome outcome) : response_(std::move(response)), outcome_(outcome) {}
  std::string_view name() const noexcept override { return "answering"; }
  StageResult on_request(Exchange& exchange) override {
    set_cache_outcome(exchange, outcome_);
    exchange.extra_headers.push_back({"X-Pscgi-Worker", "7"});
    exchange.response = response_;
    return StageResult::answered;
  }

 private:
  ResponsePtr response_;
  CacheOutcome outcome_;
};

struct AccessLogStageTest : ::testing::Test {
  std::string dir = std::filesystem::temp_directory_path() / ("pscgi-access-stage-" + std::to_string(::getpid()));
  std::string path = dir + "/access.log";
  ResponsePtr full = ResponseBuilder(200).content_type("text/plain").body(std::string(1000, 'x')).finish();

  void SetUp() override {
    std::filesystem::create_directories(dir);
    config::LogSettings settings;
    settings.access_log = path;
    log::setup_logging(settings, "worker");
  }
  void TearDown() override {
    config::LogSettings quiet;
    quiet.access_log = "off";
    log::setup_logging(quiet, "test");
    std::filesystem::remove_all(dir);
  }

  // The access line for one request, and the bytes its client is sent.
  std::pair<std::string, std::size_t> serve(const std::string& method, CacheOutcome outcome) {
    Pipeline pipeline;
    pipeline.append(make_access_log_stage());
    pipeline.append(std::make_unique<AnsweringStage>(full, outcome));
    const Request request = Request::from_variables({{"REQUEST_METHOD", method}, {"REQUEST_URI", "/p"}});
    Exchange exchange(request);
    pipeline.run(exchange);
    const std::size_t sent = protocol::OutgoingResponse::answer_to(exchange).total();
    log::flush_logs();
    std::ifstream in(path);
    std::stringstream lines;
    lines << in.rdbuf();
    std::filesystem::remove(path);
    log::reopen_logs();
    return {lines.str(), sent};
  }
};

TEST_F(AccessLogStageTest, LogsTheCacheOutcomeByName) {
  EXPECT_NE(serve("GET", CacheOutcome::hit).first.find(" cache=hit\n"), std::string::npos);
  EXPECT_NE(serve("GET", CacheOutcome::stored).first.find(" cache=stored\n"), std::string::npos);
  EXPECT_NE(serve("GET", CacheOutcome::none).first.find(" cache=-\n"), std::string::npos);
}

TEST_F(AccessLogStageTest, LogsTheBytesTheClientIsSentForGetAndForHead) {
  for (const char* method : {"GET", "HEAD"}) {
    const auto [line, sent] = serve(method, CacheOutcome::hit);
    EXPECT_NE(line.find(std::string("\"") + method + " /p\" 200 " + std::to_string(sent) + " "), std::string::npos)
        << line;
  }
  EXPECT_LT(serve("HEAD", CacheOutcome::hit).second, full->wire().size()) << "HEAD is sent without the body";
}

}  // namespace
}  // namespace pscgi::pipeline
