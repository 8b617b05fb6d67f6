#include "cache/cache_key.hpp"

#include "cache/cacheability.hpp"
#include "protocol/http_fields.hpp"

#include <algorithm>

namespace pscgi::cache {

using protocol::cgi_header_name;
using protocol::for_each_response_list_member;
using protocol::to_lower;

namespace {

constexpr char separator = '\0';
constexpr char value_follows = '\x01';
constexpr char header_absent = '\x02';

}  // namespace

void build_primary_key(std::string& key, const Request& request) {
  const std::string_view method = method_class(request.method());
  const std::string_view host = request.host();
  const std::string_view uri = request.uri();
  key.clear();
  key.reserve(method.size() + host.size() + uri.size() + 2);
  key += method;
  key += separator;
  for (const char c : host) key += to_lower(c);
  key += separator;
  key += uri;
}

void append_variant(std::string& key, const Request& request, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    key += separator;
    key += name;
    if (const std::optional<std::string_view> value = request.find(name)) {
      key += value_follows;
      key += *value;
    } else {
      key += header_absent;
    }
  }
}

std::vector<std::string> vary_names(const Response& response) {
  std::vector<std::string> names;
  for_each_response_list_member(response, "Vary", [&](std::string_view member) {
    names.push_back(cgi_header_name(member));
    return true;
  });
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace pscgi::cache
