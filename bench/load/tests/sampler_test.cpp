#include "sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace pscgi::load {
namespace {

std::vector<std::size_t> histogram_of_picks(const WeightedSampler& sampler, int draws) {
  std::mt19937_64 random(12345);
  std::vector<std::size_t> counts(sampler.size());
  for (int i = 0; i < draws; ++i) ++counts.at(sampler(random));
  return counts;
}

TEST(ZipfTest, WeightsFollowOneOverKToTheS) {
  const auto w = zipf_weights(4, 1.0);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_DOUBLE_EQ(w[0], 1.0);
  EXPECT_DOUBLE_EQ(w[1], 0.5);
  EXPECT_DOUBLE_EQ(w[3], 0.25);
  const auto w2 = zipf_weights(3, 2.0);
  EXPECT_DOUBLE_EQ(w2[2], 1.0 / 9.0);
}

TEST(ZipfTest, ExponentZeroIsUniform) {
  const WeightedSampler sampler(zipf_weights(5, 0.0));
  for (std::size_t i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(sampler.probability(i), 0.2);
}

TEST(ZipfTest, RejectsNoPagesAndNegativeExponent) {
  EXPECT_THROW(zipf_weights(0, 1.0), std::invalid_argument);
  EXPECT_THROW(zipf_weights(3, -0.5), std::invalid_argument);
}

TEST(ZipfTest, SampledFrequenciesMatchTheLaw) {
  const std::size_t pages = 50;
  const WeightedSampler sampler(zipf_weights(pages, 1.0));
  const int draws = 400000;
  const auto counts = histogram_of_picks(sampler, draws);
  double harmonic = 0;
  for (std::size_t k = 1; k <= pages; ++k) harmonic += 1.0 / static_cast<double>(k);
  for (std::size_t k = 1; k <= pages; ++k) {
    const double expected = draws / (static_cast<double>(k) * harmonic);
    // Five standard deviations of a binomial count.
    const double sigma = std::sqrt(expected * (1 - expected / draws));
    EXPECT_NEAR(static_cast<double>(counts[k - 1]), expected, 5 * sigma + 1) << "page " << k;
  }
  EXPECT_GT(counts[0], counts[1]);
  EXPECT_GT(counts[1], counts[9]);
}

TEST(WeightedSamplerTest, PickMapsUniformVariatesOntoRunningSums) {
  const WeightedSampler sampler({1.0, 3.0});  // [0, .25) -> 0, [.25, 1) -> 1
  EXPECT_EQ(sampler.pick(0.0), 0u);
  EXPECT_EQ(sampler.pick(0.2499), 0u);
  EXPECT_EQ(sampler.pick(0.25), 1u);
  EXPECT_EQ(sampler.pick(0.9999), 1u);
  EXPECT_EQ(sampler.pick(1.0), 1u);
  EXPECT_EQ(sampler.pick(-3.0), 0u);
  EXPECT_DOUBLE_EQ(sampler.probability(0), 0.25);
  EXPECT_DOUBLE_EQ(sampler.probability(7), 0.0);
}

TEST(WeightedSamplerTest, NeverPicksAZeroWeight) {
  const WeightedSampler sampler({0.0, 2.0, 0.0, 1.0, 0.0});
  for (double u : {0.0, 0.5, 0.66, 0.67, 0.999999, 1.0}) {
    const auto i = sampler.pick(u);
    EXPECT_TRUE(i == 1 || i == 3) << u << " -> " << i;
  }
  const auto counts = histogram_of_picks(sampler, 30000);
  EXPECT_EQ(counts[0] + counts[2] + counts[4], 0u);
  EXPECT_NEAR(static_cast<double>(counts[1]) / 30000, 2.0 / 3.0, 0.02);
}

TEST(WeightedSamplerTest, RejectsBadWeights) {
  EXPECT_THROW(WeightedSampler({}), std::invalid_argument);
  EXPECT_THROW(WeightedSampler({0.0, 0.0}), std::invalid_argument);
  EXPECT_THROW(WeightedSampler({1.0, -1.0}), std::invalid_argument);
  EXPECT_THROW(WeightedSampler({1.0, std::nan("")}), std::invalid_argument);
}

}  // namespace
}  // namespace pscgi::load
