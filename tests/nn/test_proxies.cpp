#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "gnas/app/proxies.hpp"
#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/nn/proxies.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/layerwise_space.hpp"

#include "synthetic_data.hpp"
#include "test_util.hpp"

namespace gnas {
namespace {

const std::vector<nn::ProxyKind> kAll{nn::ProxyKind::kSynflow, nn::ProxyKind::kNwot,
                                      nn::ProxyKind::kGradNorm, nn::ProxyKind::kSnip,
                                      nn::ProxyKind::kZico};

nn::ProxyBatch noise_batch(int64_t b, int64_t channels, int64_t size, int64_t classes) {
  torch::manual_seed(11);
  return {torch::randn({b, channels, size, size}), torch::randint(classes, {b}, torch::kInt64)};
}

spdlog::logger quiet() {
  return spdlog::logger("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

TEST(Proxies, AreFiniteAndDeterministicInBothSpaces) {
  const NasBench201Space cells(CellNetworkShape{16, 3, 10});
  const Architecture cell = cells.parse(
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|");
  Config c;
  c.input_size = 12;
  c.l_cfgs = {{8, 1}, {16, 2}};
  c.ops_name = {OpKind::kSkip, OpKind::kSepConv3, OpKind::kDilConv3};
  c.head_channels = 32;
  const LayerwiseSpace layers(MacroShape::from_config(c));
  const Architecture net = layers.parse("110-011");
  for (const auto& [space, arch, size] :
       {std::tuple<const SearchSpace*, Architecture, int64_t>{&cells, cell, 16},
        {&layers, net, 12}}) {
    SCOPED_TRACE(space->name());
    const nn::ProxyBatch batch = noise_batch(8, 3, size, 10);
    const std::vector<double> a = nn::score_proxies(*space, arch, batch, kAll, 5);
    const std::vector<double> b = nn::score_proxies(*space, arch, batch, kAll, 5);
    ASSERT_EQ(a.size(), kAll.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_TRUE(std::isfinite(a[i])) << option_name(kAll[i]);
      EXPECT_EQ(a[i], b[i]) << option_name(kAll[i]);
    }
    EXPECT_GT(a[0], 0);  // synflow sums w * grad over |w|: positive
    EXPECT_GT(a[2], 0);  // grad_norm
  }
}

// Synflow measures the signal the weights pass on: with every edge `none`, no cell weight
// reaches the output, so it scores far below the all-conv cell.
TEST(Proxies, SynflowRanksAConvCellAboveAnEmptyOne) {
  const NasBench201Space space(CellNetworkShape{16, 3, 10});
  const nn::ProxyBatch batch = noise_batch(4, 3, 16, 10);
  const auto score = [&](const char* arch) {
    return nn::score_proxies(space, space.parse(arch), batch, {nn::ProxyKind::kSynflow}, 1)[0];
  };
  EXPECT_GT(score("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                  "nor_conv_3x3~2|"),
            10 * score("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"));
}

// Identical images share every activation code: the kernel is singular and NWOT is -inf, which
// is reported as it is, not hidden.
TEST(Proxies, NwotOfIdenticalImagesIsMinusInfinity) {
  const NasBench201Space space(CellNetworkShape{16, 3, 10});
  nn::ProxyBatch batch = noise_batch(4, 3, 16, 10);
  batch.images = batch.images.narrow(0, 0, 1).repeat({4, 1, 1, 1});
  const double nwot = nn::score_proxies(
      space, space.parse("|skip_connect~0|+|nor_conv_3x3~0|none~1|+|nor_conv_1x1~0|none~1|none~2|"),
      batch, {nn::ProxyKind::kNwot}, 1)[0];
  EXPECT_TRUE(std::isinf(nwot) && nwot < 0) << nwot;
}

// The evaluate step on real (generated) data: a CSV row per architecture, params and MACs as
// the space computes them, and agreement with labels of the architectures that have one.
TEST(Proxies, EvaluateWritesTheTableAndTheAgreementWithLabels) {
  const test::TempDir dir;
  Config config = test::tiny_training_config(dir);
  config.proxies.batch_size = 8;
  const LayerwiseSpace space(MacroShape::from_config(config));
  const std::vector<Architecture> archs{space.parse("100-100"), space.parse("110-011"),
                                        space.parse("011-111"), space.parse("111-010")};
  const std::string arch_file = dir.file("archs.csv");
  write_architecture_csv(arch_file, space, archs);
  const std::string labels =
      dir.write("labels.csv", "arch,test_acc\n100-100,50\n110-011,60\n011-111,70\n");
  spdlog::logger log = quiet();
  std::ostringstream out;
  const ProxiesResult r = run_proxies(config, {arch_file, {labels}}, log, out);
  ASSERT_EQ(r.scores.size(), 4u);
  EXPECT_FALSE(r.stand_in);
  EXPECT_EQ(r.columns, (std::vector<std::string>{"params", "macs_m", "synflow", "nwot", "grad_norm",
                                                 "snip", "zico"}));
  EXPECT_EQ(r.scores[1][0], static_cast<double>(space.cost(archs[1]).params));
  const CsvTable table = read_csv(r.output);
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[2][0], "011-111");
  ASSERT_EQ(r.agreement.size(), 7u);
  EXPECT_EQ(r.agreement[0].n, 3u);
  EXPECT_NE(out.str().find("synflow  n 3"), std::string::npos) << out.str();
  EXPECT_TRUE(std::filesystem::exists(dir.file("logs/evaluate_proxies_summary.yml")));

  // Benchmark mode has no images: a stand-in batch, said so.
  Config bench = test::config_in(dir);
  bench.search_space = "nasbench201";
  bench.macs_budget = 0;
  bench.input_size = 16;
  bench.benchmark_table = dir.write("table.csv", "arch,test_acc\n");
  bench.proxies.batch_size = 4;
  bench.proxies.names = {ProxyKind::kSynflow, ProxyKind::kNwot};
  const NasBench201Space cells(CellNetworkShape{16, 3, 10});
  Rng rng(1);
  write_architecture_csv(arch_file, cells, {cells.sample(rng), cells.sample(rng)});
  const ProxiesResult b = run_proxies(bench, {arch_file, {}}, log, out);
  EXPECT_TRUE(b.stand_in);
  EXPECT_EQ(b.scores.size(), 2u);
  EXPECT_EQ(b.columns.size(), 4u);
}

}  // namespace
}  // namespace gnas
