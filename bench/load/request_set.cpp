#include "request_set.hpp"

#include <strings.h>
#include <cctype>
#include <stdexcept>

namespace pscgi::load {
namespace {

void append_variable(std::string& out, std::string_view name, std::string_view value) {
  if (name.find('\0') != std::string_view::npos || value.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("SCGI variable " + std::string(name) + " contains a NUL byte");
  }
  out.append(name);
  out.push_back('\0');
  out.append(value);
  out.push_back('\0');
}

// pscgi-load builds without the pscgi library (see bench/CMakeLists.txt), so it keeps its own copy
// of trim_ows() of src/protocol/http_fields.hpp (one that trims any whitespace).
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> default_headers() {
  return {{"User-Agent", "pscgi-load/0.1"},
          {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
          {"Accept-Encoding", "gzip, deflate, br"}};
}

void set_header(std::vector<std::pair<std::string, std::string>>& headers, std::string name,
                std::string value) {
  for (auto& [existing, old_value] : headers) {
    if (::strcasecmp(existing.c_str(), name.c_str()) == 0) {
      old_value = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

// pscgi-load builds without the pscgi library (see bench/CMakeLists.txt), so it keeps its own copy
// of cgi_header_name() of src/protocol/http_fields.hpp.
std::string http_variable_name(std::string_view header_name) {
  std::string name = "HTTP_";
  for (char c : header_name) {
    name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

std::string render_scgi_request(std::string_view uri, const RequestTemplate& request) {
  const auto question = uri.find('?');
  const std::string_view path = uri.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? "" : uri.substr(question + 1);

  std::string vars;
  // CONTENT_LENGTH must come first (the SCGI spec); nginx then sends scgi_params in file order.
  append_variable(vars, "CONTENT_LENGTH", "0");
  append_variable(vars, "REQUEST_METHOD", request.method);
  append_variable(vars, "REQUEST_URI", uri);
  append_variable(vars, "QUERY_STRING", query);
  append_variable(vars, "CONTENT_TYPE", "");
  append_variable(vars, "DOCUMENT_URI", path);
  append_variable(vars, "DOCUMENT_ROOT", "/var/www/html");
  append_variable(vars, "SCGI", "1");
  append_variable(vars, "SERVER_PROTOCOL", "HTTP/1.1");
  append_variable(vars, "REQUEST_SCHEME", "http");
  append_variable(vars, "REMOTE_ADDR", "127.0.0.1");
  append_variable(vars, "REMOTE_PORT", "51234");
  append_variable(vars, "SERVER_PORT", "80");
  append_variable(vars, "SERVER_NAME", request.host);
  append_variable(vars, "HTTP_HOST", request.host);
  for (const auto& [name, value] : request.headers) {
    const std::string variable = http_variable_name(name);
    // nginx skips a client header that a scgi_param already set.
    if (variable == "HTTP_HOST") continue;
    append_variable(vars, variable, value);
  }
  std::string out = std::to_string(vars.size());
  out.push_back(':');
  out.append(vars);
  out.push_back(',');
  return out;
}

std::vector<WeightedUri> parse_url_file(std::istream& in) {
  std::vector<WeightedUri> uris;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const auto space = text.find_first_of(" \t");
    if (space == std::string_view::npos) {
      uris.push_back({1.0, std::string(text)});
      continue;
    }
    const std::string weight_text(text.substr(0, space));
    const std::string_view uri = trim(text.substr(space));
    std::size_t used = 0;
    double weight = -1;
    try {
      weight = std::stod(weight_text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != weight_text.size() || !(weight > 0) || uri.empty() ||
        uri.find_first_of(" \t") != std::string_view::npos) {
      throw std::invalid_argument("url file line " + std::to_string(number) +
                                  ": expected `weight uri` or `uri`, with a weight above 0");
    }
    uris.push_back({weight, std::string(uri)});
  }
  return uris;
}

std::vector<std::string> zipf_uris(std::string_view uri_template, std::size_t pages) {
  const auto hole = uri_template.find("{}");
  if (hole == std::string_view::npos) {
    throw std::invalid_argument("the zipf template needs a {} for the page number");
  }
  std::vector<std::string> uris;
  uris.reserve(pages);
  for (std::size_t page = 1; page <= pages; ++page) {
    std::string uri(uri_template.substr(0, hole));
    uri += std::to_string(page);
    uri += uri_template.substr(hole + 2);
    uris.push_back(std::move(uri));
  }
  return uris;
}

RequestSet::RequestSet(std::vector<std::string> requests, std::vector<std::string> labels,
                       const std::vector<double>& weights)
    : requests_(std::move(requests)), labels_(std::move(labels)), sampler_(weights) {
  if (requests_.size() != labels_.size() || requests_.size() != weights.size()) {
    throw std::invalid_argument("requests, labels and weights differ in length");
  }
}

RequestSet RequestSet::from_uris(const std::vector<WeightedUri>& uris,
                                 const RequestTemplate& request) {
  std::vector<std::string> requests, labels;
  std::vector<double> weights;
  for (const auto& [weight, uri] : uris) {
    requests.push_back(render_scgi_request(uri, request));
    labels.push_back(uri);
    weights.push_back(weight);
  }
  return RequestSet(std::move(requests), std::move(labels), weights);
}

RequestSet RequestSet::from_zipf(std::string_view uri_template, std::size_t pages, double exponent,
                                 const RequestTemplate& request) {
  std::vector<std::string> labels = zipf_uris(uri_template, pages);
  std::vector<std::string> requests;
  requests.reserve(labels.size());
  for (const auto& uri : labels) requests.push_back(render_scgi_request(uri, request));
  return RequestSet(std::move(requests), std::move(labels), zipf_weights(pages, exponent));
}

RequestSet RequestSet::from_raw(std::string bytes, std::string name) {
  return RequestSet({std::move(bytes)}, {std::move(name)}, {1.0});
}

}  // namespace pscgi::load
