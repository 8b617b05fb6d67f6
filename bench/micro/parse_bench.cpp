// SCGI parsing: the bytes nginx sends for one request, to the Request the pipeline sees.

#include "nginx_request.hpp"
#include "pipeline_rig.hpp"

#include <benchmark/benchmark.h>

#include <fmt/format.h>

namespace pscgi::bench {
namespace {

protocol::ParserLimits default_limits() {
  const config::Limits limits = config::default_config().limits;
  return {limits.max_header_bytes, limits.max_body_bytes};
}

void parse_loop(benchmark::State& state, const std::string& wire, const Variables& variables) {
  const protocol::ParserLimits limits = default_limits();
  for (auto _ : state) {
    Request request = parse_phase(wire, limits);
    benchmark::DoNotOptimize(request);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
  state.SetLabel(fmt::format("{} variables, {} bytes", variables.size(), wire.size()));
}

// The common case: a browser's GET, no body (21 variables, about 600 bytes).
void BM_Parse_BrowserGet(benchmark::State& state) {
  const Variables variables = browser_get("/hello");
  parse_loop(state, scgi_wire(variables), variables);
}
BENCHMARK(BM_Parse_BrowserGet);

// A form POST with a body of state.range(0) bytes, fed in 64 KiB pieces like the worker's reads.
void BM_Parse_Post(benchmark::State& state) {
  const auto body_bytes = static_cast<std::size_t>(state.range(0));
  const Variables variables = form_post("/submit", body_bytes);
  parse_loop(state, scgi_wire(variables, form_body(body_bytes)), variables);
}
BENCHMARK(BM_Parse_Post)->Arg(4 * 1024)->Arg(64 * 1024);

}  // namespace
}  // namespace pscgi::bench
