#pragma once
/// \file
/// The requests pscgi-load sends, rendered to SCGI bytes once before the run so that sending one is
/// a single write of a prepared string. A request looks like what nginx sends with the stock
/// /etc/nginx/scgi_params: CONTENT_LENGTH first, then that file's variables in its order, then the
/// client's headers as HTTP_* variables.

#include "sampler.hpp"

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::load {

/// What every rendered request shares; only the URI varies.
struct RequestTemplate {
  std::string method = "GET";
  std::string host = "localhost";
  /// Client headers by HTTP name ("User-Agent"), in the order the client sent them.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// The headers a browser-like client sends unless told otherwise.
std::vector<std::pair<std::string, std::string>> default_headers();

/// Sets `name` to `value` in `headers` (case-insensitive match, keeping its place), or appends it.
void set_header(std::vector<std::pair<std::string, std::string>>& headers, std::string name,
                std::string value);

/// "Accept-Encoding" -> "HTTP_ACCEPT_ENCODING", as nginx names a forwarded header.
std::string http_variable_name(std::string_view header_name);

/// One SCGI request (netstring of NUL-separated variables, then the empty body) for `uri`, which
/// may carry a query string. Throws std::invalid_argument when a name or value contains a NUL.
std::string render_scgi_request(std::string_view uri, const RequestTemplate& request);

struct WeightedUri {
  double weight = 1.0;
  std::string uri;
};

/// Reads a url file: one `weight uri` or `uri` per line; blank lines and lines starting with '#'
/// are skipped. Throws std::invalid_argument naming the line when a line is not understood.
std::vector<WeightedUri> parse_url_file(std::istream& in);

/// The page URIs for --zipf: the template with "{}" replaced by 1..pages. Throws
/// std::invalid_argument when the template has no "{}".
std::vector<std::string> zipf_uris(std::string_view uri_template, std::size_t pages);

/// Prepared requests and how often each is chosen. Immutable after construction: threads share it.
class RequestSet {
 public:
  /// `labels` name each request in reports (its URI); all three vectors have the same length.
  RequestSet(std::vector<std::string> requests, std::vector<std::string> labels,
             const std::vector<double>& weights);

  static RequestSet from_uris(const std::vector<WeightedUri>& uris, const RequestTemplate& request);
  static RequestSet from_zipf(std::string_view uri_template, std::size_t pages, double exponent,
                              const RequestTemplate& request);
  /// A request file sent verbatim; its label is `name`.
  static RequestSet from_raw(std::string bytes, std::string name);

  std::size_t size() const noexcept { return requests_.size(); }
  const std::string& request(std::size_t i) const { return requests_.at(i); }
  const std::string& label(std::size_t i) const { return labels_.at(i); }
  const WeightedSampler& sampler() const noexcept { return sampler_; }

  template <class Engine>
  const std::string& pick(Engine& engine) const {
    return requests_[sampler_(engine)];
  }

 private:
  std::vector<std::string> requests_;
  std::vector<std::string> labels_;
  WeightedSampler sampler_;
};

}  // namespace pscgi::load
