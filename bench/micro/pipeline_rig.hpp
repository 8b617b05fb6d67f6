#pragma once
// A worker's in-process request path without its sockets: the pipeline exactly as the server
// builds it from config::default_config(), the logs as a worker sets them up, and the per-request
// steps between recv() and sendmsg() split into three functions a profiler can tell apart.

#include "config/config.hpp"
#include "pipeline/clock.hpp"
#include "protocol/scgi_parser.hpp"

#include <pscgi/exchange.hpp>
#include <pscgi/pipeline.hpp>

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

namespace pscgi::bench {

/// Where the access log goes: nowhere (`access_log: off`), or through the worker's BufferedFdSink
/// to /dev/null, so its formatting and buffering are paid and its write(2)s cost almost nothing.
enum class AccessLog { off, dev_null };

/// The application at the end of the pipeline.
enum class AppKind {
  hello,        ///< the demo app (`app: {type: demo}`), route /hello: formats a small page per render
  static_page,  ///< returns the same prebuilt small page every time: the cheapest possible app
};

/// A time step after which anything the default cache stored has expired (cache.ttl is 10 s, cut by
/// up to 10% of jitter): moving accepted_at by it makes the next lookup of the same key a miss.
inline constexpr std::chrono::seconds expiry_step{11};

/// One worker's pipeline: access_log, conditional, cache, then the app, built by
/// pipeline::build_pipeline from config::default_config() with `app` and `log`. The constructor also
/// sets up this process's logs as a worker's (the error log on stderr at `warn`, so nothing is
/// written while benchmarks run) and calls on_worker_start, as a worker does after fork.
class PipelineRig {
 public:
  PipelineRig(AppKind app, AccessLog log);
  PipelineRig(const PipelineRig&) = delete;
  PipelineRig& operator=(const PipelineRig&) = delete;

  Pipeline& pipeline() noexcept { return pipeline_; }
  /// The parser serve_request uses for every request, as a worker's reused Connection keeps one.
  protocol::ScgiParser& parser() noexcept { return parser_; }
  protocol::ParserLimits limits() const noexcept;
  /// The time of the first request; hits use it, misses step away from it by expiry_step.
  Clock::time_point start() const noexcept { return start_; }
  /// The request path the app answers with 200 (/hello for the demo app).
  std::string_view path() const noexcept { return path_; }

 private:
  config::Config config_;
  Pipeline pipeline_;
  protocol::ScgiParser parser_;
  Clock::time_point start_;
  std::string_view path_;
};

/// Parses one complete request as a Connection does: `parser` fed `wire` in pieces of the worker's
/// 64 KiB read buffer. Throws std::runtime_error when the bytes are not one request.
[[gnu::noinline]] Request parse_phase(protocol::ScgiParser& parser, std::string_view wire);
/// The same with a fresh parser (what a new Connection would have).
Request parse_phase(std::string_view wire, const protocol::ParserLimits& limits);
/// Pipeline::run, out of line so that profiles show it as one call.
[[gnu::noinline]] void pipeline_phase(Pipeline& pipeline, Exchange& exchange);
/// Builds the OutgoingResponse of `response` and `extra_headers` as the Connection does, takes every
/// iovec it offers as if sendmsg() wrote it all, and returns the bytes "sent".
[[gnu::noinline]] std::size_t outgoing_phase(ResponsePtr response, const std::vector<Header>& extra_headers);

/// What serve_request did.
struct Served {
  int status = 0;
  std::size_t bytes = 0;
};

/// The whole user-space path of one request: parse (with rig.parser()), pipeline, outgoing, and the
/// request's buffers handed back to the parser, as the worker's Connection does.
Served serve_request(PipelineRig& rig, std::string_view wire, Clock::time_point accepted_at);

}  // namespace pscgi::bench
