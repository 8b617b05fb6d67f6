#include "protocol/scgi_error.hpp"

#include "log/escape.hpp"

#include <string>

namespace pscgi::protocol {
namespace {

// The errors a misconfigured nginx location produces say how to fix it: nginx's SCGI module writes
// CONTENT_LENGTH itself, always first, but SCGI=1 comes from the scgi_params file. A peer that gets
// these wrong is usually not nginx's scgi_pass, or a location without the include.
std::string with_nginx_hint(const char* text) {
  return std::string(text).append(
      " (nginx's scgi_pass always sends CONTENT_LENGTH first, and sends SCGI 1 only with"
      " `include scgi_params;`)");
}

class ScgiCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pscgi.scgi"; }

  std::string message(int value) const override {
    switch (static_cast<ScgiError>(value)) {
      case ScgiError::bad_length: return "bad SCGI netstring length (not plain decimal digits)";
      case ScgiError::missing_colon: return "SCGI netstring length not followed by ':'";
      case ScgiError::missing_comma: return "SCGI header block not followed by ','";
      case ScgiError::header_too_large: return "SCGI header block larger than max_header_bytes";
      case ScgiError::odd_strings: return "SCGI header block is not NUL-terminated name/value pairs";
      case ScgiError::empty_name: return "SCGI variable with an empty name";
      case ScgiError::missing_content_length: return with_nginx_hint("SCGI request without CONTENT_LENGTH");
      case ScgiError::content_length_not_first:
        return with_nginx_hint("SCGI request whose first variable is not CONTENT_LENGTH");
      case ScgiError::bad_content_length: return "SCGI CONTENT_LENGTH is not a plain decimal number";
      case ScgiError::repeated_content_length: return "SCGI request with more than one CONTENT_LENGTH";
      case ScgiError::missing_scgi: return with_nginx_hint("SCGI request without the SCGI variable");
      case ScgiError::bad_scgi: return with_nginx_hint("SCGI variable is not 1");
      case ScgiError::repeated_scgi: return "SCGI request with more than one SCGI variable";
      case ScgiError::body_too_large: return "SCGI CONTENT_LENGTH larger than max_body_bytes";
      case ScgiError::truncated: return "connection closed before the whole SCGI request arrived";
    }
    return "unknown SCGI error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& scgi_category() noexcept {
  static const ScgiCategory category;
  return category;
}

std::error_code make_error_code(ScgiError e) noexcept { return {static_cast<int>(e), scgi_category()}; }

int http_status(ScgiError e) noexcept {
  switch (e) {
    case ScgiError::header_too_large: return 431;
    case ScgiError::body_too_large: return 413;
    default: return 400;
  }
}

std::string_view to_string(ScgiError e) noexcept {
  switch (e) {
    case ScgiError::bad_length: return "bad_length";
    case ScgiError::missing_colon: return "missing_colon";
    case ScgiError::missing_comma: return "missing_comma";
    case ScgiError::header_too_large: return "header_too_large";
    case ScgiError::odd_strings: return "odd_strings";
    case ScgiError::empty_name: return "empty_name";
    case ScgiError::missing_content_length: return "missing_content_length";
    case ScgiError::content_length_not_first: return "content_length_not_first";
    case ScgiError::bad_content_length: return "bad_content_length";
    case ScgiError::repeated_content_length: return "repeated_content_length";
    case ScgiError::missing_scgi: return "missing_scgi";
    case ScgiError::bad_scgi: return "bad_scgi";
    case ScgiError::repeated_scgi: return "repeated_scgi";
    case ScgiError::body_too_large: return "body_too_large";
    case ScgiError::truncated: return "truncated";
  }
  return "";
}

std::string printable(std::string_view text) {
  constexpr std::size_t max_shown = 64;
  std::string out = log::escaped(text.substr(0, max_shown));
  if (text.size() > max_shown) out += "...";
  return out;
}

std::string printable(char c) { return printable(std::string_view(&c, 1)); }

}  // namespace pscgi::protocol
