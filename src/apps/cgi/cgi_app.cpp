#include "apps/cgi/cgi_app.hpp"

#include "apps/cgi/cgi_environment.hpp"
#include "apps/cgi/cgi_options.hpp"
#include "apps/cgi/cgi_response.hpp"
#include "apps/cgi/child_process.hpp"
#include "apps/cgi/output_head.hpp"
#include "apps/cgi/request_path.hpp"
#include "apps/cgi/script_resolver.hpp"
#include "apps/cgi/stderr_lines.hpp"
#include "log/escape.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <sys/wait.h>
#include <system_error>

namespace pscgi::apps::cgi {
namespace {

// What one run of a script came to: a response to send, or a path to serve instead.
struct Outcome {
  ResponsePtr response;
  std::optional<std::string> local_redirect;
};

// Why an exited script's run is not a response, or "" when it exited 0.
std::string exit_problem(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return WEXITSTATUS(wait_status) == 0 ? std::string() : fmt::format("exited with status {}", WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) return fmt::format("killed by signal {} ({})", WTERMSIG(wait_status), ::strsignal(WTERMSIG(wait_status)));
  return "ended in an unknown way";
}

class CgiApp final : public App {
 public:
  explicit CgiApp(CgiOptions options)
      : options_(std::move(options)),
        resolver_(options_.script ? ScriptResolver::single(*options_.script) : ScriptResolver::directory(*options_.root)) {}

  ResponsePtr handle(const Request& request) override {
    const std::string_view uri = request.find("REQUEST_URI").value_or(request.path());
    CgiCall call{request.method(), uri, request.query(), request.body(), request.var("CONTENT_TYPE")};
    std::string_view raw_path = split_path_and_query(uri).path;
    std::string redirect;  // the storage `call` views after a local redirect
    for (int redirects = 0;; ++redirects) {
      Outcome outcome = run_script(request, call, raw_path);
      if (!outcome.local_redirect) return outcome.response;
      if (redirects == max_local_redirects) {
        return gateway_error(502, request, call, fmt::format("more than {} local redirects", max_local_redirects));
      }
      // RFC 3875 6.2.2: the server serves the new path as a new GET request, without the body.
      redirect = std::move(*outcome.local_redirect);
      const PathAndQuery target = split_path_and_query(redirect);
      call = CgiCall{"GET", redirect, target.query, {}, {}};
      raw_path = target.path;
    }
  }

 private:
  Outcome run_script(const Request& request, const CgiCall& call, std::string_view raw_path) {
    const Resolution resolution = resolver_.resolve(raw_path);
    if (!resolution.target) {
      return {gateway_error(resolution.status, request, call, resolution.problem, resolution.quiet), {}};
    }
    const ScriptTarget& target = *resolution.target;
    ChildResult result;
    try {
      result = run_child(child_spec(request, target, call));
    } catch (const std::system_error& e) {
      return {gateway_error(502, request, call, fmt::format("{}: could not start: {}", target.program, e.what())), {}};
    }
    if (std::string problem = run_problem(result); !problem.empty()) {
      const int status = result.outcome == ChildOutcome::timed_out ? 504 : 502;
      return {gateway_error(status, request, call, fmt::format("{}: {}", target.program, problem)), {}};
    }
    const ParsedOutput parsed = parse_cgi_output(result.output);
    if (!parsed.ok()) {
      return {gateway_error(502, request, call, fmt::format("{}: invalid output: {}", target.program, parsed.error)), {}};
    }
    CgiAnswer answer = interpret_output(parsed.head);
    if (!answer.error.empty()) {
      return {gateway_error(502, request, call, fmt::format("{}: invalid response: {}", target.program, answer.error)), {}};
    }
    return {std::move(answer.response), std::move(answer.local_redirect)};
  }

  ChildSpec child_spec(const Request& request, const ScriptTarget& target, const CgiCall& call) const {
    ChildSpec spec;
    spec.program = target.program;
    spec.working_dir = options_.working_dir.value_or(ScriptResolver::directory_of(target.program));
    spec.environment = build_environment(request, target, call, {&options_.base_environment, options_.pass_authorization});
    spec.input = call.body;
    spec.timeout = options_.timeout;
    spec.max_output = options_.max_output;
    spec.on_stderr_line = [program = target.program](std::string_view line) {
      spdlog::warn("cgi {}: stderr: {}", log::Escaped{program}, log::Escaped{line});
    };
    return spec;
  }

  // Why a run gives no response to parse, or "" when its output is worth parsing.
  std::string run_problem(const ChildResult& result) const {
    switch (result.outcome) {
      case ChildOutcome::exited: return exit_problem(result.wait_status);
      case ChildOutcome::spawn_failed: return fmt::format("could not start: {}", std::strerror(result.error));
      case ChildOutcome::timed_out:
        return fmt::format("still running after {} ms: its process group was killed", options_.timeout.count());
      case ChildOutcome::output_too_large:
        return fmt::format("wrote more than {} bytes: its process group was killed", options_.max_output);
      case ChildOutcome::io_failed: return fmt::format("pipe error: {}", std::strerror(result.error));
    }
    return "unknown outcome";
  }

  static ResponsePtr gateway_error(int status, const Request& request, const CgiCall& call, std::string_view problem,
                                   bool quiet = false) {
    const std::string line = fmt::format("cgi: {} ({} {}, answered {})", log::Escaped{problem},
                                         log::Escaped{request.method()}, log::Escaped{call.request_uri}, status);
    if (quiet) {
      spdlog::debug("{}", line);
    } else {
      spdlog::warn("{}", line);
    }
    return make_error_response(status);
  }

  const CgiOptions options_;
  const ScriptResolver resolver_;
};

}  // namespace

AppPtr make_cgi_app(const AppSettings& settings) { return std::make_unique<CgiApp>(read_cgi_options(settings)); }

}  // namespace pscgi::apps::cgi
