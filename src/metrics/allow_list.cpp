#include "metrics/allow_list.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace pscgi::metrics {
namespace {

constexpr std::string_view unix_entry = "unix";

// inet_pton wants a terminated string; an address is short, so a local buffer serves.
bool to_address(std::string_view text, bool v6, std::array<std::uint8_t, 16>& out) noexcept {
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buffer)) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  out = {};
  return ::inet_pton(v6 ? AF_INET6 : AF_INET, buffer, out.data()) == 1;
}

// ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket: it is matched as a.b.c.d.
bool unmap_v4(std::array<std::uint8_t, 16>& address) noexcept {
  static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(address.data(), mapped, sizeof(mapped)) != 0) return false;
  std::memmove(address.data(), address.data() + 12, 4);
  std::memset(address.data() + 4, 0, 12);
  return true;
}

}  // namespace

AllowList::Prefix AllowList::parse_prefix(std::string_view entry) {
  const auto slash = entry.find('/');
  const std::string_view address = entry.substr(0, slash);
  Prefix prefix;
  prefix.v6 = address.find(':') != std::string_view::npos;
  if (!to_address(address, prefix.v6, prefix.bytes)) {
    throw std::invalid_argument(fmt::format("\"{}\" is not an IPv4 or IPv6 address, a CIDR prefix or unix", entry));
  }
  const unsigned most = prefix.v6 ? 128 : 32;
  prefix.bits = most;
  if (slash != std::string_view::npos) {
    const std::string_view digits = entry.substr(slash + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix.bits);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || prefix.bits > most) {
      throw std::invalid_argument(fmt::format("\"{}\": the prefix length must be 0 to {}", entry, most));
    }
  }
  if (prefix.v6 && unmap_v4(prefix.bytes)) {
    prefix.v6 = false;
    prefix.bits = prefix.bits >= 96 ? prefix.bits - 96 : 0;
  }
  return prefix;
}

void AllowList::check_entry(std::string_view entry) {
  if (entry != unix_entry) parse_prefix(entry);
}

AllowList AllowList::parse(const std::vector<std::string>& entries) {
  AllowList list;
  for (const std::string& entry : entries) {
    if (entry == unix_entry) list.unix_ = true;
    else list.prefixes_.push_back(parse_prefix(entry));
  }
  return list;
}

bool AllowList::matches(const Prefix& prefix, const std::array<std::uint8_t, 16>& address, bool v6) noexcept {
  if (prefix.v6 != v6) return false;
  const unsigned whole = prefix.bits / 8;
  if (std::memcmp(prefix.bytes.data(), address.data(), whole) != 0) return false;
  const unsigned rest = prefix.bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (prefix.bytes[whole] & mask) == (address[whole] & mask);
}

bool AllowList::permits(std::optional<std::string_view> remote_addr) const noexcept {
  if (!remote_addr || remote_addr->empty()) return unix_;
  std::array<std::uint8_t, 16> address{};
  bool v6 = remote_addr->find(':') != std::string_view::npos;
  if (!to_address(*remote_addr, v6, address)) return false;
  if (v6 && unmap_v4(address)) v6 = false;
  for (const Prefix& prefix : prefixes_) {
    if (matches(prefix, address, v6)) return true;
  }
  return false;
}

}  // namespace pscgi::metrics
