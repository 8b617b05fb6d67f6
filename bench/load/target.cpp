#include "target.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <charconv>
#include <stdexcept>

namespace pscgi::load {

Address parse_address(std::string_view text) {
  Address address;
  if (text.starts_with("unix:")) {
    address.is_unix = true;
    address.path = text.substr(5);
    if (address.path.empty()) throw std::invalid_argument("unix: needs a socket path");
    return address;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    throw std::invalid_argument("expected unix:/path or host:port, got '" + std::string(text) +
                                "'");
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    throw std::invalid_argument("bad host:port '" + std::string(text) + "'");
  }
  address.host = host;
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

Target resolve_target(std::string_view text) {
  const Address address = parse_address(text);
  Target target;
  target.description = text;
  target.is_unix = address.is_unix;
  if (address.is_unix) {
    target.endpoint = boost::asio::local::stream_protocol::endpoint(address.path);
    return target;
  }
  boost::asio::io_context context;
  boost::asio::ip::tcp::resolver resolver(context);
  boost::system::error_code ec;
  const auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve '" + address.host + "': " + ec.message());
  }
  target.endpoint = results.begin()->endpoint();
  return target;
}

}  // namespace pscgi::load
