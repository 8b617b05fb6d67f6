#include <pscgi/request.hpp>

#include "protocol/http_fields.hpp"

#include <array>
#include <cstring>
#include <stdexcept>

namespace pscgi {

// Application accessors, and what the cache asks of every request (on a hit, whether the request
// carries credentials, cookies, validators or a no-cache).
enum class Request::Known : std::uint8_t {
  method, uri, query, remote_addr, document_uri, http_host, server_name,
  authorization, cookie, if_none_match, if_modified_since, cache_control, pragma, count
};

namespace {

// In the order of Request::Known.
constexpr std::string_view known_names[] = {
    "REQUEST_METHOD",     "REQUEST_URI", "QUERY_STRING",       "REMOTE_ADDR",            "DOCUMENT_URI",
    "HTTP_HOST",          "SERVER_NAME", "HTTP_AUTHORIZATION", "HTTP_COOKIE",            "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE", "HTTP_CACHE_CONTROL", "HTTP_PRAGMA"};

constexpr std::size_t longest_known_name = 22;
constexpr std::size_t max_known_per_length = 6;
using LengthBuckets = std::array<std::array<std::int8_t, max_known_per_length>, longest_known_name + 1>;

constexpr LengthBuckets known_names_by_length() {
  LengthBuckets buckets{};
  for (auto& bucket : buckets) bucket.fill(-1);
  for (std::size_t k = 0; k < std::size(known_names); ++k) {
    auto& bucket = buckets[known_names[k].size()];
    std::size_t used = 0;
    while (bucket[used] >= 0) ++used;
    bucket[used] = static_cast<std::int8_t>(k);
  }
  return buckets;
}

std::uint32_t checked_u32(std::size_t value) {
  if (value > UINT32_MAX) throw std::length_error("request larger than 4 GiB");
  return static_cast<std::uint32_t>(value);
}

}  // namespace

Request Request::from_variables(const std::vector<std::pair<std::string, std::string>>& variables,
                                std::string body) {
  std::string storage;
  std::vector<Slot> slots;
  slots.reserve(variables.size());
  for (const auto& [name, value] : variables) {
    Slot slot;
    slot.name_offset = checked_u32(storage.size());
    slot.name_length = checked_u32(name.size());
    storage += name;
    storage.push_back('\0');
    slot.value_offset = checked_u32(storage.size());
    slot.value_length = checked_u32(value.size());
    storage += value;
    storage.push_back('\0');
    slots.push_back(slot);
  }
  return Request(std::move(storage), std::move(slots), std::move(body));
}

Request::Request() noexcept { index_known_variables(); }

Request::Request(std::string storage, std::vector<Slot> slots, std::string body)
    : storage_(std::move(storage)), slots_(std::move(slots)), body_(std::move(body)) {
  index_known_variables();
}

// Most names are not known ones, so the first question is the cheapest: is any known name this
// long? Only the few of that length are then compared.
int Request::known_index(std::string_view name) noexcept {
  static constexpr auto by_length = known_names_by_length();
  if (name.size() >= by_length.size() || name.size() < 8) return -1;  // every known name is longer
  std::uint64_t head;
  std::memcpy(&head, name.data(), 8);
  for (const std::int8_t k : by_length[name.size()]) {
    if (k < 0) break;
    std::uint64_t known_head;
    std::memcpy(&known_head, known_names[k].data(), 8);
    if (head == known_head && std::memcmp(name.data() + 8, known_names[k].data() + 8, name.size() - 8) == 0) return k;
  }
  return -1;
}

void Request::index_known_variables() noexcept {
  static_assert(static_cast<std::size_t>(Known::count) == known_count && std::size(known_names) == known_count);
  for (auto& index : known_) index = absent;
  // Walk backwards so that the first occurrence of a repeated name is the one kept.
  for (std::size_t i = slots_.size(); i-- > 0;) {
    const std::string_view name(storage_.data() + slots_[i].name_offset, slots_[i].name_length);
    if (const int k = known_index(name); k >= 0) known_[k] = static_cast<std::uint32_t>(i);
  }
}

std::string_view Request::value_at(std::uint32_t slot) const noexcept {
  const Slot& s = slots_[slot];
  return {storage_.data() + s.value_offset, s.value_length};
}

std::string_view Request::known(Known which) const noexcept {
  const std::uint32_t slot = known_[static_cast<std::size_t>(which)];
  return slot == absent ? std::string_view() : value_at(slot);
}

std::optional<std::string_view> Request::find(std::string_view name) const noexcept {
  if (const int k = known_index(name); k >= 0) {
    if (known_[k] == absent) return std::nullopt;
    return value_at(known_[k]);
  }
  for (const Slot& s : slots_) {
    if (std::string_view(storage_.data() + s.name_offset, s.name_length) == name) {
      return std::string_view(storage_.data() + s.value_offset, s.value_length);
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::header(std::string_view http_name) const {
  return find(protocol::cgi_header_name(http_name));
}

std::string_view Request::method() const noexcept { return known(Known::method); }
std::string_view Request::uri() const noexcept { return known(Known::uri); }
std::string_view Request::query() const noexcept { return known(Known::query); }
std::string_view Request::remote_addr() const noexcept { return known(Known::remote_addr); }

std::string_view Request::host() const noexcept {
  const std::string_view http_host = known(Known::http_host);
  return http_host.empty() ? known(Known::server_name) : http_host;
}

std::string_view Request::path() const noexcept {
  if (known_[static_cast<std::size_t>(Known::document_uri)] != absent) return known(Known::document_uri);
  const std::string_view request_uri = uri();
  return request_uri.substr(0, request_uri.find('?'));
}

Variable Request::variable(std::size_t index) const noexcept {
  const Slot& s = slots_[index];
  return {{storage_.data() + s.name_offset, s.name_length}, {storage_.data() + s.value_offset, s.value_length}};
}

Request Request::with_method(std::string_view method) const {
  std::vector<std::pair<std::string, std::string>> variables;
  variables.reserve(slots_.size());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Variable v = variable(i);
    variables.emplace_back(std::string(v.name), v.name == "REQUEST_METHOD" ? std::string(method) : std::string(v.value));
  }
  return from_variables(variables, body_);
}

}  // namespace pscgi
