#include "protocol/http_fields.hpp"

namespace pscgi::protocol {

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_upper(c);
  return out;
}

std::string cgi_header_name(std::string_view http_name) {
  std::string name = "HTTP_";
  name.reserve(name.size() + http_name.size());
  for (const char c : http_name) name.push_back(c == '-' ? '_' : to_upper(c));
  return name;
}

}  // namespace pscgi::protocol
