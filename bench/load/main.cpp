// pscgi-load: an SCGI load generator. Parses the options, prepares every request, checks that the
// server answers, hands the run to run_session(), and reports. bench/README.md explains every
// option and every number.

#include "exchange.hpp"
#include "options.hpp"
#include "proc_cpu.hpp"
#include "report.hpp"
#include "request_set.hpp"
#include "session.hpp"
#include "target.hpp"

#include <CLI/CLI.hpp>

#include <sys/resource.h>
#include <fstream>
#include <iostream>
#include <iterator>

namespace pscgi::load {
namespace {

RequestSet build_request_set(const Options& o) {
  if (!o.request_file.empty()) {
    std::ifstream in(o.request_file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw std::runtime_error("cannot read " + o.request_file);
    return RequestSet::from_raw(std::move(bytes), o.request_file);
  }
  RequestTemplate request;
  request.method = o.method;
  request.host = o.host;
  request.headers = default_headers();
  for (const auto& text : o.headers) {
    auto [name, value] = parse_header_option(text);
    set_header(request.headers, std::move(name), std::move(value));
  }
  if (o.zipf_pages > 0)
    return RequestSet::from_zipf(o.zipf_template, o.zipf_pages, o.zipf_s, request);
  std::vector<WeightedUri> uris;
  for (const auto& uri : o.uris) uris.push_back({1.0, uri});
  if (!o.url_file.empty()) {
    std::ifstream in(o.url_file);
    if (!in) throw std::runtime_error("cannot read " + o.url_file);
    for (auto& entry : parse_url_file(in)) uris.push_back(std::move(entry));
  }
  if (uris.empty()) uris.push_back({1.0, "/"});
  return RequestSet::from_uris(uris, request);
}

std::vector<pid_t> server_pids(const Options& o) {
  std::vector<pid_t> pids(o.server_pids.begin(), o.server_pids.end());
  if (!o.server_pid_file.empty()) {
    for (pid_t pid : read_pid_file(o.server_pid_file)) pids.push_back(pid);
  }
  return pids;
}

// Open-loop runs keep many sockets open; the soft limit is often 1024 while the hard one is higher.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// One exchange before the run, so an unreachable server is an immediate, clear failure rather
// than a run full of connect errors.
ExchangeResult preflight(const Target& target, const RequestSet& requests, const Options& o) {
  boost::asio::io_context context;
  ExchangeResult outcome;
  Exchange exchange(context, target, o.timeout, o.method == "HEAD",
                    [&outcome](Exchange&, const ExchangeResult& result) { outcome = result; });
  exchange.start(requests.request(0), Clock::now());
  context.run();
  return outcome;
}

void write_reports(const Options& o, const Report& report) {
  const bool json_to_stdout = o.json_path == "-";
  print_summary(json_to_stdout ? std::cerr : std::cout, report);
  if (o.json_path.empty()) return;
  const std::string text = report_json(report).dump(2) + "\n";
  if (json_to_stdout) {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(o.json_path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + o.json_path);
}

int run_main(Options& o) {
  finalize_options(o);
  const RequestSet requests = build_request_set(o);
  const Target target = resolve_target(o.connect);
  const std::vector<pid_t> pids = server_pids(o);
  raise_fd_limit();

  const ExchangeResult first = preflight(target, requests, o);
  if (!first.connected) {
    std::cerr << "pscgi-load: cannot connect to " << o.connect << ": "
              << error_kind_name(first.error.value_or(ErrorKind::connect_other)) << "\n";
    return 2;
  }
  if (first.error) {
    std::cerr << "pscgi-load: warning: the first response was bad ("
              << error_kind_name(*first.error) << "); running anyway\n";
  }
  const SessionOutcome outcome = run_session(o, target, requests, pids);
  write_reports(o, outcome.report);
  if (outcome.connected == 0) {
    std::cerr << "pscgi-load: no connection succeeded during the run\n";
    return 2;
  }
  return 0;
}

}  // namespace
}  // namespace pscgi::load

int main(int argc, char** argv) {
  pscgi::load::Options options;
  CLI::App app{
      "pscgi-load: an SCGI load generator (closed or open loop) with latency percentiles "
      "and the server's CPU time per request"};
  pscgi::load::add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  try {
    return pscgi::load::run_main(options);
  } catch (const std::exception& error) {
    std::cerr << "pscgi-load: " << error.what() << "\n";
    return 1;
  }
}
