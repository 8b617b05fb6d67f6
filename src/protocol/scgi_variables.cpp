// The variables of an accepted header block: split into slots, checked (CONTENT_LENGTH first and
// decimal, SCGI present and "1", neither repeated, no empty name), and repeated names merged. Runs
// once per request, when the block's ',' arrives; the framing is in scgi_parser.cpp.
#include "protocol/scgi_parser.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>

namespace pscgi::protocol {
namespace {

constexpr std::string_view content_length_name = "CONTENT_LENGTH";
constexpr std::string_view scgi_name = "SCGI";

// nginx sends 15-30 variables. Up to this many names, repeats are looked for in a hash table on the
// stack, twice as large so that probes stay short; past it, by sorting, so that a hostile block of
// thousands of tiny variables still costs O(n log n).
constexpr std::size_t repeat_table_max_names = 32;
constexpr std::size_t repeat_table_size = 64;

// Length, and the first and last eight bytes: enough to tell nginx's variable names apart almost
// always (HTTP_ACCEPT, HTTP_ACCEPT_ENCODING…), and a collision only costs one string comparison.
std::uint32_t name_hash(std::string_view name) noexcept {
  std::uint64_t head = 0;
  std::uint64_t tail = 0;
  if (name.size() >= 8) {  // fixed-size copies compile to two loads
    std::memcpy(&head, name.data(), 8);
    std::memcpy(&tail, name.data() + name.size() - 8, 8);
  } else {
    std::memcpy(&head, name.data(), name.size());
  }
  const std::uint64_t mixed = (head * 0x9e3779b97f4a7c15ULL) ^ (tail * 0xc2b2ae3d27d4eb4fULL) ^ name.size();
  return static_cast<std::uint32_t>(mixed >> 32) ^ static_cast<std::uint32_t>(mixed);
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool is_http_header(std::string_view name) noexcept { return name.starts_with("HTTP_"); }

// RFC 9110 joins repeated fields with ", "; Cookie is the exception (RFC 6265: "; ").
std::string_view join_separator(std::string_view name) noexcept {
  return name == "HTTP_COOKIE" ? "; " : ", ";
}

std::uint32_t offset32(std::size_t value) noexcept { return static_cast<std::uint32_t>(value); }

}  // namespace

bool ScgiParser::split_variables() {
  const std::string_view block(storage_);
  slots_.clear();
  // An estimate, not a count: a pass over the block just to size a vector costs more than it saves.
  slots_.reserve(block.size() / 24 + 8);
  std::size_t pos = 0;
  while (pos < block.size()) {
    const std::size_t name_end = block.find('\0', pos);
    if (name_end == std::string_view::npos) {
      return fail(ScgiError::odd_strings, fmt::format("the header block ends with {} bytes not terminated by NUL: '{}'",
                                                      block.size() - pos, printable(block.substr(pos))));
    }
    if (name_end == pos) {
      return fail(ScgiError::empty_name, fmt::format("variable #{} has an empty name", slots_.size() + 1));
    }
    const std::string_view name = block.substr(pos, name_end - pos);
    const std::size_t value_end = block.find('\0', name_end + 1);
    if (value_end == std::string_view::npos) {
      return fail(ScgiError::odd_strings,
                  name_end + 1 == block.size()
                      ? fmt::format("variable '{}' has no value: the header block ends after its name", printable(name))
                      : fmt::format("the value of variable '{}' is not terminated by NUL", printable(name)));
    }
    slots_.push_back({.name_offset = offset32(pos),
                      .name_length = offset32(name.size()),
                      .value_offset = offset32(name_end + 1),
                      .value_length = offset32(value_end - name_end - 1)});
    pos = value_end + 1;
  }
  return true;
}

bool ScgiParser::check_content_length() {
  if (slots_.empty()) return fail(ScgiError::missing_content_length, "the header block is empty");
  if (name_of(slots_.front()) != content_length_name) {
    const auto found = std::find_if(slots_.begin() + 1, slots_.end(),
                                    [this](const VariableSlot& s) { return name_of(s) == content_length_name; });
    if (found == slots_.end()) {
      return fail(ScgiError::missing_content_length,
                  fmt::format("none of the {} variables is CONTENT_LENGTH", slots_.size()));
    }
    return fail(ScgiError::content_length_not_first,
                fmt::format("CONTENT_LENGTH is variable #{}; the first is '{}'", found - slots_.begin() + 1,
                            printable(name_of(slots_.front()))));
  }
  const std::optional<std::uint64_t> length = parse_decimal(value_of(slots_.front()));
  if (!length) {
    return fail(ScgiError::bad_content_length,
                fmt::format("CONTENT_LENGTH is '{}', not plain decimal digits below 2^64",
                            printable(value_of(slots_.front()))));
  }
  content_length_ = *length;
  return true;
}

// Exact, and linear in the number of names: a small open-addressed table on the stack, keyed by a
// cheap hash, compares two names only when their hashes are equal. Most requests repeat nothing,
// and this runs on every one of them.
bool ScgiParser::may_have_repeats() const noexcept {
  if (slots_.size() > repeat_table_max_names) return true;
  struct Entry {
    std::uint32_t hash;
    std::uint32_t slot_plus_one;
  };
  Entry table[repeat_table_size] = {};
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const std::string_view name = name_of(slots_[i]);
    const std::uint32_t hash = name_hash(name);
    for (std::size_t at = hash % repeat_table_size;; at = (at + 1) % repeat_table_size) {
      Entry& entry = table[at];
      if (entry.slot_plus_one == 0) {
        entry = {hash, static_cast<std::uint32_t>(i + 1)};
        break;
      }
      if (entry.hash == hash && name_of(slots_[entry.slot_plus_one - 1]) == name) return true;
    }
  }
  return false;
}

std::size_t ScgiParser::repeat_group_end(std::size_t first) const noexcept {
  const std::string_view name = name_of(slots_[order_[first]]);
  std::size_t end = first + 1;
  while (end < order_.size() && name_of(slots_[order_[end]]) == name) ++end;
  return end;
}

// order_ lists the slots sorted by name, then by position, so each repeated name is one run of
// order_ with its occurrences in the order they were sent.
bool ScgiParser::merge_repeats() {
  if (!may_have_repeats()) return true;
  order_.resize(slots_.size());
  std::iota(order_.begin(), order_.end(), std::uint32_t{0});
  std::sort(order_.begin(), order_.end(), [this](std::uint32_t a, std::uint32_t b) {
    const int by_name = name_of(slots_[a]).compare(name_of(slots_[b]));
    return by_name < 0 || (by_name == 0 && a < b);
  });
  // First refuse what must not repeat, and size the joined values so that storage_ grows once.
  std::size_t joined_bytes = 0;
  for (std::size_t first = 0, end = 0; first < order_.size(); first = end) {
    end = repeat_group_end(first);
    const std::string_view name = name_of(slots_[order_[first]]);
    if (end - first == 1) continue;
    if (name == content_length_name) {
      return fail(ScgiError::repeated_content_length,
                  fmt::format("CONTENT_LENGTH appears {} times (nginx sends it itself: remove any "
                              "`scgi_param CONTENT_LENGTH` from its configuration)", end - first));
    }
    if (name == scgi_name) return fail(ScgiError::repeated_scgi, fmt::format("SCGI appears {} times", end - first));
    if (!is_http_header(name)) continue;
    for (std::size_t k = first; k < end; ++k) joined_bytes += slots_[order_[k]].value_length + 2;
  }
  storage_.reserve(storage_.size() + joined_bytes);
  for (std::size_t first = 0, end = 0; first < order_.size(); first = end) {
    end = repeat_group_end(first);
    if (end - first == 1) continue;
    if (is_http_header(name_of(slots_[order_[first]]))) join_values(first, end);
    // Marked, then erased below: every name is non-empty, so a zero length cannot be a real slot.
    for (std::size_t k = first + 1; k < end; ++k) slots_[order_[k]].name_length = 0;
  }
  std::erase_if(slots_, [](const VariableSlot& s) { return s.name_length == 0; });
  return true;
}

// Appends the values of one run of order_ to storage_ and points the first occurrence at the result.
// storage_ has the capacity already, so appending from itself never reallocates under the copy.
void ScgiParser::join_values(std::size_t first, std::size_t end) {
  VariableSlot& kept = slots_[order_[first]];
  const std::string_view separator = join_separator(name_of(kept));
  const std::size_t offset = storage_.size();
  for (std::size_t k = first; k < end; ++k) {
    if (k > first) storage_.append(separator);
    const VariableSlot& slot = slots_[order_[k]];
    storage_.append(storage_.data() + slot.value_offset, slot.value_length);
  }
  kept.value_offset = offset32(offset);
  kept.value_length = offset32(storage_.size() - offset);
}

bool ScgiParser::check_scgi() {
  const auto found =
      std::find_if(slots_.begin(), slots_.end(), [this](const VariableSlot& s) { return name_of(s) == scgi_name; });
  if (found == slots_.end()) {
    return fail(ScgiError::missing_scgi, fmt::format("none of the {} variables is SCGI", slots_.size()));
  }
  if (value_of(*found) != "1") {
    return fail(ScgiError::bad_scgi, fmt::format("SCGI is '{}', not '1'", printable(value_of(*found))));
  }
  return true;
}

std::string_view ScgiParser::name_of(const VariableSlot& slot) const noexcept {
  return {storage_.data() + slot.name_offset, slot.name_length};
}

std::string_view ScgiParser::value_of(const VariableSlot& slot) const noexcept {
  return {storage_.data() + slot.value_offset, slot.value_length};
}

}  // namespace pscgi::protocol
