#pragma once
// Raw-socket peers that misbehave, for the hostile-input matrix: each connects to the server's
// unix socket, does one bad thing, and says what came back. Every wait has a deadline.

#include "harness.hpp"

#include <chrono>
#include <string>

namespace pscgi::testing {

/// What a hostile peer saw.
struct PeerOutcome {
  int status = 0;          ///< the status of the answer; 0 when none came before the close
  std::size_t bytes = 0;   ///< bytes read from the server
  std::string raw;         ///< the answer as it came
  int answers = 0;         ///< how many "Status:" heads came back (one request, one answer)
  std::chrono::milliseconds took{0};
};

/// Sends `bytes` (as far as the server takes them), half-closes, and reads until EOF.
PeerOutcome send_and_read(const std::string& socket, const std::string& bytes, std::chrono::milliseconds deadline = 10s);
/// Sends `bytes` one byte every `interval`, until the server answers or closes (or `deadline`).
PeerOutcome trickle(const std::string& socket, const std::string& bytes, std::chrono::milliseconds interval,
                    std::chrono::milliseconds deadline);
/// Connects and sends nothing; reads until the server answers and closes (or `deadline`).
PeerOutcome stay_silent(const std::string& socket, std::chrono::milliseconds deadline);
/// Sends `request`, reads `keep` bytes of the answer, then closes the connection with the rest
/// still coming.
PeerOutcome close_mid_response(const std::string& socket, const std::string& request, std::size_t keep);

}  // namespace pscgi::testing
