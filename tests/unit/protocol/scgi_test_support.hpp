#pragma once
// Helpers shared by the SCGI parser tests: building wire bytes the way nginx does, independently of
// the parser under test.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::protocol::testing {

using Variables = std::vector<std::pair<std::string, std::string>>;

/// `<len>:<name>\0<value>\0...,<body>`, the variables in the order given (nothing is checked).
inline std::string scgi_request(const Variables& variables, std::string_view body = {}) {
  std::string block;
  for (const auto& [name, value] : variables) {
    block += name;
    block.push_back('\0');
    block += value;
    block.push_back('\0');
  }
  return std::to_string(block.size()) + ":" + block + "," + std::string(body);
}

/// CONTENT_LENGTH (from the body) and SCGI first, then `more`.
inline std::string scgi_request_with_body(std::string_view body, const Variables& more = {}) {
  Variables variables = {{"CONTENT_LENGTH", std::to_string(body.size())}, {"SCGI", "1"}};
  variables.insert(variables.end(), more.begin(), more.end());
  return scgi_request(variables, body);
}

}  // namespace pscgi::protocol::testing
