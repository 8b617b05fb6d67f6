#include "nginx_request.hpp"

#include <algorithm>

namespace pscgi::bench {
namespace {

Variables nginx_variables(std::string_view method, std::string_view uri, std::size_t content_length,
                          std::string_view content_type) {
  const std::size_t question = uri.find('?');
  const std::string path(uri.substr(0, question));
  const std::string query(question == std::string_view::npos ? std::string_view() : uri.substr(question + 1));
  // nginx writes CONTENT_LENGTH itself, first; the rest is /etc/nginx/scgi_params in order (HTTPS is
  // `if_not_empty`, so a plain-http request has none).
  return {
      {"CONTENT_LENGTH", std::to_string(content_length)},
      {"REQUEST_METHOD", std::string(method)},
      {"REQUEST_URI", std::string(uri)},
      {"QUERY_STRING", query},
      {"CONTENT_TYPE", std::string(content_type)},
      {"DOCUMENT_URI", path},
      {"DOCUMENT_ROOT", "/var/www/html"},
      {"SCGI", "1"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"REQUEST_SCHEME", "http"},
      {"REMOTE_ADDR", "203.0.113.57"},
      {"REMOTE_PORT", "51724"},
      {"SERVER_PORT", "80"},
      {"SERVER_NAME", "www.example.com"},
      {"HTTP_HOST", "www.example.com"},
  };
}

// What a desktop Firefox sends on a plain-http navigation, in its order. Host is left out because
// scgi_params sets HTTP_HOST itself, and nginx then skips the client's header of that name.
void add_browser_headers(Variables& variables) {
  variables.insert(variables.end(), {
      {"HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"},
      {"HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
      {"HTTP_ACCEPT_LANGUAGE", "en-US,en;q=0.5"},
      {"HTTP_ACCEPT_ENCODING", "gzip, deflate"},
      {"HTTP_CONNECTION", "keep-alive"},
      {"HTTP_UPGRADE_INSECURE_REQUESTS", "1"},
  });
}

}  // namespace

Variables browser_get(std::string_view uri) {
  Variables variables = nginx_variables("GET", uri, 0, "");
  add_browser_headers(variables);
  return variables;
}

Variables form_post(std::string_view uri, std::size_t body_bytes) {
  Variables variables = nginx_variables("POST", uri, body_bytes, "application/x-www-form-urlencoded");
  add_browser_headers(variables);
  return variables;
}

std::string scgi_wire(const Variables& variables, std::string_view body) {
  std::string block;
  for (const auto& [name, value] : variables) {
    block += name;
    block.push_back('\0');
    block += value;
    block.push_back('\0');
  }
  std::string wire = std::to_string(block.size());
  wire.push_back(':');
  wire += block;
  wire.push_back(',');
  wire += body;
  return wire;
}

std::string form_body(std::size_t bytes) {
  std::string body;
  body.reserve(bytes + 32);
  for (std::size_t field = 0; body.size() < bytes; ++field) {
    if (!body.empty()) body.push_back('&');
    body += "field" + std::to_string(field) + "=";
    body.append(40, static_cast<char>('a' + field % 26));
  }
  body.resize(bytes);
  return body;
}

Variables with_variable(Variables variables, std::string name, std::string value) {
  const auto found = std::find_if(variables.begin(), variables.end(), [&](const auto& v) { return v.first == name; });
  if (found != variables.end()) {
    found->second = std::move(value);
  } else {
    variables.emplace_back(std::move(name), std::move(value));
  }
  return variables;
}

Request make_request(const Variables& variables, std::string body) {
  return Request::from_variables(variables, std::move(body));
}

}  // namespace pscgi::bench
