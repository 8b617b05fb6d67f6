#pragma once
// Requests shaped like the ones nginx sends with its stock scgi_params, and a fresh demo app.

#include "apps/demo/demo_app.hpp"

#include <pscgi/query.hpp>
#include <pscgi/request.hpp>

#include <string>
#include <string_view>

namespace pscgi::apps::demo::testing {

/// `uri` is the request target as the client sent it ("/work?ms=1"). DOCUMENT_URI is its decoded
/// path, as nginx's $document_uri is.
inline Request nginx_request(std::string_view method, std::string_view uri, std::string body = {}) {
  const std::size_t question = uri.find('?');
  const std::string_view path = uri.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? "" : uri.substr(question + 1);
  return Request::from_variables(
      {
          {"CONTENT_LENGTH", std::to_string(body.size())},
          {"SCGI", "1"},
          {"REQUEST_METHOD", std::string(method)},
          {"REQUEST_URI", std::string(uri)},
          {"QUERY_STRING", std::string(query)},
          {"CONTENT_TYPE", body.empty() ? "" : "application/octet-stream"},
          {"DOCUMENT_URI", percent_decode(path)},
          {"SERVER_PROTOCOL", "HTTP/1.1"},
          {"REMOTE_ADDR", "127.0.0.1"},
          {"SERVER_NAME", "localhost"},
          {"HTTP_HOST", "localhost:8080"},
      },
      std::move(body));
}

inline Request get(std::string_view uri) { return nginx_request("GET", uri); }

inline AppPtr make_app() { return make_demo_app(AppSettings{"demo", {}}); }

}  // namespace pscgi::apps::demo::testing
