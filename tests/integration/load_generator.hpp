#pragma once
// A bounded load for integration tests: K client threads each doing one exchange after another
// until told to stop or until a cap on the requests in all, counting what succeeded and keeping the
// first failures' details for the test's message. A failure is an exchange that did not bring back
// a complete response as the test expected it.

#include "harness.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pscgi::testing {

class LoadGenerator {
 public:
  /// One request on a new connection.
  using Exchange = std::function<Reply()>;
  /// "" when the reply is what the test wants, else why not.
  using Check = std::function<std::string(const Reply&)>;

  struct Options {
    int clients = 4;
    long cap = 0;  ///< requests in all before the clients stop by themselves; 0 = until stop()
    /// Each client waits this long between two requests (spares a shared machine; still a
    /// continuous load as long as clients > 1).
    std::chrono::milliseconds pause{0};
  };

  /// Starts the clients at once.
  LoadGenerator(Options options, Exchange exchange, Check check);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  /// Asks the clients to stop after their current request and joins them.
  void stop();
  /// Waits until the clients have stopped by themselves (cap reached); false at the deadline, when
  /// they are stopped anyway.
  bool wait_finished(std::chrono::milliseconds limit);
  /// Waits until at least `n` requests have succeeded; false at the deadline.
  bool wait_successes(long n, std::chrono::milliseconds limit) const;

  long successes() const noexcept { return successes_; }
  long failures() const noexcept { return failures_; }
  /// The first failures (client, request number, time since start, why, what came back), one a line.
  std::string failure_report() const;

 private:
  void run_client(int client);
  void record_failure(int client, long number, const std::string& why, const Reply& reply);

  Options options_;
  Exchange exchange_;
  Check check_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> stopping_{false};
  std::atomic<long> issued_{0};
  std::atomic<long> successes_{0};
  std::atomic<long> failures_{0};
  std::atomic<int> running_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> first_failures_;
  std::vector<std::thread> clients_;
};

/// A GET through nginx (HTTP/1.1 on 127.0.0.1:port, Connection: close).
LoadGenerator::Exchange http_get(int port, std::string target);
/// A GET straight to the server's unix socket, as nginx would send it over SCGI.
LoadGenerator::Exchange scgi_get_from(std::string socket, std::string uri);
/// A complete response with this status: a status line, and a body as long as Content-Length says
/// when it says.
LoadGenerator::Check expect_status(int status);

}  // namespace pscgi::testing
