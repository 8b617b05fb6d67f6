#pragma once
/// \file
/// A log-linear histogram in the manner of HdrHistogram, for latencies. Values below 256 are
/// counted exactly; above, every power of two is cut into 128 equal buckets, so a bucket is never
/// wider than 1/128 (0.78%) of the values it holds. Percentiles report a bucket's highest value
/// (clamped to the exact maximum), so they are never below the true value and at most 0.78% above
/// it. pscgi-load records nanoseconds, which keeps that bound for the ~20 µs round trips of a unix
/// socket.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pscgi::load {

class Histogram {
 public:
  /// Larger values are counted in the top bucket; max() still reports them exactly.
  static constexpr std::uint64_t highest_trackable = (std::uint64_t{1} << 40) - 1;
  static constexpr std::size_t bucket_count = 256 + 32 * 128;

  Histogram();

  void record(std::uint64_t value) noexcept;
  /// Adds every count of `other` (histograms of different threads are merged after a run).
  void merge(const Histogram& other) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }  ///< exact; 0 when empty
  std::uint64_t max() const noexcept { return max_; }                    ///< exact; 0 when empty
  double mean() const noexcept;                                          ///< exact; 0 when empty

  /// The smallest bucket bound that at least `percentile` percent of the values are at or below
  /// (0 ≤ percentile ≤ 100), clamped to [min(), max()]; 0 when empty.
  std::uint64_t value_at_percentile(double percentile) const noexcept;

  /// The bucket a value falls in, and the lowest and highest values that bucket holds.
  static std::size_t bucket_index(std::uint64_t value) noexcept;
  static std::uint64_t bucket_lowest(std::size_t index) noexcept;
  static std::uint64_t bucket_highest(std::size_t index) noexcept;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace pscgi::load
