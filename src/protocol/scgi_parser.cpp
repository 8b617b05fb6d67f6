// The framing: the netstring around the header block, and the body after it. The checks of the
// variables in the block are in scgi_variables.cpp.
#include "protocol/scgi_parser.hpp"

#include "protocol/http_fields.hpp"
#include "protocol/request_storage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace pscgi::protocol {
namespace {

// Request keeps 32-bit offsets, and joined values can make storage up to twice the block.
constexpr std::size_t max_header_limit = std::size_t{1} << 30;
// Ten digits already declare 10 GB; refusing more means the length can never overflow.
constexpr std::size_t max_length_digits = 10;
// A declared length is only a promise: memory follows the bytes that arrive, so a peer that declares
// a gigabyte and sends nothing costs at most this much.
constexpr std::size_t initial_reserve = 64 * 1024;

// Makes room for `more` bytes in `buffer`, which is to hold `declared` in the end: doubling, as
// std::string does, but never past the declared length, so a complete buffer holds no slack.
void make_room(std::string& buffer, std::size_t more, std::uint64_t declared) {
  const std::size_t needed = buffer.size() + more;
  if (needed <= buffer.capacity()) return;
  const auto limit = static_cast<std::size_t>(declared);
  buffer.reserve(std::min(limit, std::max(needed, buffer.capacity() * 2)));
}

// Gives a string's buffer back. Assigning an empty std::string would not: libstdc++ copies an
// empty inline string into the existing buffer and keeps its capacity.
void release(std::string& buffer) noexcept { std::string().swap(buffer); }

}  // namespace

ScgiParser::ScgiParser(ParserLimits limits) : limits_(limits) {
  if (limits_.max_header_bytes > max_header_limit) {
    throw std::invalid_argument(fmt::format("max_header_bytes {} is over the 1 GiB the parser supports",
                                            limits_.max_header_bytes));
  }
}

std::size_t ScgiParser::feed(std::string_view bytes) {
  std::size_t used = 0;
  while (used < bytes.size()) {
    const std::string_view rest = bytes.substr(used);
    if (state_ == State::body) {
      used += feed_body(rest);
    } else if (state_ != State::header) {
      break;
    } else if (phase_ == Phase::length) {
      used += feed_length(rest);
    } else if (phase_ == Phase::block) {
      used += feed_block(rest);
    } else {
      end_block(rest.front());
      ++used;
    }
  }
  return used;
}

std::size_t ScgiParser::feed_length(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == ':') {
      end_length();
      return i + 1;
    }
    if (!is_digit(c)) {
      if (length_digits_ > 0) {
        fail(ScgiError::missing_colon, fmt::format("the header netstring length {} is followed by '{}', not ':'",
                                                   block_length_, printable(c)));
      } else {
        const bool looks_like_http = is_upper(c);
        fail(ScgiError::bad_length,
             fmt::format("a request must start with the decimal length of its header netstring, not '{}'{}",
                         printable(c), looks_like_http ? " (HTTP? nginx needs scgi_pass, not proxy_pass)" : ""));
      }
      return i + 1;
    }
    if (length_digits_ == 1 && block_length_ == 0) {
      fail(ScgiError::bad_length, "the header netstring length has a leading zero");
      return i + 1;
    }
    if (++length_digits_ > max_length_digits) {
      fail(ScgiError::bad_length,
           fmt::format("the header netstring length has more than {} digits", max_length_digits));
      return i + 1;
    }
    block_length_ = block_length_ * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return bytes.size();
}

void ScgiParser::end_length() {
  if (length_digits_ == 0) {
    fail(ScgiError::bad_length, "the header netstring length is empty");
    return;
  }
  if (block_length_ > limits_.max_header_bytes) {
    fail(ScgiError::header_too_large, fmt::format("the header block declares {} bytes; max_header_bytes is {}",
                                                  block_length_, limits_.max_header_bytes));
    return;
  }
  storage_.reserve(std::min(static_cast<std::size_t>(block_length_), initial_reserve));
  phase_ = block_length_ == 0 ? Phase::comma : Phase::block;
}

std::size_t ScgiParser::feed_block(std::string_view bytes) {
  const std::size_t taken = std::min(static_cast<std::size_t>(block_length_) - storage_.size(), bytes.size());
  make_room(storage_, taken, block_length_);
  storage_.append(bytes.data(), taken);
  if (storage_.size() == block_length_) phase_ = Phase::comma;
  return taken;
}

void ScgiParser::end_block(char terminator) {
  if (terminator != ',') {
    fail(ScgiError::missing_comma, fmt::format("the {}-byte header block is followed by '{}', not ','",
                                               block_length_, printable(terminator)));
    return;
  }
  if (!split_variables() || !check_content_length() || !merge_repeats() || !check_scgi()) return;
  if (content_length_ > limits_.max_body_bytes) {
    fail(ScgiError::body_too_large,
         fmt::format("CONTENT_LENGTH is {}; max_body_bytes is {}", content_length_, limits_.max_body_bytes));
    return;
  }
  if (content_length_ == 0) {
    state_ = State::complete;
    return;
  }
  body_.reserve(std::min(static_cast<std::size_t>(content_length_), initial_reserve));
  state_ = State::body;
}

std::size_t ScgiParser::feed_body(std::string_view bytes) {
  const std::size_t taken = std::min(body_bytes_missing(), bytes.size());
  make_room(body_, taken, content_length_);
  body_.append(bytes.data(), taken);
  if (body_.size() == content_length_) state_ = State::complete;
  return taken;
}

void ScgiParser::finish_input() {
  if (state_ == State::header && phase_ == Phase::length) {
    fail(ScgiError::truncated,
         fmt::format("the peer closed the connection after {} digits of the netstring length", length_digits_));
  } else if (state_ == State::header) {
    fail(ScgiError::truncated, fmt::format("the peer closed the connection after {} of the {} header bytes{}",
                                           storage_.size(), block_length_,
                                           phase_ == Phase::comma ? ", before the ',' that ends them" : ""));
  } else if (state_ == State::body) {
    fail(ScgiError::truncated, fmt::format("the peer closed the connection after {} of the {} body bytes",
                                           body_.size(), content_length_));
  }
}

std::error_code ScgiParser::error_code() const noexcept {
  return state_ == State::failed ? make_error_code(error_) : std::error_code();
}

std::size_t ScgiParser::body_bytes_missing() const noexcept {
  return state_ == State::body ? static_cast<std::size_t>(content_length_) - body_.size() : 0;
}

Request ScgiParser::take_request() {
  if (state_ != State::complete) throw std::logic_error("ScgiParser::take_request: the request is not complete");
  Request request = RequestStorage::make_request(std::move(storage_), std::move(slots_), std::move(body_));
  reset();
  return request;
}

void ScgiParser::reset() noexcept {
  state_ = State::header;
  phase_ = Phase::length;
  length_digits_ = 0;
  block_length_ = 0;
  content_length_ = 0;
  clear_buffers();
  release(body_);  // bodies can be megabytes: not kept
  error_ = {};
  release(detail_);
}

void ScgiParser::recycle(Request&& request) noexcept {
  if (state_ != State::header || !storage_.empty() || !slots_.empty()) return;
  RequestStorage::give_back(std::move(request), storage_, slots_);
  clear_buffers();
}

void ScgiParser::clear_buffers() noexcept {
  storage_.clear();
  slots_.clear();
  if (storage_.capacity() > kept_capacity) release(storage_);
  if (slots_.capacity() * sizeof(VariableSlot) > kept_capacity) slots_ = std::vector<VariableSlot>();
}

bool ScgiParser::fail(ScgiError error, std::string detail) {
  state_ = State::failed;
  error_ = error;
  detail_ = std::move(detail);
  return false;
}

}  // namespace pscgi::protocol
