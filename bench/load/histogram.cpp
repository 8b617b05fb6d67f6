#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pscgi::load {
namespace {

// Values below 2^linear_bits get a bucket each; every later power of two gets 2^sub_bits buckets.
constexpr unsigned linear_bits = 8;
constexpr unsigned sub_bits = 7;
constexpr std::uint64_t linear_count = std::uint64_t{1} << linear_bits;
constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;

}  // namespace

Histogram::Histogram() : counts_(bucket_count, 0) {}

std::size_t Histogram::bucket_index(std::uint64_t value) noexcept {
  value = std::min(value, highest_trackable);
  if (value < linear_count) return static_cast<std::size_t>(value);
  const unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1;  // >= linear_bits
  const unsigned shift = exponent - sub_bits;
  const std::uint64_t mantissa = value >> shift;  // in [sub_count, 2 * sub_count)
  return static_cast<std::size_t>(linear_count + (exponent - linear_bits) * sub_count +
                                  (mantissa - sub_count));
}

std::uint64_t Histogram::bucket_lowest(std::size_t index) noexcept {
  if (index < linear_count) return index;
  const std::uint64_t octave = (index - linear_count) / sub_count;
  const std::uint64_t mantissa = sub_count + (index - linear_count) % sub_count;
  return mantissa << (octave + linear_bits - sub_bits);
}

std::uint64_t Histogram::bucket_highest(std::size_t index) noexcept {
  if (index < linear_count) return index;
  const std::uint64_t octave = (index - linear_count) / sub_count;
  return bucket_lowest(index) + (std::uint64_t{1} << (octave + linear_bits - sub_bits)) - 1;
}

void Histogram::record(std::uint64_t value) noexcept {
  ++counts_[bucket_index(value)];
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  ++count_;
  sum_ += static_cast<long double>(value);
}

void Histogram::merge(const Histogram& other) noexcept {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

double Histogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t Histogram::value_at_percentile(double percentile) const noexcept {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  // The rank of the value asked for, 1-based: p50 of 4 values is the 2nd.
  const double exact_rank = std::ceil(percentile / 100.0 * static_cast<double>(count_));
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(exact_rank));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_highest(i), min_, max_);
  }
  return max_;
}

}  // namespace pscgi::load
