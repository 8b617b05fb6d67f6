#pragma once
/// \file
/// The request an application sees: the CGI variables nginx sent over SCGI, and the body.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi {
namespace protocol {
class RequestStorage;
}

/// One CGI variable. The views point into the Request that returned it.
struct Variable {
  std::string_view name;
  std::string_view value;
};

/// A parsed request. Immutable once built: every accessor is const, and every view it returns stays
/// valid for as long as this Request lives (copies have their own storage).
class Request {
 public:
  /// Convenience for tests, benchmarks and apps that make sub-requests: builds a Request from
  /// name/value pairs, in order. Repeated names are kept as given (no joining).
  static Request from_variables(const std::vector<std::pair<std::string, std::string>>& variables,
                                std::string body = {});

  /// A request with no variables and no body.
  Request() noexcept;

  /// The value of a CGI variable, or nullopt when absent. The first of repeated names wins.
  std::optional<std::string_view> find(std::string_view name) const noexcept;
  /// The value of a CGI variable, or "" when absent.
  std::string_view var(std::string_view name) const noexcept { return find(name).value_or(""); }

  /// A request header by its HTTP name, e.g. header("Accept-Encoding") reads HTTP_ACCEPT_ENCODING.
  std::optional<std::string_view> header(std::string_view http_name) const;

  std::string_view method() const noexcept;       ///< REQUEST_METHOD
  std::string_view uri() const noexcept;          ///< REQUEST_URI, as received
  std::string_view query() const noexcept;        ///< QUERY_STRING
  std::string_view remote_addr() const noexcept;  ///< REMOTE_ADDR
  std::string_view host() const noexcept;         ///< HTTP_HOST, else SERVER_NAME
  /// The path without the query: DOCUMENT_URI when nginx sent it, else REQUEST_URI up to '?'.
  std::string_view path() const noexcept;
  std::string_view body() const noexcept { return body_; }

  std::size_t variable_count() const noexcept { return slots_.size(); }
  Variable variable(std::size_t index) const noexcept;

  /// A copy of this request that differs only in REQUEST_METHOD (the cache runs a HEAD miss as GET).
  Request with_method(std::string_view method) const;

 private:
  // The SCGI parser builds a Request over the header block it received, without copying it.
  friend class protocol::RequestStorage;

  // Where one variable's name and value sit in storage_ (byte offsets and lengths).
  struct Slot {
    std::uint32_t name_offset = 0;
    std::uint32_t name_length = 0;
    std::uint32_t value_offset = 0;
    std::uint32_t value_length = 0;
  };

  // Variables found once at construction, so that reading them (or learning that they are absent,
  // as the cache does on every hit for some headers) costs no scan. Which ones is an internal
  // matter: the enumerators are in src/protocol/request.cpp.
  enum class Known : std::uint8_t;
  static constexpr std::size_t known_count = 13;
  static constexpr std::uint32_t absent = UINT32_MAX;
  static int known_index(std::string_view name) noexcept;

  Request(std::string storage, std::vector<Slot> slots, std::string body);
  std::string_view known(Known which) const noexcept;
  std::string_view value_at(std::uint32_t slot) const noexcept;
  void index_known_variables() noexcept;

  std::string storage_;
  std::vector<Slot> slots_;
  std::string body_;
  std::uint32_t known_[known_count] = {};
};

}  // namespace pscgi
