// The in-process pipeline (access_log, conditional, cache, app) on a cache hit and on a miss, and
// the full user-space path of a request: parse, pipeline, outgoing bytes. No sockets.

#include "nginx_request.hpp"
#include "pipeline_rig.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace pscgi::bench {
namespace {

enum class Outcome {
  hit,           ///< every request after the first is answered by the cache
  miss,          ///< every request comes expiry_step after the last: the app runs, the cache stores
  not_modified,  ///< a hit whose If-None-Match matches: the conditional stage answers 304
};

// Runs the first request at rig.start() so that the cache holds the page, and returns its ETag.
std::string warm_up(PipelineRig& rig, const Request& request) {
  Exchange exchange(request, rig.start());
  pipeline_phase(rig.pipeline(), exchange);
  return std::string(exchange.response->header("ETag").value_or(""));
}

// The SCGI bytes of the request for `outcome`, and the status every one of them must get.
std::string wire_for(PipelineRig& rig, Outcome outcome, int& expected_status) {
  Variables variables = browser_get(rig.path());
  const std::string etag = warm_up(rig, parse_phase(scgi_wire(variables), rig.limits()));
  expected_status = 200;
  if (outcome == Outcome::not_modified) {
    variables = with_variable(std::move(variables), "HTTP_IF_NONE_MATCH", etag);
    expected_status = 304;
  }
  return scgi_wire(variables);
}

Clock::time_point time_of(const PipelineRig& rig, Outcome outcome, std::int64_t request_number) {
  return outcome == Outcome::miss ? rig.start() + request_number * expiry_step : rig.start();
}

// Pipeline::run alone: the request is parsed once, before the loop.
void BM_Pipeline(benchmark::State& state, Outcome outcome, AppKind app, AccessLog log) {
  PipelineRig rig(app, log);
  int expected_status = 0;
  const Request request = parse_phase(wire_for(rig, outcome, expected_status), rig.limits());
  std::int64_t number = 0;
  int status = 0;
  for (auto _ : state) {
    Exchange exchange(request, time_of(rig, outcome, ++number));
    pipeline_phase(rig.pipeline(), exchange);
    status = exchange.response->status();
    benchmark::DoNotOptimize(exchange.response.get());
  }
  if (status != expected_status) state.SkipWithError("the pipeline did not answer as expected");
  state.SetItemsProcessed(state.iterations());
}

// parse_phase + Pipeline::run + outgoing_phase, from the request's bytes to the response's iovecs.
void BM_FullPath(benchmark::State& state, Outcome outcome, AppKind app, AccessLog log) {
  PipelineRig rig(app, log);
  int expected_status = 0;
  const std::string wire = wire_for(rig, outcome, expected_status);
  std::int64_t number = 0;
  Served served;
  for (auto _ : state) {
    served = serve_request(rig, wire, time_of(rig, outcome, ++number));
    benchmark::DoNotOptimize(served);
  }
  if (served.status != expected_status) state.SkipWithError("the pipeline did not answer as expected");
  state.SetItemsProcessed(state.iterations());
  state.counters["response_bytes"] = static_cast<double>(served.bytes);
}

using enum Outcome;
using enum AppKind;
using enum AccessLog;

BENCHMARK_CAPTURE(BM_Pipeline, hit/static/log_off, hit, static_page, off);
BENCHMARK_CAPTURE(BM_Pipeline, hit/static/log_devnull, hit, static_page, dev_null);
BENCHMARK_CAPTURE(BM_Pipeline, hit/hello/log_off, hit, hello, off);
BENCHMARK_CAPTURE(BM_Pipeline, hit/hello/log_devnull, hit, hello, dev_null);
BENCHMARK_CAPTURE(BM_Pipeline, miss/static/log_off, miss, static_page, off);
BENCHMARK_CAPTURE(BM_Pipeline, miss/static/log_devnull, miss, static_page, dev_null);
BENCHMARK_CAPTURE(BM_Pipeline, miss/hello/log_off, miss, hello, off);
BENCHMARK_CAPTURE(BM_Pipeline, miss/hello/log_devnull, miss, hello, dev_null);
BENCHMARK_CAPTURE(BM_Pipeline, not_modified/static/log_off, not_modified, static_page, off);

BENCHMARK_CAPTURE(BM_FullPath, hit/static/log_off, hit, static_page, off);
BENCHMARK_CAPTURE(BM_FullPath, hit/static/log_devnull, hit, static_page, dev_null);
BENCHMARK_CAPTURE(BM_FullPath, hit/hello/log_off, hit, hello, off);
BENCHMARK_CAPTURE(BM_FullPath, miss/static/log_off, miss, static_page, off);
BENCHMARK_CAPTURE(BM_FullPath, miss/hello/log_off, miss, hello, off);
BENCHMARK_CAPTURE(BM_FullPath, miss/hello/log_devnull, miss, hello, dev_null);
BENCHMARK_CAPTURE(BM_FullPath, not_modified/static/log_off, not_modified, static_page, off);

}  // namespace
}  // namespace pscgi::bench
