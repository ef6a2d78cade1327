#include <gtest/gtest.h>

#include "gnas/common/config.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {
namespace {

LayerwiseSpace default_space() {
  const Config defaults;
  return LayerwiseSpace(MacroShape::from_config(defaults));
}

// DESIGN 1.3, exact.
TEST(MacroCost, FiveArchitecturesMatchTheOriginal) {
  const auto space = default_space();
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"111000-011101-111111-111111-011101", 14461696},
      {"111111-111111-111111-111111-111111", 18802688},
      {"010000-010000-010000-010000-010000", 8893184},
      {"100000-100000-100000-100000-100000", 7669760},
      {"000001-000001-000001-000001-000001", 8543104},
  };
  for (const auto& [text, macs] : cases) {
    EXPECT_EQ(space.cost(space.parse(text)).macs_m, static_cast<double>(macs) / 1e6) << text;
  }
}

TEST(MacroCost, StemHeadAndPerOpTableMatchTheOriginal) {
  const auto costs = default_space().costs();
  EXPECT_EQ(costs.stem_head.macs, 6995968);
  const std::vector<std::vector<std::int64_t>> expected = {
      {0, 819200, 1343488, 2129920, 409600, 671744},
      {131072, 270336, 401408, 598016, 167936, 233472},
      {81920, 184320, 249856, 348160, 100352, 133120},
      {51200, 88320, 108800, 139520, 56960, 67200},
      {409600, 535040, 576000, 637440, 421120, 441600},
  };
  ASSERT_EQ(costs.ops.size(), 5u);
  for (std::size_t l = 0; l < 5; ++l) {
    for (std::size_t k = 0; k < 6; ++k) {
      EXPECT_EQ(costs.ops[l][k].macs, expected[l][k]) << "layer " << l + 1 << " op " << k;
    }
  }
}

TEST(MacroCost, ParameterCountsMatchTheOriginal) {
  const auto space = default_space();
  EXPECT_EQ(space.cost(space.parse("111000-011101-111111-111111-011101")).params, 740132);
  EXPECT_EQ(space.cost(space.parse("111111-111111-111111-111111-111111")).params, 797252);
  EXPECT_EQ(space.cost(space.parse("010000-010000-010000-010000-010000")).params, 585764);
  EXPECT_EQ(space.cost(space.parse("100000-100000-100000-100000-100000")).params, 571620);
}

TEST(MacroCost, FeatureSizesFollowTheStrides) {
  const Config defaults;
  const auto shape = MacroShape::from_config(defaults);
  EXPECT_EQ(shape.feature_size(0), 32);
  EXPECT_EQ(shape.feature_size(2), 16);
  EXPECT_EQ(shape.feature_size(5), 4);
  MacroShape small = shape;
  small.input_size = 28;
  EXPECT_EQ(small.feature_size(3), 7);
  EXPECT_EQ(small.feature_size(4), 4);  // an odd map halves to ceil(7 / 2)
}

TEST(MacroCost, MinimumIsTheCheapestOpPerLayer) {
  // skip is the cheapest op in every layer of the default space: the skip-only network.
  EXPECT_DOUBLE_EQ(default_space().min_macs_m(), 7.669760);
}

}  // namespace
}  // namespace gnas
