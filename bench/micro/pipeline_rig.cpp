#include "pipeline_rig.hpp"

#include "cache/cache_generation.hpp"
#include "log/logging.hpp"
#include "pipeline/stage_factory.hpp"
#include "process/scoreboard.hpp"
#include "protocol/outgoing_response.hpp"

#include <pscgi/server.hpp>

#include <benchmark/benchmark.h>

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace pscgi::bench {
namespace {

// The size of ConnectionContext::scratch: what one recv() can bring in.
constexpr std::size_t read_buffer_bytes = 64 * 1024;

// About the size of the demo's /hello page, so that the two apps' hits move the same bytes.
constexpr std::string_view static_page_html =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Static</title>\n</head>\n"
    "<body>\n<h1>Static</h1>\n<p>This page was rendered once, when the application started.</p>\n"
    "<p>Every request gets the very same response object, so a miss costs the pipeline and the cache's\n"
    "store, and nothing of the application's own.</p>\n</body>\n</html>\n";

class StaticPageApp final : public App {
 public:
  StaticPageApp()
      : page_(ResponseBuilder(200).content_type("text/html; charset=utf-8").body(std::string(static_page_html)).finish()) {}
  ResponsePtr handle(const Request&) override { return page_; }

 private:
  ResponsePtr page_;
};

AppRegistry bench_apps() {
  AppRegistry apps = builtin_apps();
  apps.add("static", [](const AppSettings&) -> AppPtr { return std::make_unique<StaticPageApp>(); });
  return apps;
}

// As in a worker: the cache publishes its counters into the worker's scoreboard slot on every hit.
pipeline::StageDependencies bench_dependencies() {
  std::shared_ptr<process::Scoreboard> scoreboard = process::Scoreboard::create(1);
  scoreboard->claim(1, 1);
  return {cache::CacheGeneration::create(), std::move(scoreboard)};
}

config::Config bench_config(AppKind app, AccessLog log) {
  config::Config config = config::default_config();
  config.app.type = app == AppKind::hello ? "demo" : "static";
  config.log.level = config::LogLevel::warn;
  config.log.access_log = log == AccessLog::off ? "off" : "/dev/null";
  return config;
}

}  // namespace

PipelineRig::PipelineRig(AppKind app, AccessLog log)
    : config_(bench_config(app, log)),
      pipeline_(pipeline::build_pipeline(config_, bench_apps(), bench_dependencies())),
      parser_(limits()),
      start_(Clock::now()),
      path_(app == AppKind::hello ? "/hello" : "/static") {
  // What a worker does after fork, in this order: logs first, then the stages' per-process state.
  log::setup_logging(config_.log, "worker");
  pipeline_.on_worker_start({.pid = static_cast<int>(::getpid()), .slot = 1});
}

protocol::ParserLimits PipelineRig::limits() const noexcept {
  return {config_.limits.max_header_bytes, config_.limits.max_body_bytes};
}

Request parse_phase(std::string_view wire, const protocol::ParserLimits& limits) {
  protocol::ScgiParser parser(limits);
  return parse_phase(parser, wire);
}

Request parse_phase(protocol::ScgiParser& parser, std::string_view wire) {
  while (!wire.empty() && parser.state() != protocol::ScgiParser::State::complete) {
    const std::size_t used = parser.feed(wire.substr(0, std::min(wire.size(), read_buffer_bytes)));
    if (parser.state() == protocol::ScgiParser::State::failed) throw std::runtime_error("bad SCGI request");
    wire.remove_prefix(used);
  }
  return parser.take_request();
}

void pipeline_phase(Pipeline& pipeline, Exchange& exchange) { pipeline.run(exchange); }

std::size_t outgoing_phase(ResponsePtr response, const std::vector<Header>& extra_headers) {
  protocol::OutgoingResponse outgoing(std::move(response), extra_headers);
  std::size_t sent = 0;
  while (!outgoing.done()) {
    iovec parts[3];
    const int used = outgoing.pending(parts);
    std::size_t bytes = 0;
    for (int i = 0; i < used; ++i) bytes += parts[i].iov_len;
    benchmark::DoNotOptimize(parts);  // what sendmsg() would read
    outgoing.advance(bytes);
    sent += bytes;
  }
  return sent;
}

Served serve_request(PipelineRig& rig, std::string_view wire, Clock::time_point accepted_at) {
  Request request = parse_phase(rig.parser(), wire);
  Served served;
  {
    Exchange exchange(request, accepted_at);
    pipeline_phase(rig.pipeline(), exchange);
    served.status = exchange.response->status();
    served.bytes = outgoing_phase(std::move(exchange.response), exchange.extra_headers);
  }
  rig.parser().recycle(std::move(request));
  return served;
}

}  // namespace pscgi::bench
