#include "hostile_peers.hpp"

#include <algorithm>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pscgi::testing {
namespace {

using Clock = std::chrono::steady_clock;

PeerOutcome outcome_of(const std::string& answer, Clock::time_point started) {
  PeerOutcome outcome;
  const Reply reply = parse_reply(answer);
  outcome.status = reply.ok ? reply.status : 0;
  outcome.bytes = answer.size();
  outcome.raw = answer;
  outcome.answers = count_occurrences(answer, "Status: ");
  outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return outcome;
}

bool readable_within(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
}

}  // namespace

PeerOutcome send_and_read(const std::string& socket, const std::string& bytes, std::chrono::milliseconds deadline) {
  const auto started = Clock::now();
  const int fd = connect_unix(socket);
  if (fd < 0) return {};
  // The server may answer and close before taking everything (a 431 is decided on the length
  // prefix): what it sent back is the outcome, whether or not the write went through.
  write_all(fd, bytes);
  ::shutdown(fd, SHUT_WR);
  const std::string answer = read_until_eof(fd, deadline);
  ::close(fd);
  return outcome_of(answer, started);
}

PeerOutcome trickle(const std::string& socket, const std::string& bytes, std::chrono::milliseconds interval,
                    std::chrono::milliseconds deadline) {
  const auto started = Clock::now();
  const int fd = connect_unix(socket);
  if (fd < 0) return {};
  for (char byte : bytes) {
    if (Clock::now() - started > deadline || !write_all(fd, std::string(1, byte))) break;
    if (readable_within(fd, interval)) break;  // the server answered (or closed) mid-request
  }
  const auto left = deadline - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  const std::string answer = read_until_eof(fd, std::max(left, std::chrono::milliseconds(1000)));
  ::close(fd);
  return outcome_of(answer, started);
}

PeerOutcome stay_silent(const std::string& socket, std::chrono::milliseconds deadline) {
  const auto started = Clock::now();
  const int fd = connect_unix(socket);
  if (fd < 0) return {};
  const std::string answer = read_until_eof(fd, deadline);
  ::close(fd);
  return outcome_of(answer, started);
}

PeerOutcome close_mid_response(const std::string& socket, const std::string& request, std::size_t keep) {
  const auto started = Clock::now();
  const int fd = connect_unix(socket);
  if (fd < 0) return {};
  write_all(fd, request);
  std::string answer;
  char buffer[16384];
  while (answer.size() < keep && readable_within(fd, std::chrono::milliseconds(10000))) {
    const ssize_t n = ::read(fd, buffer, std::min(sizeof(buffer), keep - answer.size()));
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return outcome_of(answer, started);
}

}  // namespace pscgi::testing
