#pragma once
/// \file
/// The state of one request as it travels through the pipeline.

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

namespace pscgi {

namespace pipeline {
// The server's own stages keep state on the exchange that is not part of this API; these are
// defined in src/pipeline/exchange_internals.hpp.
enum class CacheOutcome : std::uint8_t;
struct ExchangeInternals;
}  // namespace pipeline

/// One request/response exchange. The connection owns it; stages read and fill it.
class Exchange {
 public:
  explicit Exchange(const Request& request,
                    std::chrono::steady_clock::time_point accepted_at = std::chrono::steady_clock::now())
      : original_(&request), current_(&request), accepted_at_(accepted_at) {}
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  /// The request later stages see (see replace_request).
  const Request& request() const noexcept { return *current_; }
  /// The request exactly as the client sent it.
  const Request& original_request() const noexcept { return *original_; }
  /// Makes later stages (and the application) see `request` instead; earlier stages still see the
  /// original through original_request(). The cache uses it to run a HEAD miss as GET. How the
  /// answer is written still follows the original: a client's HEAD gets the head only (see `response`).
  void replace_request(Request request) {
    replaced_ = std::move(request);
    current_ = &*replaced_;
  }

  /// The answer. Set by the stage that answers; a stage may replace it on the way out with a new
  /// object (it cannot modify it: the object is const). Stages answer a HEAD request with a whole
  /// response: the server writes its head only, Content-Length included.
  ResponsePtr response;

  /// Headers added on the wire for this request only, after the response's own headers. This is how
  /// per-request information (Cache-Status, X-Pscgi-Worker) reaches the client without touching a
  /// response that may be shared with the cache.
  std::vector<Header> extra_headers;

  std::chrono::steady_clock::time_point accepted_at() const noexcept { return accepted_at_; }

 private:
  const Request* original_;
  const Request* current_;
  std::optional<Request> replaced_;
  std::chrono::steady_clock::time_point accepted_at_;
  friend struct pipeline::ExchangeInternals;
  pipeline::CacheOutcome cache_outcome_{};  ///< what the cache did, for the access log
  std::int64_t outer_keep_until_ = -1;      ///< what an outer cache may do with the answer (cache.outer)
  const Response* outer_answer_ = nullptr;  ///< the answer that verdict is about
};

}  // namespace pscgi
