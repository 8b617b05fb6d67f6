// The error-log lines the pipeline and the app stage write about a request: the method, the URI and
// the exception's message are the client's (an app may quote the request in what it throws), so a
// request that carries a forged log line and a terminal escape still gives one escaped line.
#include <pscgi/pipeline.hpp>

#include <pscgi/app.hpp>
#include <pscgi/errors.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>

namespace pscgi {
namespace {

const std::string forged = "\n[2026-01-01 00:00:00.000] [worker 1] [critical] FORGED\x1b[2J";
const std::string escaped_forged = R"(\x0a[2026-01-01 00:00:00.000] [worker 1] [critical] FORGED\x1b[2J)";

enum class Fails { by_throwing, with_http_error, with_a_bad_header };

// Fails the way it is told to, quoting the request's URI as careless apps do.
class QuotingApp final : public App {
 public:
  explicit QuotingApp(Fails fails) : fails_(fails) {}
  ResponsePtr handle(const Request& request) override {
    const std::string quoted = "no page at " + std::string(request.uri());
    if (fails_ == Fails::by_throwing) throw std::runtime_error(quoted);
    if (fails_ == Fails::with_http_error) throw BadRequest(quoted);
    return ResponseBuilder(200).header("X-Echo", quoted).finish();
  }

 private:
  Fails fails_;
};

struct PipelineLogTest : ::testing::Test {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  Request request = Request::from_variables({{"REQUEST_METHOD", "GET" + forged}, {"REQUEST_URI", "/p" + forged}});

  PipelineLogTest() {
    auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(text));
    logger->set_pattern("[%l] %v");
    spdlog::set_default_logger(logger);
  }
  ~PipelineLogTest() override { spdlog::set_default_logger(previous); }

  int run(Fails fails) {
    Pipeline pipeline;
    pipeline.append(make_app_stage(std::make_unique<QuotingApp>(fails)));
    Exchange exchange(request);
    pipeline.run(exchange);
    return exchange.response->status();
  }

  void expect_one_escaped_line(const std::string& expected) {
    const std::string log = text.str();
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
    EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
    EXPECT_NE(log.find(expected), std::string::npos) << log;
  }
};

TEST_F(PipelineLogTest, AStageThatThrowsIsLoggedOnOneEscapedLine) {
  EXPECT_EQ(run(Fails::by_throwing), 500);
  expect_one_escaped_line("[error] stage 'app' threw in on_request: no page at /p" + escaped_forged + " (request GET" +
                          escaped_forged + " /p" + escaped_forged + ")\n");
}

TEST_F(PipelineLogTest, AnHttpErrorIsLoggedOnOneEscapedLine) {
  EXPECT_EQ(run(Fails::with_http_error), 400);
  expect_one_escaped_line("[info] app answered 400: no page at /p" + escaped_forged + " (request GET" + escaped_forged +
                          " /p" + escaped_forged + ")\n");
}

// The header check refuses the echoed value; its message names the byte without writing it.
TEST_F(PipelineLogTest, AnEchoedControlByteInAHeaderIsA500AndOneEscapedLine) {
  EXPECT_EQ(run(Fails::with_a_bad_header), 500);
  expect_one_escaped_line("control byte 0x0a (CR, LF, NUL, DEL and controls but tab are refused) in the value of "
                          "response header 'X-Echo' (request GET" + escaped_forged);
}

}  // namespace
}  // namespace pscgi
