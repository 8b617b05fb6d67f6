#include <pscgi/query.hpp>

#include "protocol/http_fields.hpp"

#include <algorithm>

namespace pscgi {
namespace {

std::string decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
      continue;
    }
    if (c == '%' && i + 2 < text.size()) {
      const int high = protocol::hex_digit_value(text[i + 1]);
      const int low = protocol::hex_digit_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    // Not an escape (or a broken one): keep the byte, so nothing the client sent is lost.
    out.push_back(c);
  }
  return out;
}

QueryParam split_pair(std::string_view piece) {
  const std::size_t equals = piece.find('=');
  if (equals == std::string_view::npos) return {form_decode(piece), {}};
  return {form_decode(piece.substr(0, equals)), form_decode(piece.substr(equals + 1))};
}

}  // namespace

std::string percent_decode(std::string_view text) { return decode(text, false); }

std::string form_decode(std::string_view text) { return decode(text, true); }

QueryParams::QueryParams(std::string_view query) {
  params_.reserve(static_cast<std::size_t>(std::count(query.begin(), query.end(), '&')) + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    if (!piece.empty()) params_.push_back(split_pair(piece));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

std::optional<std::string> QueryParams::first(std::string_view name) const {
  for (const QueryParam& p : params_) {
    if (p.name == name) return p.value;
  }
  return std::nullopt;
}

std::vector<std::string> QueryParams::all(std::string_view name) const {
  std::vector<std::string> values;
  for (const QueryParam& p : params_) {
    if (p.name == name) values.push_back(p.value);
  }
  return values;
}

bool QueryParams::contains(std::string_view name) const noexcept {
  return std::any_of(params_.begin(), params_.end(), [name](const QueryParam& p) { return p.name == name; });
}

}  // namespace pscgi
