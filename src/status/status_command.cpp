#include "status/status_command.hpp"

#include "config/config.hpp"
#include "status/scgi_client.hpp"
#include "status/status_report.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <sys/ioctl.h>
#include <unistd.h>

namespace pscgi::status {
namespace {

constexpr std::chrono::milliseconds ask_timeout{5000};

// The metrics path is answered by every worker of the running config, not of the file on disk: a
// 404 means the running server has no metrics (yet), a 403 that this client is not allowed.
std::string explain_status(int status, const config::ListenAddress& address, const std::string& uri) {
  if (status == 404) {
    return fmt::format("the server at {} does not answer {} (404): metrics are off in the configuration it runs; "
                       "after adding `metrics:` to the file, reload it (kill -HUP <master pid>)", address.text, uri);
  }
  if (status == 403) {
    return fmt::format("the server at {} refused {} (403): add `unix` to metrics.allow so that local tools may ask",
                       address.text, uri);
  }
  return fmt::format("the server at {} answered {} with status {}", address.text, uri, status);
}

class StatusQuery {
 public:
  explicit StatusQuery(const config::Config& config)
      : address_(address_to_ask(config)), uri_(config.metrics->path + ".json") {}

  // The JSON body, or throws StatusError / std::runtime_error with the sentence to show.
  std::string fetch() const {
    const ScgiAnswer answer = scgi_get(address_, uri_, ask_timeout);
    if (answer.status != 200) throw StatusError(StatusError::Kind::bad_answer, explain_status(answer.status, address_, uri_));
    return answer.body;
  }

  std::string render(int width) const {
    const std::string body = fetch();
    return render_status_table(parse_status_report(body), width);
  }

 private:
  config::ListenAddress address_;
  std::string uri_;
};

int terminal_width(std::FILE* out) {
  winsize size{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

// Sleeps for `seconds` unless SIGINT or SIGTERM comes first (the caller has them blocked, as
// run_main does for the server): returns false then, so the watch ends cleanly.
bool wait_unless_interrupted(double seconds) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, nullptr);
  timespec left{static_cast<time_t>(seconds), static_cast<long>((seconds - static_cast<double>(static_cast<time_t>(seconds))) * 1e9)};
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    if (::sigtimedwait(&stop, nullptr, &left) >= 0) return false;
    if (errno == EAGAIN) return true;
    // EINTR: another signal; wait for the rest of the time.
    const auto spent = std::chrono::steady_clock::now() - started;
    const double remaining = static_cast<double>(left.tv_sec) + static_cast<double>(left.tv_nsec) / 1e9 -
                             std::chrono::duration<double>(spent).count();
    if (remaining <= 0) return true;
    left = {static_cast<time_t>(remaining), static_cast<long>((remaining - static_cast<double>(static_cast<time_t>(remaining))) * 1e9)};
  }
}

int watch(const StatusQuery& query, const StatusOptions& options, std::FILE* out) {
  const bool on_terminal = ::isatty(::fileno(out)) != 0;
  bool last_answered = false;
  for (int shown = 0; options.count == 0 || shown < options.count; ++shown) {
    if (shown > 0 && !wait_unless_interrupted(options.interval)) break;
    std::string screen;
    try {
      screen = options.json ? query.fetch() + "\n" : query.render(terminal_width(out));
      last_answered = true;
    } catch (const std::exception& e) {
      // A watch outlives a restart of the server: say why there is nothing, and keep asking.
      screen = fmt::format("pscgi status: {} (asking again every {}s)\n", e.what(), options.interval);
      last_answered = false;
    }
    // Home, the new screen, then clear what the previous one left below it: no flicker.
    if (on_terminal) {
      std::fputs("\x1b[H", out);
      for (std::size_t at = 0, end; (end = screen.find('\n', at)) != std::string::npos; at = end + 1) {
        std::fwrite(screen.data() + at, 1, end - at, out);
        std::fputs("\x1b[K\n", out);
      }
      std::fputs("\x1b[J", out);
    } else {
      std::fputs(screen.c_str(), out);
      if (options.count != 1) std::fputs("\n", out);
    }
    std::fflush(out);
  }
  return last_answered ? 0 : 1;
}

}  // namespace

int run_status_command(const StatusOptions& options, std::FILE* out, std::FILE* err) {
  try {
    const config::Config config = config::load_config_file(options.config_path);
    if (!config.metrics) {
      fmt::print(err, "pscgi status: metrics are off in {}: add a `metrics:` section (for example "
                      "`metrics: {{ allow: [unix, 127.0.0.1] }}`) and reload the server\n", options.config_path);
      return 1;
    }
    const StatusQuery query(config);
    if (options.watch) {
      if (::isatty(::fileno(out))) std::fputs("\x1b[2J", out);
      return watch(query, options, out);
    }
    const std::string shown = options.json ? query.fetch() + "\n" : query.render(terminal_width(out));
    std::fputs(shown.c_str(), out);
    return 0;
  } catch (const std::exception& e) {
    fmt::print(err, "pscgi status: {}\n", e.what());
    return 1;
  }
}

}  // namespace pscgi::status
