#include "report.hpp"

#include <sys/utsname.h>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <ostream>
#include <thread>

namespace pscgi::load {
namespace {

constexpr std::pair<const char*, double> percentiles[] = {
    {"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p99_9", 99.9}};

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Microseconds of CPU per response; there is no such figure without responses.
nlohmann::ordered_json per_response_us(double seconds, std::uint64_t responses) {
  if (responses == 0) return nullptr;
  return seconds * 1e6 / static_cast<double>(responses);
}

std::string per_response_text(double seconds, std::uint64_t responses) {
  if (responses == 0) return "n/a";
  return fixed(seconds * 1e6 / static_cast<double>(responses), 2) + " µs/response";
}

nlohmann::ordered_json config_json(const Options& o) {
  nlohmann::ordered_json c;
  c["connect"] = o.connect;
  c["mode"] = o.rate > 0 ? "open" : "closed";
  if (o.rate > 0) {
    c["rate"] = o.rate;
    c["max_in_flight"] = o.max_in_flight;
  } else {
    c["concurrency"] = o.concurrency;
  }
  c["threads"] = o.threads;
  c["duration_seconds"] =
      o.duration ? nlohmann::ordered_json(static_cast<double>(o.duration->count()) / 1e9) : nullptr;
  c["requests"] = o.requests ? nlohmann::ordered_json(*o.requests) : nullptr;
  c["warmup_seconds"] = static_cast<double>(o.warmup.count()) / 1e9;
  c["timeout_seconds"] = static_cast<double>(o.timeout.count()) / 1e9;
  c["uris"] = o.uris;
  c["url_file"] = o.url_file;
  if (o.zipf_pages > 0) {
    c["zipf"] = {{"pages", o.zipf_pages}, {"s", o.zipf_s}, {"template", o.zipf_template}};
  }
  c["request_file"] = o.request_file;
  c["headers"] = o.headers;
  c["method"] = o.method;
  c["host"] = o.host;
  c["seed"] = o.seed;
  c["in_order"] = o.in_order;
  return c;
}

std::string shape_text(const Options& o) {
  std::string text = o.rate > 0 ? "open loop, " + fixed(o.rate, 0) + " req/s scheduled, at most " +
                                      std::to_string(o.max_in_flight) + " in flight"
                                : "closed loop, " + std::to_string(o.concurrency) + " connection" +
                                      (o.concurrency == 1 ? "" : "s");
  return text + ", " + std::to_string(o.threads) + " thread" + (o.threads == 1 ? "" : "s");
}

void print_cpu(std::ostream& out, const Report& r, double rps_window) {
  const auto responses = r.stats.responses;
  const CpuUse& cpu = r.cpu;
  if (cpu.server_measured) {
    out << "server CPU  " << fixed(cpu.server_seconds, 3) << " s over " << cpu.server_processes
        << " process" << (cpu.server_processes == 1 ? "" : "es") << " = "
        << per_response_text(cpu.server_seconds, responses) << " ("
        << fixed(cpu.server_seconds / rps_window * 100, 0) << "% of a core)\n";
    out << "server      " << cpu.server_voluntary_switches << " wake-ups (voluntary context switches)";
    if (responses > 0) {
      out << " = " << fixed(static_cast<double>(cpu.server_voluntary_switches) /
                                static_cast<double>(responses), 2)
          << "/response";
    }
    out << "\n";
  } else {
    out << "server CPU  not measured (give --server-pid or --server-pid-file)\n";
  }
  const double client = cpu.client_user_seconds + cpu.client_system_seconds;
  out << "client CPU  " << fixed(client, 3) << " s (user " << fixed(cpu.client_user_seconds, 3)
      << ", sys " << fixed(cpu.client_system_seconds, 3)
      << ") = " << per_response_text(client, responses) << " ("
      << fixed(client / rps_window * 100, 0) << "% of a core)\n";
}

}  // namespace

std::string cpu_model_from_cpuinfo(std::string_view cpuinfo) {
  const auto key = cpuinfo.find("model name");
  if (key == std::string_view::npos) return "";
  const auto colon = cpuinfo.find(':', key);
  const auto end = cpuinfo.find('\n', key);
  if (colon == std::string_view::npos || colon > end) return "";
  std::string_view value =
      cpuinfo.substr(colon + 1, end == std::string_view::npos ? end : end - colon - 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  return std::string(value);
}

MachineInfo read_machine_info() {
  MachineInfo info;
  info.cores = std::thread::hardware_concurrency();
  std::ifstream in("/proc/cpuinfo");
  const std::string cpuinfo((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  info.cpu_model = cpu_model_from_cpuinfo(cpuinfo);
  utsname names{};
  if (::uname(&names) == 0) info.kernel = std::string(names.sysname) + " " + names.release;
  return info;
}

std::string progress_line(double elapsed_seconds, bool warming_up, std::uint64_t responses,
                          std::uint64_t errors, double recent_rps) {
  char text[160];
  std::snprintf(text, sizeof text, "[%.0fs] %s  responses %llu  errors %llu  %.0f req/s",
                elapsed_seconds, warming_up ? "warming up" : "measuring",
                static_cast<unsigned long long>(responses), static_cast<unsigned long long>(errors),
                recent_rps);
  return text;
}

std::string format_latency(std::uint64_t nanoseconds) {
  const double ns = static_cast<double>(nanoseconds);
  if (ns < 1e6) return fixed(ns / 1e3, 1) + "µs";
  if (ns < 1e9) return fixed(ns / 1e6, 2) + "ms";
  return fixed(ns / 1e9, 3) + "s";
}

void print_summary(std::ostream& out, const Report& r) {
  const Options& o = *r.options;
  const Stats& s = r.stats;
  const double window = r.window_seconds > 0 ? r.window_seconds : 1e-9;
  out << "pscgi-load  " << shape_text(o) << " -> " << o.connect << "\n"
      << "window      " << fixed(r.window_seconds, 3) << " s measured after "
      << fixed(static_cast<double>(o.warmup.count()) / 1e9, 3) << " s warmup, "
      << r.distinct_requests << " distinct request" << (r.distinct_requests == 1 ? "" : "s") << "\n"
      << "responses   " << s.responses << " ("
      << fixed(static_cast<double>(s.responses) / window, 1) << " req/s), "
      << fixed(static_cast<double>(s.bytes_received) / 1048576.0, 2) << " MiB received\n";
  out << "latency    ";
  if (s.latency_ns.count() == 0) out << " none\n";
  for (const auto& [name, p] : percentiles) {
    if (s.latency_ns.count() == 0) break;
    out << " " << (std::string_view(name) == "p99_9" ? "p99.9" : name) << " "
        << format_latency(s.latency_ns.value_at_percentile(p));
  }
  if (s.latency_ns.count() != 0) {
    out << "  max " << format_latency(s.latency_ns.max()) << "  mean "
        << format_latency(static_cast<std::uint64_t>(s.latency_ns.mean())) << "\n";
  }
  out << "statuses   ";
  if (s.statuses.empty()) out << " none";
  for (const auto& [status, n] : s.statuses) out << " " << status << ": " << n;
  out << "\nerrors     ";
  if (s.error_total() == 0) out << " none";
  for (std::size_t i = 0; i < error_kind_count; ++i) {
    if (s.errors[i] != 0)
      out << " " << error_kind_name(static_cast<ErrorKind>(i)) << " " << s.errors[i];
  }
  out << "\n";
  if (s.abandoned != 0)
    out << "unfinished  " << s.abandoned << " in flight at the end (not counted)\n";
  if (s.unsent != 0) {
    out << "unsent      " << s.unsent
        << " scheduled but never sent: the server fell behind the rate\n";
  }
  print_cpu(out, r, window);
}

nlohmann::ordered_json report_json(const Report& r) {
  const Stats& s = r.stats;
  const double window = r.window_seconds > 0 ? r.window_seconds : 1e-9;
  nlohmann::ordered_json j;
  j["tool"] = "pscgi-load";
  j["config"] = config_json(*r.options);
  j["machine"] = {
      {"cores", r.machine.cores}, {"cpu_model", r.machine.cpu_model}, {"kernel", r.machine.kernel}};
  j["window_seconds"] = r.window_seconds;
  j["distinct_requests"] = r.distinct_requests;
  j["responses"] = s.responses;
  j["rps"] = static_cast<double>(s.responses) / window;
  j["bytes_received"] = s.bytes_received;
  j["abandoned"] = s.abandoned;
  j["unsent"] = s.unsent;
  auto& latency = j["latency_us"];
  latency["count"] = s.latency_ns.count();
  latency["min"] = static_cast<double>(s.latency_ns.min()) / 1e3;
  latency["mean"] = s.latency_ns.mean() / 1e3;
  for (const auto& [name, p] : percentiles) {
    latency[name] = static_cast<double>(s.latency_ns.value_at_percentile(p)) / 1e3;
  }
  latency["max"] = static_cast<double>(s.latency_ns.max()) / 1e3;
  auto& statuses = j["statuses"] = nlohmann::ordered_json::object();
  std::map<std::string, std::uint64_t> classes;
  for (const auto& [status, n] : s.statuses) {
    statuses[std::to_string(status)] = n;
    classes[std::to_string(status / 100) + "xx"] += n;
  }
  j["status_classes"] = classes;
  auto& errors = j["errors"];
  errors["total"] = s.error_total();
  for (std::size_t i = 0; i < error_kind_count; ++i) {
    errors[std::string(error_kind_name(static_cast<ErrorKind>(i)))] = s.errors[i];
  }
  const CpuUse& cpu = r.cpu;
  if (cpu.server_measured) {
    j["server_cpu"] = {{"pids", cpu.server_pids},
                       {"processes", cpu.server_processes},
                       {"seconds", cpu.server_seconds},
                       {"us_per_response", per_response_us(cpu.server_seconds, s.responses)},
                       {"cores_used", cpu.server_seconds / window},
                       {"voluntary_switches", cpu.server_voluntary_switches},
                       {"wakeups_per_response",
                        s.responses ? static_cast<double>(cpu.server_voluntary_switches) /
                                          static_cast<double>(s.responses)
                                    : 0.0}};
  } else {
    j["server_cpu"] = nullptr;
  }
  const double client = cpu.client_user_seconds + cpu.client_system_seconds;
  j["client_cpu"] = {{"user_seconds", cpu.client_user_seconds},
                     {"system_seconds", cpu.client_system_seconds},
                     {"seconds", client},
                     {"us_per_response", per_response_us(client, s.responses)},
                     {"cores_used", client / window}};
  return j;
}

}  // namespace pscgi::load
