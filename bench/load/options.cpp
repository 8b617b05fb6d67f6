#include "options.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <stdexcept>

namespace pscgi::load {

void add_options(CLI::App& app, Options& o) {
  app.add_option("--connect", o.connect, "unix:/path or host:port of the SCGI server")->required();

  auto* concurrency = app.add_option("--concurrency,-c", o.concurrency,
                                     "closed loop: C connections, each doing request after request")
                          ->check(CLI::PositiveNumber);
  auto* rate =
      app.add_option("--rate,-r", o.rate, "open loop: R requests/s scheduled at fixed intervals")
          ->check(CLI::PositiveNumber);
  concurrency->excludes(rate);
  app.add_option("--max-in-flight", o.max_in_flight, "open loop: cap on concurrent exchanges")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--threads", o.threads, "run threads, one io_context each")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();

  app.add_option("--duration,-d", o.duration_text, "measured time, e.g. 10s (default 10s)");
  app.add_option("--requests,-n", o.requests, "stop after N measured requests")
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", o.warmup_text, "time before measuring starts")->capture_default_str();
  app.add_option("--timeout", o.timeout_text, "per request: connect to last byte")
      ->capture_default_str();

  auto* uri = app.add_option("--uri", o.uris, "a URI to request (repeatable)");
  auto* url_file = app.add_option("--url-file", o.url_file, "lines of `weight uri` or `uri`")
                       ->check(CLI::ExistingFile);
  auto* zipf = app.add_option("--zipf", o.zipf_pages, "Zipf-distributed popularity over N pages")
                   ->check(CLI::PositiveNumber);
  app.add_option("--zipf-s", o.zipf_s, "Zipf exponent")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--zipf-template", o.zipf_template, "page URI, {} is the page number")
      ->capture_default_str();
  auto* request_file =
      app.add_option("--request-file", o.request_file, "a raw SCGI request, sent verbatim")
          ->check(CLI::ExistingFile);
  zipf->excludes(uri)->excludes(url_file);
  request_file->excludes(uri)->excludes(url_file)->excludes(zipf);
  app.add_option("--header,-H", o.headers, "'Name: value', sent as HTTP_NAME (repeatable)");
  app.add_option("--method", o.method, "REQUEST_METHOD")->capture_default_str();
  app.add_option("--host", o.host, "HTTP_HOST and SERVER_NAME")->capture_default_str();
  app.add_option("--seed", o.seed, "seed for choosing requests")->capture_default_str();
  app.add_flag("--in-order", o.in_order,
               "send the requests in order (page 1, 2, ...), cycling, instead of at random");

  app.add_option("--server-pid", o.server_pids, "server master PID for CPU accounting (repeatable)")
      ->check(CLI::PositiveNumber);
  app.add_option("--server-pid-file", o.server_pid_file, "file holding the server master PID")
      ->check(CLI::ExistingFile);

  app.add_option("--json", o.json_path, "write every number as JSON to FILE (- for stdout)");
  app.add_flag("--quiet,-q", o.quiet, "no progress line");
}

std::chrono::nanoseconds parse_duration(std::string_view text) {
  const std::string s(text);
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string_view unit = text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1e9;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "us")
    scale = 1e3;
  else if (unit == "ns")
    scale = 1;
  else if (unit == "m")
    scale = 60e9;
  else if (unit == "h")
    scale = 3600e9;
  if (used == 0 || scale == 0 || !std::isfinite(value) || value < 0 || value * scale > 9e18) {
    throw std::invalid_argument("bad duration '" + s + "' (e.g. 10s, 250ms, 1.5m, 100us)");
  }
  return std::chrono::nanoseconds(std::llround(value * scale));
}

std::pair<std::string, std::string> parse_header_option(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw std::invalid_argument("bad --header '" + std::string(text) + "', expected 'Name: value'");
  }
  std::string_view value = text.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return {std::string(text.substr(0, colon)), std::string(value)};
}

void finalize_options(Options& o) {
  if (o.concurrency == 0 && o.rate == 0) o.concurrency = 1;
  if (!o.duration_text.empty()) o.duration = parse_duration(o.duration_text);
  if (!o.duration && !o.requests) o.duration = std::chrono::seconds(10);
  if (o.duration && o.duration->count() == 0) throw std::invalid_argument("--duration must be > 0");
  o.warmup = parse_duration(o.warmup_text);
  o.timeout = parse_duration(o.timeout_text);
  if (o.timeout.count() == 0) throw std::invalid_argument("--timeout must be > 0");
  // Several threads would each walk the list from the start and send every request T times.
  if (o.in_order && o.threads > 1) throw std::invalid_argument("--in-order needs --threads 1");
  for (const auto& header : o.headers) parse_header_option(header);  // throws when bad
}

}  // namespace pscgi::load
