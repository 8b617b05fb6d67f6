#pragma once
/// \file
/// The state of one request as it travels through the pipeline.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

namespace pscgi {

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
  /// original through original_request(). The cache uses it to run a HEAD miss as GET.
  void replace_request(Request request) {
    replaced_ = std::move(request);
    current_ = &*replaced_;
  }

  /// The answer. Set by the stage that answers; a stage may replace it on the way out with a new
  /// object (it cannot modify it: the object is const).
  ResponsePtr response;

  /// Headers added on the wire for this request only, after the response's own headers. This is how
  /// per-request information (Cache-Status, X-Pscgi-Worker) reaches the client without touching a
  /// response that may be shared with the cache.
  std::vector<Header> extra_headers;

  /// A short word for the access log saying what the cache did ("hit", "miss", "bypass"…); "-" if
  /// no cache stage ran.
  std::string_view cache_outcome = "-";

  std::chrono::steady_clock::time_point accepted_at() const noexcept { return accepted_at_; }

 private:
  const Request* original_;
  const Request* current_;
  std::optional<Request> replaced_;
  std::chrono::steady_clock::time_point accepted_at_;
};

}  // namespace pscgi
