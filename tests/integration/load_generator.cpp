#include "load_generator.hpp"

#include <cstdlib>

namespace pscgi::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t failures_kept = 5;
constexpr std::size_t raw_shown = 300;

}  // namespace

LoadGenerator::LoadGenerator(Options options, Exchange exchange, Check check)
    : options_(options), exchange_(std::move(exchange)), check_(std::move(check)), started_(Clock::now()) {
  running_ = options_.clients;
  for (int client = 0; client < options_.clients; ++client) clients_.emplace_back([this, client] { run_client(client); });
}

LoadGenerator::~LoadGenerator() { stop(); }

void LoadGenerator::run_client(int client) {
  for (;;) {
    if (stopping_) break;
    const long number = issued_.fetch_add(1) + 1;
    if (options_.cap > 0 && number > options_.cap) break;
    const Reply reply = exchange_();
    const std::string why = check_(reply);
    if (why.empty()) {
      ++successes_;
    } else {
      ++failures_;
      record_failure(client, number, why, reply);
    }
    if (options_.pause.count() > 0) std::this_thread::sleep_for(options_.pause);
  }
  --running_;
}

void LoadGenerator::record_failure(int client, long number, const std::string& why, const Reply& reply) {
  const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
  std::lock_guard lock(mutex_);
  if (first_failures_.size() >= failures_kept) return;
  first_failures_.push_back("client " + std::to_string(client) + ", request " + std::to_string(number) + ", at " +
                            std::to_string(at) + " ms: " + why + "; got " + std::to_string(reply.raw.size()) +
                            " bytes: " + reply.raw.substr(0, raw_shown));
}

void LoadGenerator::stop() {
  stopping_ = true;
  for (std::thread& client : clients_) {
    if (client.joinable()) client.join();
  }
}

bool LoadGenerator::wait_finished(std::chrono::milliseconds limit) {
  const bool finished = wait_until([this] { return running_ == 0; }, limit);
  stop();
  return finished;
}

bool LoadGenerator::wait_successes(long n, std::chrono::milliseconds limit) const {
  return wait_until([this, n] { return successes_ >= n; }, limit);
}

std::string LoadGenerator::failure_report() const {
  std::lock_guard lock(mutex_);
  std::string report = std::to_string(failures_) + " failed, " + std::to_string(successes_) + " succeeded";
  for (const std::string& failure : first_failures_) report += "\n  " + failure;
  return report;
}

LoadGenerator::Exchange http_get(int port, std::string target) {
  return [port, target = std::move(target)] { return http_request(port, "GET", target); };
}

LoadGenerator::Exchange scgi_get_from(std::string socket, std::string uri) {
  return [socket = std::move(socket), uri = std::move(uri)] { return scgi_get(socket, uri); };
}

LoadGenerator::Check expect_status(int status) {
  return [status](const Reply& reply) -> std::string {
    if (!reply.ok) return "no complete response head";
    if (reply.status != status) return "status " + std::to_string(reply.status) + ", not " + std::to_string(status);
    const auto length = reply.header("Content-Length");
    if (length && std::strtoull(length->c_str(), nullptr, 10) != reply.body.size()) {
      return "a body of " + std::to_string(reply.body.size()) + " bytes, not the " + *length + " announced";
    }
    return {};
  };
}

}  // namespace pscgi::testing
