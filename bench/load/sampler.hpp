#pragma once
/// \file
/// Picking which request to send next: a discrete distribution over request indices, built from
/// weights (a url file's) or from Zipf's law (page k of n is asked for in proportion to 1/k^s).

#include <cstddef>
#include <random>
#include <vector>

namespace pscgi::load {

/// Picks an index in [0, size()) with probability proportional to its weight. Immutable after
/// construction, so threads can share one; each thread brings its own random engine.
class WeightedSampler {
 public:
  /// Throws std::invalid_argument when `weights` is empty, has a negative or non-finite weight,
  /// or sums to zero.
  explicit WeightedSampler(const std::vector<double>& weights);

  std::size_t size() const noexcept { return cumulative_.size(); }
  /// The index for a uniform variate u in [0, 1); u outside that range is clamped.
  std::size_t pick(double u) const noexcept;
  /// The probability of index i.
  double probability(std::size_t i) const noexcept;

  template <class Engine>
  std::size_t operator()(Engine& engine) const {
    return pick(std::uniform_real_distribution<double>(0.0, 1.0)(engine));
  }

 private:
  std::vector<double> cumulative_;  // running sums of the weights
  std::size_t last_positive_ = 0;   // the last index with a weight above zero
};

/// Zipf weights for ranks 1..n: weight of rank k (at index k-1) is 1/k^s. s = 0 is uniform; the
/// usual web-popularity figure is s ≈ 1. Throws std::invalid_argument for n = 0 or s < 0.
std::vector<double> zipf_weights(std::size_t n, double s);

}  // namespace pscgi::load
