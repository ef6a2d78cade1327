#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/layerwise_space.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

LayerwiseSpace default_space() {
  const Config defaults;
  return LayerwiseSpace(MacroShape::from_config(defaults));
}

TEST(LayerwiseSpace, TextFormRoundTrips) {
  const auto space = default_space();
  Rng rng(1);
  for (int i = 0; i < 200; ++i) {
    const Architecture a = space.sample(rng);
    EXPECT_EQ(space.parse(space.format(a)), a);
  }
  EXPECT_EQ(space.format(space.parse("111000-011101-111111-111111-011101")),
            "111000-011101-111111-111111-011101");
}

TEST(LayerwiseSpace, ParseRejectsMalformedText) {
  const auto space = default_space();
  for (const char* bad :
       {"111000-011101-111111-111111", "111000-011101-111111-111111-0111012",
        "111000_011101-111111-111111-011101", "111000-011101-111111-111111-01110x"}) {
    try {
      space.parse(bad);
      ADD_FAILURE() << bad;
    } catch (const DataError& e) {
      EXPECT_EQ(std::string(e.what()), "architecture '" + std::string(bad) +
                                           "': expected 5 groups of 6 bits (0/1, ops_name order) "
                                           "joined by '-'");
    }
  }
  try {
    space.parse("111000-000000-111111-111111-011101");
    ADD_FAILURE();
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(),
                 "architecture '111000-000000-111111-111111-011101': layer 2 selects no op");
  }
}

TEST(LayerwiseSpace, SamplingIsDeterministicAndValid) {
  const auto space = default_space();
  Rng a(7), b(7), c(8);
  std::vector<Architecture> first, second, third;
  for (int i = 0; i < 50; ++i) {
    first.push_back(space.sample(a));
    second.push_back(space.sample(b));
    third.push_back(space.sample(c));
    EXPECT_TRUE(space.is_valid(first.back()));
  }
  EXPECT_EQ(first, second);
  EXPECT_NE(first, third);
}

TEST(LayerwiseSpace, SamplingFollowsTheOriginalRule) {
  // Each op is kept with probability 1/2; an empty layer (probability 1/64) gets one op, so an
  // op's frequency is 1/2 + 1/64 * 1/6 and a layer holds exactly one op with probability
  // 6/64 + 1/64.
  const auto space = default_space();
  Rng rng(3);
  const int n = 20000;
  std::vector<int> used(space.gene_count(), 0);
  int single = 0;
  for (int i = 0; i < n; ++i) {
    const Architecture a = space.sample(rng);
    for (std::size_t g = 0; g < a.genes.size(); ++g) used[g] += a.genes[g];
    int in_layer0 = 0;
    for (std::size_t k = 0; k < 6; ++k) in_layer0 += a.genes[k];
    single += in_layer0 == 1;
  }
  const double p = 0.5 + 1.0 / 64 / 6;
  for (int u : used) EXPECT_NEAR(static_cast<double>(u) / n, p, 0.015);
  EXPECT_NEAR(static_cast<double>(single) / n, 7.0 / 64, 0.01);
}

TEST(LayerwiseSpace, GraphFollowsTheOriginalEncoding) {
  const auto space = default_space();
  const ArchGraph g = space.graph(space.parse("100000-010000-001000-000100-000011"));
  ASSERT_EQ(g.num_nodes, 36);
  ASSERT_EQ(g.feature_dim, 3);
  const auto edge = [&](int s, int t) { return g.adjacency[static_cast<std::size_t>(s) * 36 + t]; };
  for (int i = 0; i < 36; ++i) EXPECT_EQ(edge(i, i), 1.0f);
  EXPECT_EQ(edge(0, 1), 1.0f);  // layer 1 input -> skip
  EXPECT_EQ(edge(1, 7), 1.0f);  // skip -> layer 2 input
  EXPECT_EQ(edge(0, 2), 0.0f);
  EXPECT_EQ(edge(7, 9), 1.0f);    // layer 2 input -> sep_conv_3x3
  EXPECT_EQ(edge(33, 35), 1.0f);  // layer 5 dil_conv_3x3 -> output
  EXPECT_EQ(edge(34, 35), 1.0f);
  int edges = 0;
  for (float v : g.adjacency) edges += v != 0;
  EXPECT_EQ(edges, 36 + 2 * 6);
  EXPECT_EQ(g.features[0 * 3], 1.0f);   // layer 1 input: one op
  EXPECT_EQ(g.features[28 * 3], 2.0f);  // layer 5 input: two ops
  EXPECT_EQ(g.features[35 * 3], 0.0f);  // output
  EXPECT_EQ(g.features[2 * 3], 0.0f);   // unused op
  EXPECT_EQ(g.features[2 * 3 + 1], 1.0f);
  EXPECT_EQ(g.features[2 * 3 + 2], 1.0f);
}

TEST(LayerwiseSpace, ImportsTheOriginalAdjacencyFile) {
  // A copy of ../shared/data/seed/evolution_architecture.csv: the original's searched network.
  const auto space = default_space();
  const auto archs = read_architectures(test::test_data("evolution_architecture.csv"), space);
  ASSERT_EQ(archs.size(), 1u);
  EXPECT_EQ(space.format(archs[0]), "111000-011101-111111-111111-011101");
}

TEST(LayerwiseSpace, AdjacencyRoundTripsThroughTheGraph) {
  const auto space = default_space();
  Rng rng(11);
  for (int i = 0; i < 20; ++i) {
    const Architecture a = space.sample(rng);
    EXPECT_EQ(space.from_adjacency(space.graph(a).adjacency), a);
  }
  EXPECT_THROW(space.from_adjacency(std::vector<float>(10, 0.0f)), DataError);
}

TEST(LayerwiseSpace, ArchitectureFilesReportTheBadLine) {
  test::TempDir dir;
  const auto space = default_space();
  const std::string path =
      dir.write("a.csv", "id,arch\n0,111000-011101-111111-111111-011101\n1,111000-011101\n");
  try {
    read_architectures(path, space);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ":3: architecture '111000-011101'", 0), 0u)
        << e.what();
  }
  const std::string no_arch = dir.write("b.csv", "id,name\n0,x\n");
  EXPECT_THROW(read_architectures(no_arch, space), DataError);
  EXPECT_THROW(read_architectures(dir.file("missing.csv"), space), DataError);
  // The original's adjacency format with its header only (evaluate read archs[0] of nothing).
  std::string header;
  for (int i = 0; i < 36 * 36; ++i) header += (i ? "," : "") + std::to_string(i);
  const std::string adjacency_header_only = dir.write("c.csv", header + "\n");
  try {
    read_architectures(adjacency_header_only, space);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), adjacency_header_only + ": no architectures (header only)");
  }
}

TEST(LayerwiseSpace, BudgetedSamplingStaysWithinTheBudget) {
  const auto space = default_space();
  Rng rng(5);
  for (double budget : {9.0, 10.0, 15.0}) {
    for (int i = 0; i < 50; ++i) {
      EXPECT_LE(space.cost(sample_within_budget(space, budget, 100000, rng)).macs_m, budget);
    }
  }
  try {
    sample_within_budget(space, 7.0, 10, rng);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "macs_budget (7): must be >= 7.669760, the fewest MACs (millions) any "
                 "architecture of the space has");
  }
}

TEST(LayerwiseSpace, MutationAndCrossoverKeepTheGenomeShape) {
  const auto space = default_space();
  Rng rng(9);
  const Architecture a = space.sample(rng);
  const Architecture b = space.sample(rng);
  EXPECT_EQ(space.mutate(a, 0.0, rng), a);
  int changed = 0;
  for (int i = 0; i < 100; ++i) {
    const Architecture m = space.mutate(a, 1.0, rng);
    ASSERT_EQ(m.genes.size(), a.genes.size());
    for (std::size_t g = 0; g < m.genes.size(); ++g) changed += m.genes[g] != a.genes[g];
  }
  EXPECT_NEAR(changed / 3000.0, 0.5, 0.05);  // a redrawn bit differs half the time
  for (int i = 0; i < 50; ++i) {
    const Architecture c = space.crossover(a, b, rng);
    ASSERT_EQ(c.genes.size(), a.genes.size());
    EXPECT_EQ(c.genes.front(), a.genes.front());
    EXPECT_EQ(c.genes.back(), b.genes.back());
  }
}

TEST(LayerwiseSpace, FingerprintDependsOnTheSpace) {
  const std::string base = LayerwiseSpace(MacroShape::from_config(Config{})).fingerprint();
  const std::vector<std::function<void(Config&)>> changes{
      [](Config& c) {
        c.ops_name = {OpKind::kSkip, OpKind::kSepConv3};
      },
      [](Config& c) { c.l_cfgs[2].out_channels = 48; },
      [](Config& c) { c.input_size = 28; },  // the per-node MACs features change with these
      [](Config& c) { c.input_channels = 1; },
      [](Config& c) { c.stem_channels = 8; },
      [](Config& c) { c.head_channels = 640; },
      [](Config& c) { c.classes = 10; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Config other;
    changes[i](other);
    EXPECT_NE(LayerwiseSpace(MacroShape::from_config(other)).fingerprint(), base) << "change " << i;
  }
}

}  // namespace
}  // namespace gnas
