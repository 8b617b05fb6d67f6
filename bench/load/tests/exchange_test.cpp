#include "exchange.hpp"

#include <gtest/gtest.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

namespace pscgi::load {
namespace {

using boost::asio::local::stream_protocol;
namespace fs = std::filesystem;

// A one-connection unix socket server on its own thread: accepts once, reads the request as the
// test says, then does what the test says.
class OneShotServer {
 public:
  using Behaviour = std::function<void(stream_protocol::socket&)>;

  explicit OneShotServer(Behaviour behaviour)
      : path_(fs::temp_directory_path() / ("pscgi_exchange_" + std::to_string(::getpid()) + "_" +
                                           std::to_string(counter_++) + ".sock")),
        acceptor_(context_, stream_protocol::endpoint(path_.string())),
        thread_([this, behaviour] {
          stream_protocol::socket socket(context_);
          acceptor_.accept(socket);
          behaviour(socket);
        }) {}
  ~OneShotServer() {
    thread_.join();
    fs::remove(path_);
  }
  Target target() const {
    return Target{stream_protocol::endpoint(path_.string()), "unix:" + path_.string(), true};
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
  boost::asio::io_context context_;
  stream_protocol::acceptor acceptor_;
  std::thread thread_;
};

std::string read_request(stream_protocol::socket& socket, std::size_t size) {
  std::string request(size, '\0');
  boost::asio::read(socket, boost::asio::buffer(request));
  return request;
}

ExchangeResult exchange_once(const Target& target, const std::string& request,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  boost::asio::io_context context;
  ExchangeResult result;
  int calls = 0;
  Exchange exchange(context, target, timeout, false, [&](Exchange& self, const ExchangeResult& r) {
    EXPECT_FALSE(self.busy());
    result = r;
    ++calls;
  });
  const auto origin = Clock::now();
  exchange.start(request, origin);
  EXPECT_TRUE(exchange.busy());
  context.run();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(result.origin, origin);
  return result;
}

const std::string request =
    "24:CONTENT_LENGTH\0"
    "0\0SCGI\0"
    "1\0,";

TEST(ExchangeTest, SendsTheRequestAndReadsTheResponseToEof) {
  std::string received;
  const std::string response = "Status: 201 Created\r\nContent-Length: 3\r\n\r\nabc";
  ExchangeResult result;
  {
    OneShotServer server([&](stream_protocol::socket& socket) {
      received = read_request(socket, request.size());
      // Two writes: the client must keep reading until EOF.
      boost::asio::write(socket, boost::asio::buffer(response.substr(0, 10)));
      boost::asio::write(socket, boost::asio::buffer(response.substr(10)));
    });
    result = exchange_once(server.target(), request);
  }
  EXPECT_EQ(received, request);
  EXPECT_FALSE(result.error);
  EXPECT_TRUE(result.connected);
  EXPECT_EQ(result.status, 201);
  EXPECT_EQ(result.bytes_received, response.size());
}

TEST(ExchangeTest, ReportsAShortBody) {
  OneShotServer server([&](stream_protocol::socket& socket) {
    read_request(socket, request.size());
    boost::asio::write(
        socket, boost::asio::buffer(std::string("Status: 200\r\nContent-Length: 9\r\n\r\nabc")));
  });
  EXPECT_EQ(exchange_once(server.target(), request).error, ErrorKind::short_body);
}

TEST(ExchangeTest, ReportsEofBeforeAnyResponse) {
  OneShotServer server(
      [&](stream_protocol::socket& socket) { read_request(socket, request.size()); });
  const auto result = exchange_once(server.target(), request);
  EXPECT_EQ(result.error, ErrorKind::eof_before_response);
  EXPECT_TRUE(result.connected);
}

TEST(ExchangeTest, TimesOutWhenTheServerNeverAnswers) {
  OneShotServer server([&](stream_protocol::socket& socket) {
    read_request(socket, request.size());
    char byte;
    boost::system::error_code ignored;
    socket.read_some(boost::asio::buffer(&byte, 1), ignored);  // returns when the client gives up
  });
  const auto result = exchange_once(server.target(), request, std::chrono::milliseconds(100));
  EXPECT_EQ(result.error, ErrorKind::timeout);
}

TEST(ExchangeTest, ReportsARefusedConnectionWithoutConnecting) {
  const auto path = fs::temp_directory_path() / "pscgi_exchange_nobody_listens.sock";
  fs::remove(path);
  const Target target{stream_protocol::endpoint(path.string()), "unix:" + path.string(), true};
  const auto result = exchange_once(target, request);
  EXPECT_EQ(result.error, ErrorKind::connect_refused);
  EXPECT_FALSE(result.connected);
}

TEST(ExchangeTest, AbortEndsTheExchangeInFlightOnce) {
  OneShotServer server([&](stream_protocol::socket& socket) {
    read_request(socket, request.size());
    char byte;
    boost::system::error_code ignored;
    socket.read_some(boost::asio::buffer(&byte, 1), ignored);
  });
  boost::asio::io_context context;
  std::vector<ExchangeResult> results;
  const Target target = server.target();
  Exchange exchange(context, target, std::chrono::seconds(5), false,
                    [&](Exchange&, const ExchangeResult& r) { results.push_back(r); });
  exchange.start(request, Clock::now());
  boost::asio::steady_timer later(context, std::chrono::milliseconds(50));
  later.async_wait([&](const boost::system::error_code&) { exchange.abort(); });
  context.run();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].aborted);
  EXPECT_TRUE(results[0].connected);
  EXPECT_FALSE(results[0].error);
}

}  // namespace
}  // namespace pscgi::load
