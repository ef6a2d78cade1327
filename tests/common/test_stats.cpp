#include <gtest/gtest.h>

#include "gnas/common/stats.hpp"

namespace gnas {
namespace {

TEST(Stats, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({0.04, -0.03, 0.05, 0.03}), 0.035);
  EXPECT_DOUBLE_EQ(median_of_sorted({1, 2, 10}), 2);
  EXPECT_THROW(median({}), Error);
}

}  // namespace
}  // namespace gnas
