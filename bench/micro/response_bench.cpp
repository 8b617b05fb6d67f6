// Response serialisation: ResponseBuilder::finish (validation, the computed ETag, rendering the wire
// bytes once) and the OutgoingResponse a worker makes of a finished response for every request.

#include "pipeline_rig.hpp"

#include <pscgi/response.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace pscgi::bench {
namespace {

enum class Etag { computed, off };

std::string html_body(std::size_t bytes) {
  std::string body = "<!DOCTYPE html>\n<html><head><title>Page</title></head><body>\n";
  while (body.size() + 16 < bytes) body += "<p>Lorem ipsum dolor sit amet, consectetur.</p>\n";
  body.resize(bytes - 15, '.');
  body += "</body></html>\n";
  return body;
}

ResponsePtr make_page(std::string body, Etag etag) {
  ResponseBuilder builder(200);
  builder.content_type("text/html; charset=utf-8").body(std::move(body));
  if (etag == Etag::off) builder.no_etag();
  return builder.finish();
}

// What an application pays to hand its body to the builder; the finish benchmarks include it, so
// subtract this to see finish() alone.
void BM_Response_BodyCopy(benchmark::State& state) {
  const std::string source = html_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string body = source;
    benchmark::DoNotOptimize(body.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(source.size()));
}
BENCHMARK(BM_Response_BodyCopy)->Arg(512)->Arg(64 * 1024);

// A fresh builder per response, as an application makes one: content type, body, finish().
void BM_Response_Finish(benchmark::State& state, Etag etag) {
  const std::string source = html_body(static_cast<std::size_t>(state.range(0)));
  std::size_t wire_bytes = 0;
  for (auto _ : state) {
    ResponsePtr response = make_page(source, etag);
    wire_bytes = response->wire_size();
    benchmark::DoNotOptimize(response.get());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire_bytes));
}
BENCHMARK_CAPTURE(BM_Response_Finish, etag, Etag::computed)->Arg(512)->Arg(64 * 1024);
BENCHMARK_CAPTURE(BM_Response_Finish, no_etag, Etag::off)->Arg(512)->Arg(64 * 1024);

// The per-request wrapper around a (cached) response: OutgoingResponse and its iovecs. With debug
// headers the two per-request headers are rendered between the response's head and tail.
void BM_Response_Outgoing(benchmark::State& state, bool debug_headers) {
  const ResponsePtr page = make_page(html_body(static_cast<std::size_t>(state.range(0))), Etag::computed);
  std::vector<Header> extra;
  if (debug_headers) extra = {{"Cache-Status", "pscgi; hit; ttl=9"}, {"X-Pscgi-Worker", "12345"}};
  for (auto _ : state) {
    const std::size_t sent = outgoing_phase(page, extra);
    benchmark::DoNotOptimize(sent);
  }
  // No bytes/s: nothing is copied, the iovecs point into the response (and the extra headers).
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Response_Outgoing, plain, false)->Arg(512)->Arg(64 * 1024);
BENCHMARK_CAPTURE(BM_Response_Outgoing, debug_headers, true)->Arg(512);

}  // namespace
}  // namespace pscgi::bench
