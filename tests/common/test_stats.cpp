#include <gtest/gtest.h>

#include <cmath>

#include "gnas/common/stats.hpp"

namespace gnas {
namespace {

TEST(Stats, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({0.04, -0.03, 0.05, 0.03}), 0.035);
  EXPECT_DOUBLE_EQ(median_of_sorted({1, 2, 10}), 2);
  EXPECT_THROW(median({}), Error);
}

TEST(Stats, MeanAndSampleStandardDeviation) {
  EXPECT_DOUBLE_EQ(mean({1, 2, 6}), 3);
  EXPECT_DOUBLE_EQ(sample_sd({1, 2, 6}), std::sqrt(7.0));  // (4 + 1 + 9) / 2
  EXPECT_DOUBLE_EQ(sample_sd({0.5}), 0);
  EXPECT_THROW(mean({}), Error);
}

}  // namespace
}  // namespace gnas
