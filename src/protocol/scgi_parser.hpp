#pragma once
/// \file
/// The SCGI request parser (python.ca/scgi/protocol.txt). Sans-I/O: it never touches a socket; the
/// connection feeds it the bytes it reads, in pieces of any size, and takes the Request when the
/// parser says it is complete. docs/protocol.md says what is accepted and rejected.

#include "protocol/request_storage.hpp"
#include "protocol/scgi_error.hpp"

#include <pscgi/request.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pscgi::protocol {

/// Sizes past which a request is refused. A request exactly at a limit is accepted.
struct ParserLimits {
  /// The header netstring's payload: the bytes between `:` and `,`. At most 1 GiB.
  std::size_t max_header_bytes;
  /// CONTENT_LENGTH.
  std::size_t max_body_bytes;
};

/// Parses one request: `<len>:<name>\0<value>\0...,<body>`.
///
/// Checks, beyond the framing: CONTENT_LENGTH is the first variable and plain decimal digits, SCGI is
/// present and "1", neither is repeated, and no name is empty. Repeated HTTP_* variables are joined
/// into the first one's place with ", " ("; " for HTTP_COOKIE), as HTTP joins repeated header fields;
/// other repeated names keep their first value. Limits are enforced as soon as a declared length is
/// known, before the bytes arrive; memory is not: a declared length reserves at most 64 KiB, and the
/// buffers grow with the bytes that actually come. Once failed, the parser stays failed until reset().
class ScgiParser {
 public:
  enum class State : std::uint8_t {
    header,    ///< reading the netstring (length, block, comma)
    body,      ///< header accepted; reading CONTENT_LENGTH bytes
    complete,  ///< the whole request is here: call take_request()
    failed,    ///< rejected: see error() and error_detail()
  };

  /// Throws std::invalid_argument when max_header_bytes is over 1 GiB (a Request keeps 32-bit offsets).
  explicit ScgiParser(ParserLimits limits);

  /// Consumes what it can of `bytes` and returns how many it used. It stops at the end of the request:
  /// bytes after the body (or after the failing byte) are not used. Consumes nothing once complete or
  /// failed.
  std::size_t feed(std::string_view bytes);
  /// The peer closed its side: a request that is not complete fails with ScgiError::truncated.
  void finish_input();

  State state() const noexcept { return state_; }

  /// Why the request was rejected. Only meaningful when state() == State::failed.
  ScgiError error() const noexcept { return error_; }
  /// The same as an error_code; empty unless state() == State::failed.
  std::error_code error_code() const noexcept;
  /// A sentence with the specifics, e.g. which variable and its (escaped, shortened) value; for logs.
  std::string_view error_detail() const noexcept { return detail_; }

  /// True once the header block has been accepted (state body or complete).
  bool header_complete() const noexcept { return state_ == State::body || state_ == State::complete; }
  /// CONTENT_LENGTH, once the header block has been read (kept when it then fails, e.g. body_too_large);
  /// 0 before.
  std::uint64_t content_length() const noexcept { return content_length_; }
  /// Body bytes still to come; 0 until header_complete() and once complete.
  std::size_t body_bytes_missing() const noexcept;

  /// Hands over the request and resets the parser. Throws std::logic_error unless complete.
  Request take_request();
  /// Takes back the buffers of a request that take_request() gave and that nothing refers to any
  /// more, so that the next request fills them instead of allocating its own: a connection the
  /// worker reuses then parses without allocating. Does nothing once the next request has begun.
  void recycle(Request&& request) noexcept;
  /// Back to the start: ready for a new request with the same limits. Keeps the header buffers'
  /// capacity (up to kept_capacity) for the next request.
  void reset() noexcept;

  /// The largest header buffer kept for reuse: a rare huge request does not pin its memory.
  static constexpr std::size_t kept_capacity = 64 * 1024;

 private:
  enum class Phase : std::uint8_t { length, block, comma };

  // The framing (scgi_parser.cpp).
  std::size_t feed_length(std::string_view bytes);
  void end_length();
  std::size_t feed_block(std::string_view bytes);
  void end_block(char terminator);
  std::size_t feed_body(std::string_view bytes);
  bool fail(ScgiError error, std::string detail);  ///< always false, so checks can `return fail(...)`
  void clear_buffers() noexcept;

  // The variables, once the block is complete (scgi_variables.cpp).
  bool split_variables();
  bool check_content_length();
  bool may_have_repeats() const noexcept;
  std::size_t repeat_group_end(std::size_t first) const noexcept;
  bool merge_repeats();
  void join_values(std::size_t first, std::size_t end);
  bool check_scgi();
  std::string_view name_of(const VariableSlot& slot) const noexcept;
  std::string_view value_of(const VariableSlot& slot) const noexcept;

  ParserLimits limits_;
  State state_ = State::header;
  Phase phase_ = Phase::length;
  std::size_t length_digits_ = 0;
  std::uint64_t block_length_ = 0;  ///< the netstring's declared length
  std::uint64_t content_length_ = 0;
  std::string storage_;  ///< the header block, then any joined values; becomes the Request's storage
  std::vector<VariableSlot> slots_;
  std::string body_;
  std::vector<std::uint32_t> order_;  ///< scratch for finding repeated names; kept across requests
  ScgiError error_{};
  std::string detail_;
};

}  // namespace pscgi::protocol
