#pragma once
// Makers of settings-table entries, one per value syntax. Each takes the bounds once and uses them
// for the check, for the error message and for the reference text, so the three cannot disagree.
// `get` is a generic lambda `[](auto& c) -> auto& { return c.workers.count; }`: the same accessor
// writes into a Config when loading and reads a const one when describing.

#include "config/settings.hpp"
#include "config/units.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace pscgi::config {

/// A value as YAML text: plain when YAML would read it back unchanged, else double-quoted.
std::string yaml_scalar(std::string_view text);
/// `[a, b]`, each item through yaml_scalar().
std::string yaml_list(const std::vector<std::string>& items);

Setting section_setting(std::string path, std::string doc);
Setting custom_setting(std::string path, std::string type, std::string allowed, std::string doc, Setting::Load load,
                       Setting::Show show);

template <class Get>
Setting integer_setting(std::string path, Get get, std::int64_t lo, std::int64_t hi, std::string doc) {
  const bool unbounded = hi == std::numeric_limits<std::int64_t>::max();
  std::string allowed = unbounded ? fmt::format("at least {}", lo) : fmt::format("{} to {}", lo, hi);
  auto load = [get, lo, hi](const Field& field, Config& config) {
    auto& target = get(config);
    target = static_cast<std::remove_reference_t<decltype(target)>>(field.integer(lo, hi));
  };
  auto show = [get](const Config& config) { return std::to_string(get(config)); };
  return custom_setting(std::move(path), "integer", std::move(allowed), std::move(doc), load, show);
}

/// An integer in [lo, hi], or `~` for unset (a std::optional). `unset` says what `~` means, for
/// the reference: "a fixed pool".
template <class Get>
Setting optional_integer_setting(std::string path, Get get, std::int64_t lo, std::int64_t hi, std::string_view unset,
                                 std::string doc) {
  auto load = [get, lo, hi](const Field& field, Config& config) {
    auto& target = get(config);
    if (field.is_null()) {
      target.reset();
    } else {
      target = static_cast<typename std::remove_reference_t<decltype(target)>::value_type>(field.integer(lo, hi));
    }
  };
  auto show = [get](const Config& config) {
    const auto& value = get(config);
    return value ? std::to_string(*value) : std::string("~");
  };
  return custom_setting(std::move(path), "integer, or `~`", fmt::format("{} to {}; `~` for {}", lo, hi, unset),
                        std::move(doc), load, show);
}

template <class Get>
Setting duration_setting(std::string path, Get get, Duration lo, Duration hi, std::string doc) {
  auto load = [get, lo, hi](const Field& field, Config& config) {
    const Duration value = field.parse("a duration such as 10s", parse_duration);
    if (value < lo || value > hi) {
      field.fail(range_message(format_duration(lo), format_duration(hi), false, format_duration(value)));
    }
    get(config) = value;
  };
  auto show = [get](const Config& config) { return format_duration(get(config)); };
  return custom_setting(std::move(path), "duration", fmt::format("{} to {}", format_duration(lo), format_duration(hi)),
                        std::move(doc), load, show);
}

template <class Get>
Setting size_setting(std::string path, Get get, std::uint64_t lo, std::uint64_t hi, std::string doc) {
  auto load = [get, lo, hi](const Field& field, Config& config) {
    const std::uint64_t value = field.parse("a size such as 64KiB", parse_size);
    if (value < lo || value > hi)
      field.fail(range_message(format_size(lo), format_size(hi), false, format_size(value)));
    get(config) = static_cast<std::size_t>(value);
  };
  auto show = [get](const Config& config) { return format_size(get(config)); };
  return custom_setting(std::move(path), "size", fmt::format("{} to {}", format_size(lo), format_size(hi)),
                        std::move(doc), load, show);
}

template <class Get>
Setting fraction_setting(std::string path, Get get, double lo, double hi, std::string doc) {
  auto load = [get, lo, hi](const Field& field, Config& config) {
    const double value = field.parse("a percentage such as 10%", parse_fraction);
    if (value < lo || value > hi) {
      field.fail(range_message(format_percent(lo), format_percent(hi), false, format_percent(value)));
    }
    get(config) = value;
  };
  auto show = [get](const Config& config) { return format_percent(get(config)); };
  return custom_setting(std::move(path), "percentage", fmt::format("{} to {}", format_percent(lo), format_percent(hi)),
                        std::move(doc), load, show);
}

/// A whole percentage in [lo, hi] kept as an int (`10%` is 10), written as fraction_setting's are.
template <class Get>
Setting percent_setting(std::string path, Get get, int lo, int hi, std::string doc) {
  auto load = [get, lo, hi](const Field& field, Config& config) {
    const double percent = field.parse("a percentage such as 10%", parse_fraction) * 100;
    // The product of a decimal fraction and 100 is not always exact (0.07 * 100).
    const double whole = std::round(percent);
    if (std::abs(percent - whole) > 1e-6) {
      field.fail(fmt::format("must be a whole percentage, got {}", format_percent(percent / 100)));
    }
    // A bare 1 or 10 is a fraction (100%, 1000%), which is rarely what was meant.
    const std::string text = field.scalar("");
    if (text.find('%') == std::string::npos && percent >= 100) {
      field.fail(fmt::format("write the percentage with its sign, as {}%: a bare {} is a fraction ({})", text, text,
                             format_percent(percent / 100)));
    }
    if (whole < lo || whole > hi) {
      field.fail(range_message(fmt::format("{}%", lo), fmt::format("{}%", hi), false, format_percent(whole / 100)));
    }
    get(config) = static_cast<int>(whole);
  };
  auto show = [get](const Config& config) { return fmt::format("{}%", get(config)); };
  return custom_setting(std::move(path), "percentage", fmt::format("{}% to {}%, whole", lo, hi), std::move(doc), load,
                        show);
}

template <class Get>
Setting boolean_setting(std::string path, Get get, std::string doc) {
  auto load = [get](const Field& field, Config& config) { get(config) = field.boolean(); };
  auto show = [get](const Config& config) { return std::string(get(config) ? "true" : "false"); };
  return custom_setting(std::move(path), "boolean", "true or false", std::move(doc), load, show);
}

/// One of a fixed set of names, each standing for a value of E.
template <class Get, class E>
Setting choice_setting(std::string path, Get get, std::vector<std::pair<std::string, E>> choices, std::string doc) {
  std::vector<std::string> names;
  for (const auto& choice : choices) names.push_back(choice.first);
  std::string allowed = fmt::format("{}", fmt::join(names, ", "));
  auto load = [get, choices, allowed](const Field& field, Config& config) {
    const std::string text = field.scalar("a name");
    for (const auto& [name, value] : choices) {
      if (name == text) {
        get(config) = value;
        return;
      }
    }
    field.fail(fmt::format("expected one of {}, got \"{}\"", allowed, text));
  };
  auto show = [get, choices](const Config& config) {
    for (const auto& [name, value] : choices) {
      if (value == get(config)) return name;
    }
    return std::string("?");
  };
  return custom_setting(std::move(path), "name", std::move(allowed), std::move(doc), load, show);
}

/// Any non-empty text; `allowed` says what it means.
template <class Get>
Setting text_setting(std::string path, Get get, std::string allowed, std::string doc) {
  auto load = [get](const Field& field, Config& config) {
    std::string text = field.scalar("text");
    if (text.empty()) field.fail("must not be empty");
    get(config) = std::move(text);
  };
  auto show = [get](const Config& config) { return yaml_scalar(get(config)); };
  return custom_setting(std::move(path), "string", std::move(allowed), std::move(doc), load, show);
}

}  // namespace pscgi::config
