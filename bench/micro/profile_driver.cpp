// pscgi-micro-profile: runs the full user-space path of N identical requests, for a profiler.
//
//   pscgi-micro-profile [hit|miss|not_modified] [static|hello] [log_off|log_devnull] [requests]
//
// Everything per request happens inside measured_requests(), so a profiler can restrict itself to
// it (callgrind --toggle-collect='*measured_requests*') and divide by the request count: the setup,
// the warm-up and the exit are left out. profile_hit_path.sh does that with callgrind.

#include "nginx_request.hpp"
#include "pipeline_rig.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pscgi::bench {
namespace {

enum class Outcome { hit, miss, not_modified };

struct Options {
  Outcome outcome = Outcome::hit;
  AppKind app = AppKind::static_page;
  AccessLog log = AccessLog::off;
  long requests = 10000;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "hit") options.outcome = Outcome::hit;
    else if (arg == "miss") options.outcome = Outcome::miss;
    else if (arg == "not_modified") options.outcome = Outcome::not_modified;
    else if (arg == "static") options.app = AppKind::static_page;
    else if (arg == "hello") options.app = AppKind::hello;
    else if (arg == "log_off") options.log = AccessLog::off;
    else if (arg == "log_devnull") options.log = AccessLog::dev_null;
    else if (const long n = std::strtol(argv[i], nullptr, 10); n > 0) options.requests = n;
    else throw std::invalid_argument("unknown argument: " + std::string(arg));
  }
  return options;
}

Clock::time_point time_of(const PipelineRig& rig, Outcome outcome, long request_number) {
  return outcome == Outcome::miss ? rig.start() + request_number * expiry_step : rig.start();
}

// The only function a profiler needs to look inside. `first` numbers the requests on from the
// warm-up, so that misses keep moving forward in time.
[[gnu::noinline]] Served measured_requests(PipelineRig& rig, const std::string& wire, Outcome outcome, long first,
                                           long count) {
  Served served;
  for (long n = first; n < first + count; ++n) served = serve_request(rig, wire, time_of(rig, outcome, n));
  return served;
}

int run(const Options& options) {
  PipelineRig rig(options.app, options.log);
  Variables variables = browser_get(rig.path());
  {
    // The first request stores the page; a conditional request then names its ETag.
    const Request request = parse_phase(scgi_wire(variables), rig.limits());
    Exchange exchange(request, rig.start());
    pipeline_phase(rig.pipeline(), exchange);
    if (options.outcome == Outcome::not_modified) {
      variables = with_variable(std::move(variables), "HTTP_IF_NONE_MATCH",
                                std::string(exchange.response->header("ETag").value_or("")));
    }
  }
  const std::string wire = scgi_wire(variables);
  // Lazy symbol binding, the access log's buffer and the first allocations happen here, unmeasured.
  constexpr long warm_up = 100;
  Served served;
  for (long n = 1; n <= warm_up; ++n) served = serve_request(rig, wire, time_of(rig, options.outcome, n));
  const Served last = measured_requests(rig, wire, options.outcome, warm_up + 1, options.requests);
  std::printf("%ld requests of %zu bytes: status %d, %zu bytes out\n", options.requests, wire.size(), last.status,
              last.bytes);
  const int expected = options.outcome == Outcome::not_modified ? 304 : 200;
  return served.status == expected && last.status == expected ? 0 : 1;
}

}  // namespace
}  // namespace pscgi::bench

int main(int argc, char** argv) {
  try {
    return pscgi::bench::run(pscgi::bench::parse_options(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pscgi-micro-profile: %s\n", e.what());
    return 2;
  }
}
