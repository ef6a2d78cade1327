#include <gtest/gtest.h>

#include <set>

#include "gnas/common/seed.hpp"
#include "gnas/space/rng.hpp"

namespace gnas {
namespace {

TEST(DeriveSeed, DistinctPerPurposeIndexAndSeed) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t seed : {0u, 1u, 2u}) {
    for (auto purpose :
         {SeedPurpose::kSampling, SeedPurpose::kEvolution, SeedPurpose::kRandomSearch,
          SeedPurpose::kPredictor, SeedPurpose::kLabelTraining}) {
      for (std::uint64_t a = 0; a < 4; ++a) {
        for (std::uint64_t b = 0; b < 3; ++b) {
          const std::uint64_t s = derive_seed(seed, purpose, a, b);
          EXPECT_LT(s, std::uint64_t{1} << 63);
          seen.insert(s);
        }
      }
    }
  }
  EXPECT_EQ(seen.size(), 3u * 5u * 4u * 3u);
  EXPECT_EQ(derive_seed(7, SeedPurpose::kLabelTraining, 3, 1),
            derive_seed(7, SeedPurpose::kLabelTraining, 3, 1));
}

// The bug this replaced: generate, the evolution's first population and the random-search
// baseline all drew from Rng(seed), so the baseline's first draws were the labelled set.
TEST(DeriveSeed, SamplingEvolutionAndRandomSearchStreamsDiffer) {
  Rng sampling(derive_seed(0, SeedPurpose::kSampling));
  Rng evolution(derive_seed(0, SeedPurpose::kEvolution));
  Rng random_search(derive_seed(0, SeedPurpose::kRandomSearch));
  int same = 0;
  for (int i = 0; i < 100; ++i) {
    const auto s = sampling.below(1000), e = evolution.below(1000), r = random_search.below(1000);
    same += (s == e) + (s == r) + (e == r);
  }
  EXPECT_LT(same, 5);
}

}  // namespace
}  // namespace gnas
