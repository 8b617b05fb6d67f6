#include "sampler.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pscgi::load {

WeightedSampler::WeightedSampler(const std::vector<double>& weights) {
  if (weights.empty()) throw std::invalid_argument("no weights to sample from");
  cumulative_.reserve(weights.size());
  double sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i];
    if (!std::isfinite(w) || w < 0) throw std::invalid_argument("weights must be finite and >= 0");
    if (w > 0) last_positive_ = i;
    sum += w;
    cumulative_.push_back(sum);
  }
  if (!(sum > 0)) throw std::invalid_argument("weights sum to zero");
}

std::size_t WeightedSampler::pick(double u) const noexcept {
  const double target = std::clamp(u, 0.0, 1.0) * cumulative_.back();
  // The first index whose running sum exceeds the target; a zero-weight entry has the same running
  // sum as the one before it, so it is never the first to exceed anything.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
  // Only u == 1 or rounding reach the end; the answer then is the last entry that can be picked.
  if (it == cumulative_.end()) return last_positive_;
  return static_cast<std::size_t>(it - cumulative_.begin());
}

double WeightedSampler::probability(std::size_t i) const noexcept {
  if (i >= cumulative_.size()) return 0.0;
  const double weight = i == 0 ? cumulative_[0] : cumulative_[i] - cumulative_[i - 1];
  return weight / cumulative_.back();
}
std::vector<double> zipf_weights(std::size_t n, double s) {
  if (n == 0) throw std::invalid_argument("zipf needs at least one page");
  if (!(s >= 0) || !std::isfinite(s)) throw std::invalid_argument("zipf exponent must be >= 0");
  std::vector<double> weights(n);
  for (std::size_t k = 1; k <= n; ++k) weights[k - 1] = 1.0 / std::pow(static_cast<double>(k), s);
  return weights;
}

}  // namespace pscgi::load
