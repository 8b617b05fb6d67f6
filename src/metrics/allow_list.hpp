#pragma once
// Who may read the metrics: `metrics.allow` parsed once (in the master, before fork) into address
// prefixes, then matched against each metrics request's REMOTE_ADDR as nginx passes it. An IPv4
// client seen as an IPv4-mapped IPv6 address (::ffff:127.0.0.1) matches the IPv4 entries.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi::metrics {

class AllowList {
 public:
  /// Parses entries: an IPv4 or IPv6 address, either with a `/prefix` (CIDR), or `unix` (a client
  /// that sends no REMOTE_ADDR: a local tool on the socket). Throws std::invalid_argument naming
  /// the entry and what is wrong with it.
  static AllowList parse(const std::vector<std::string>& entries);
  /// One entry, as parse() reads it; throws std::invalid_argument.
  static void check_entry(std::string_view entry);

  /// `remote_addr`: the request's REMOTE_ADDR, nullopt or empty when it has none.
  bool permits(std::optional<std::string_view> remote_addr) const noexcept;

 private:
  struct Prefix {
    std::array<std::uint8_t, 16> bytes{};  ///< IPv4 in the first 4
    bool v6 = false;
    unsigned bits = 0;
  };
  static Prefix parse_prefix(std::string_view entry);
  static bool matches(const Prefix& prefix, const std::array<std::uint8_t, 16>& address, bool v6) noexcept;

  std::vector<Prefix> prefixes_;
  bool unix_ = false;
};

}  // namespace pscgi::metrics
