#pragma once
// A Connection with no worker around it: the server's end of a socketpair() is the connection's
// socket, the test plays nginx on the other end, and a one-stage pipeline answers. Nothing sleeps:
// deadlines are driven through expire() or set to zero so that Asio finds them already due.

#include "process/connection.hpp"
#include "unit/protocol/scgi_test_support.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <vector>

namespace pscgi::process::testing {

using namespace std::chrono_literals;
using Step = Connection::Step;

/// The application: answers 200 with the body `size` bytes long, and remembers what it was asked.
class SizedAnswer final : public Stage {
 public:
  explicit SizedAnswer(std::size_t size, std::vector<std::string>& bodies) : size_(size), bodies_(bodies) {}
  std::string_view name() const noexcept override { return "sized_answer"; }
  StageResult on_request(Exchange& exchange) override {
    bodies_.emplace_back(exchange.request().body());
    exchange.response = ResponseBuilder(200).no_etag().body(std::string(size_, 'x')).finish();
    return StageResult::answered;
  }

 private:
  std::size_t size_;
  std::vector<std::string>& bodies_;
};

/// An SCGI request as nginx sends it, with `body`.
inline std::string request_bytes(std::string_view body = {}) {
  return protocol::testing::scgi_request_with_body(body, {{"REQUEST_METHOD", "POST"}, {"REQUEST_URI", "/form"}});
}

class ConnectionTest : public ::testing::Test {
 protected:
  /// Limits of the parser, timeouts and the answer's size may be changed before connect().
  protocol::ParserLimits limits{4096, 64};
  Clock::duration read_timeout = 10s;
  Clock::duration write_timeout = 10s;
  std::size_t answer_size = 5;

  boost::asio::io_context io;
  std::vector<std::string> bodies;  ///< every request body the application saw
  std::vector<Progress> async_ends;  ///< every on_async_end call
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<ConnectionContext> context;
  std::shared_ptr<Connection> connection;
  Clock::time_point accepted_at{};
  int peer = -1;  ///< the test's end, blocking, with a receive timeout so a bug cannot hang a test

  ~ConnectionTest() override {
    connection.reset();
    if (peer >= 0) ::close(peer);
  }

  void connect() {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    set_nonblocking(fds[0]);
    peer = fds[1];
    timeval limit{5, 0};
    ASSERT_EQ(::setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)), 0);
    pipeline = std::make_unique<Pipeline>();
    pipeline->append(std::make_unique<SizedAnswer>(answer_size, bodies));
    context = std::make_unique<ConnectionContext>(ConnectionContext{
        io, *pipeline, limits, read_timeout, write_timeout,
        [this](Connection&, Progress end) { async_ends.push_back(end); }});
    accepted_at = Clock::now();
    connection = std::make_shared<Connection>(*context, fds[0], accepted_at, 1);
  }

  static void set_nonblocking(int fd);

  void send_text(std::string_view bytes) const {
    ASSERT_EQ(::send(peer, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }

  /// Reads until the connection closes its side (or the receive timeout, which fails the test).
  std::string read_to_end() const {
    std::string all;
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(peer, buffer, sizeof(buffer), 0);
      if (n > 0) {
        all.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      EXPECT_EQ(n, 0) << "no end of the answer: " << std::strerror(errno);
      return all;
    }
  }
};

inline void ConnectionTest::set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  ASSERT_EQ(::fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
}

/// The status line of an SCGI answer ("Status: 200 OK"), or the whole text if it has none.
inline std::string status_line(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }

}  // namespace pscgi::process::testing
