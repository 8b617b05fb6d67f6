#pragma once
/// \file
/// Conditional requests (RFC 9110 section 13): entity tags, If-None-Match, If-Modified-Since, and
/// the 304 that answers them.

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

#include <optional>
#include <string_view>

namespace pscgi::cache {

/// An entity tag: `"xyz"` (strong) or `W/"xyz"` (weak). `opaque` includes the quotes.
struct EntityTag {
  bool weak = false;
  std::string_view opaque;
};

/// Parses one entity tag; nullopt when it is not one (no quotes, characters outside etagc…).
std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept;

/// Weak comparison: the opaque tags are equal, weak or not (what If-None-Match uses).
bool weak_match(const EntityTag& a, const EntityTag& b) noexcept;
/// Strong comparison: both strong and equal.
bool strong_match(const EntityTag& a, const EntityTag& b) noexcept;

/// True when an If-None-Match value matches the representation's ETag (weak comparison): `*`
/// matches any ETag; a list matches when any member does. Members that are not entity tags are
/// skipped. No ETag (or an invalid one) matches only `*`.
bool if_none_match_matches(std::string_view if_none_match, std::optional<std::string_view> etag) noexcept;

/// True when Last-Modified is not later than If-Modified-Since. False when either is missing or not
/// a valid HTTP-date (an invalid If-Modified-Since is ignored, RFC 9110 section 13.1.3).
bool not_modified_since(std::string_view if_modified_since, std::optional<std::string_view> last_modified) noexcept;

/// True when `request` (GET or HEAD) is conditional and its condition says the client's copy of
/// `response` is current, so it should get a 304. Only a 200 can be answered by a 304.
/// If-Modified-Since counts only when there is no If-None-Match.
bool is_not_modified(const Request& request, const Response& response) noexcept;

/// A new 304 carrying only the headers of `response` a 304 may carry (ETag, Last-Modified,
/// Cache-Control, Expires, Vary, Date, Content-Location), in their order; no Content-Length, no body.
ResponsePtr make_not_modified(const Response& response);

}  // namespace pscgi::cache
