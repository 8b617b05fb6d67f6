#include "cache/validators.hpp"

#include "cache/http_date.hpp"
#include "protocol/http_fields.hpp"

#include <array>

namespace pscgi::cache {

using protocol::for_each_list_member;
using protocol::iequals;
using protocol::trim_ows;

namespace {

// etagc = %x21 / %x23-7E / obs-text: visible characters but the double quote, and bytes >= 0x80.
bool is_etagc(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte == 0x21 || (byte >= 0x23 && byte != 0x7F);
}

constexpr std::array<std::string_view, 7> not_modified_headers = {
    "ETag", "Last-Modified", "Cache-Control", "Expires", "Vary", "Date", "Content-Location"};

bool allowed_in_not_modified(std::string_view name) noexcept {
  for (std::string_view allowed : not_modified_headers) {
    if (iequals(name, allowed)) return true;
  }
  return false;
}

}  // namespace

std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept {
  EntityTag tag;
  if (text.substr(0, 2) == "W/") {
    tag.weak = true;
    text.remove_prefix(2);
  }
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
  for (char c : text.substr(1, text.size() - 2)) {
    if (!is_etagc(c)) return std::nullopt;
  }
  tag.opaque = text;
  return tag;
}

bool weak_match(const EntityTag& a, const EntityTag& b) noexcept { return a.opaque == b.opaque; }

bool strong_match(const EntityTag& a, const EntityTag& b) noexcept {
  return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool if_none_match_matches(std::string_view if_none_match, std::optional<std::string_view> etag) noexcept {
  const std::optional<EntityTag> current = etag ? parse_entity_tag(trim_ows(*etag)) : std::nullopt;
  bool matched = false;
  for_each_list_member(if_none_match, [&](std::string_view member) {
    if (member == "*") {
      matched = true;
    } else if (current) {
      const std::optional<EntityTag> candidate = parse_entity_tag(member);
      matched = candidate && weak_match(*candidate, *current);
    }
    return !matched;
  });
  return matched;
}

bool not_modified_since(std::string_view if_modified_since, std::optional<std::string_view> last_modified) noexcept {
  if (!last_modified) return false;
  const auto since = parse_http_date(if_modified_since);
  const auto modified = parse_http_date(*last_modified);
  return since && modified && *modified <= *since;
}

bool is_not_modified(const Request& request, const Response& response) noexcept {
  const std::string_view method = request.method();
  if (response.status() != 200 || (method != "GET" && method != "HEAD")) return false;
  if (const auto if_none_match = request.find("HTTP_IF_NONE_MATCH")) {
    return if_none_match_matches(*if_none_match, response.header("ETag"));
  }
  if (const auto if_modified_since = request.find("HTTP_IF_MODIFIED_SINCE")) {
    return not_modified_since(*if_modified_since, response.header("Last-Modified"));
  }
  return false;
}

ResponsePtr make_not_modified(const Response& response) {
  ResponseBuilder builder(304);
  for (const Header& header : response.headers()) {
    if (allowed_in_not_modified(header.name)) builder.header(header.name, header.value);
  }
  // The 304 answers one request; the full response is what a cache keeps.
  return builder.uncacheable().finish();
}

}  // namespace pscgi::cache
