#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <torch/torch.h>

#include <cmath>
#include <csignal>
#include <filesystem>

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/config.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/predictor/graph_features.hpp"
#include "gnas/predictor/predictor.hpp"
#include "gnas/predictor/training.hpp"
#include "gnas/space/layerwise_space.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

float feature(const SearchSpace& space, const Architecture& arch, const std::string& name) {
  const auto names = graph_feature_names(space, {GraphFeatureSet::kGraf});
  const auto values = graph_features(space, arch, {GraphFeatureSet::kGraf});
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return values[i];
  }
  ADD_FAILURE() << "no feature " << name;
  return 0;
}

// Op types of nasbench201: 0 none, 1 skip_connect, 2 nor_conv_1x1, 3 nor_conv_3x3, 4 avg_pool.
TEST(GraphFeatures, CountsTheCellsPathsByOpType) {
  const NasBench201Space space;
  const Architecture all_skip = space.parse(
      "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_"
      "connect~2|");
  // 0->3, 0->1->3, 0->2->3, 0->1->2->3: four paths, the shortest through one op.
  EXPECT_FLOAT_EQ(feature(space, all_skip, "log_paths_s2"), std::log1p(4.0f));
  EXPECT_FLOAT_EQ(feature(space, all_skip, "min_path_s2"), 1);
  EXPECT_FLOAT_EQ(feature(space, all_skip, "log_paths_s8"), 0);  // no conv3x3-only path
  EXPECT_FLOAT_EQ(feature(space, all_skip, "min_path_s8"), -1);
  EXPECT_FLOAT_EQ(feature(space, all_skip, "live_ops1"), 6);

  // Only the chain 0 -conv3x3-> 1 -conv3x3-> 2 -skip-> 3 reaches the output; edge 0->2 (pool)
  // feeds node 2 too, and the none edges carry nothing.
  const Architecture chain = space.parse(
      "|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|none~0|none~1|skip_connect~2|");
  EXPECT_FLOAT_EQ(feature(space, chain, "log_paths_s10"), std::log1p(1.0f));  // {skip, conv3x3}
  EXPECT_FLOAT_EQ(feature(space, chain, "min_path_s10"), 3);
  EXPECT_FLOAT_EQ(feature(space, chain, "log_paths_s18"), std::log1p(1.0f));  // {skip, pool}
  EXPECT_FLOAT_EQ(feature(space, chain, "min_path_s18"), 2);
  EXPECT_FLOAT_EQ(feature(space, chain, "log_paths_s31"), std::log1p(2.0f));
  EXPECT_FLOAT_EQ(feature(space, chain, "live_ops0"), 0);
  EXPECT_FLOAT_EQ(feature(space, chain, "live_ops3"), 2);
}

// In the layer-wise space every path takes one op per layer: the count is the product of the
// layers' selected ops of the allowed types.
TEST(GraphFeatures, LayerwisePathsAreProductsOfTheLayersChoices) {
  const Config defaults;
  const LayerwiseSpace space(MacroShape::from_config(defaults));
  const Architecture arch = space.parse("110000-010001-111111-100000-110000");
  // All types: 2 * 2 * 6 * 1 * 2 paths; skip only (type 0, mask 1): layer 2 has no skip.
  EXPECT_FLOAT_EQ(feature(space, arch, "log_paths_s63"), std::log1p(48.0f));
  EXPECT_FLOAT_EQ(feature(space, arch, "log_paths_s1"), 0);
  EXPECT_FLOAT_EQ(feature(space, arch, "log_paths_s3"), std::log1p(2.0f * 1 * 2 * 1 * 2));
  EXPECT_FLOAT_EQ(feature(space, arch, "min_path_s63"), 5);
  EXPECT_EQ(graph_feature_names(space, {GraphFeatureSet::kGraf, GraphFeatureSet::kCost}).size(),
            6u + 2u * 63u + 2u);
}

// synflow grows with what the cell computes, is the same however often and under whatever
// autograd mode it is asked for, and leaves the caller's random stream where it was (the
// predictor's initialisation must not depend on which features were computed before).
TEST(GraphFeatures, SynflowIsDeterministicAndLeavesTheRandomStreamAlone) {
  const NasBench201Space space;
  const std::vector<GraphFeatureSet> sets{GraphFeatureSet::kSynflow};
  EXPECT_EQ(graph_feature_names(space, sets), std::vector<std::string>{"log_synflow"});
  const Architecture convs = space.parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_"
      "3x3~2|");
  const Architecture pools = space.parse(
      "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_"
      "3x3~2|");
  torch::manual_seed(5);
  const torch::Tensor expected = torch::rand({4});
  torch::manual_seed(5);
  float first = 0;
  {
    torch::NoGradGuard no_grad;  // as in Predictor::predict
    first = graph_features(space, convs, sets)[0];
  }
  EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
  EXPECT_TRUE(std::isfinite(first));
  EXPECT_EQ(graph_features(space, convs, sets)[0], first);
  EXPECT_GT(first, graph_features(space, pools, sets)[0]);
}

// The cache folder carries computed synflow features to the next process: saved values read
// back, loaded values are used instead of computing, a malformed row names its file and line.
TEST(GraphFeatures, SynflowCacheSavesAndLoadsTheMemo) {
  const NasBench201Space space;
  const test::TempDir dir;
  const std::string folder = dir.file("cache");
  const std::vector<GraphFeatureSet> sets{GraphFeatureSet::kSynflow};
  const Architecture computed = space.parse(
      "|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|");
  const float value = graph_features(space, computed, sets)[0];
  save_feature_cache(folder, space);
  const std::string file = feature_cache_file(folder, space);
  ASSERT_TRUE(std::filesystem::exists(file));
  const CsvTable saved = read_csv(file);
  bool found = false;
  for (const auto& row : saved.rows) {
    if (row[0] == space.format(computed)) found = std::abs(std::stod(row[1]) - value) < 1e-5;
  }
  EXPECT_TRUE(found) << space.format(computed) << " not saved with its value";

  const Architecture planted = space.parse(
      "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|");
  write_file_atomic(file, "arch,log_synflow\n" + space.format(planted) + ",12.5\n");
  load_feature_cache(folder, space);
  EXPECT_FLOAT_EQ(graph_features(space, planted, sets)[0], 12.5f);

  write_file_atomic(file, "arch,log_synflow\n" + space.format(planted) + ",twelve\n");
  try {
    load_feature_cache(folder, space);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(file + ":2"), std::string::npos) << e.what();
  }
  load_feature_cache("", space);  // no folder: nothing happens
  save_feature_cache("", space);
}

// zico as a feature: the same value every time (one reference initialisation, one stand-in
// batch), the caller's random stream untouched, and its own cache file beside synflow's.
TEST(GraphFeatures, ZicoIsDeterministicAndCachedInItsOwnFile) {
  const NasBench201Space space;
  const std::vector<GraphFeatureSet> sets{GraphFeatureSet::kSynflow, GraphFeatureSet::kZico};
  EXPECT_EQ(graph_feature_names(space, sets), (std::vector<std::string>{"log_synflow", "zico"}));
  const Architecture convs = space.parse(
      "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_"
      "1x1~2|");
  torch::manual_seed(7);
  const torch::Tensor expected = torch::rand({4});
  torch::manual_seed(7);
  std::vector<float> first;
  {
    torch::NoGradGuard no_grad;
    first = graph_features(space, convs, sets);
  }
  EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(std::isfinite(first[1]));
  EXPECT_NE(first[1], 0.0f);
  EXPECT_EQ(graph_features(space, convs, sets), first);

  const test::TempDir dir;
  const std::string folder = dir.file("cache");
  save_feature_cache(folder, space);
  const std::string zico_file = feature_cache_file(folder, space, GraphFeatureSet::kZico);
  EXPECT_NE(zico_file, feature_cache_file(folder, space, GraphFeatureSet::kSynflow));
  const CsvTable saved = read_csv(zico_file);
  ASSERT_EQ(saved.header, (std::vector<std::string>{"arch", "zico"}));
  bool found = false;
  for (const auto& row : saved.rows) {
    if (row[0] == space.format(convs)) found = std::abs(std::stod(row[1]) - first[1]) < 1e-4;
  }
  EXPECT_TRUE(found) << space.format(convs) << " not saved with its zico value";
}

// A signal stops the computation of proxy features at the next cell (a cold cache can mean
// minutes of them inside one prediction).
TEST(GraphFeatures, ASignalStopsTheProxyFeatureComputation) {
  const NasBench201Space space;
  const Architecture cell = space.parse(
      "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|");
  install_stop_handlers();
  std::raise(SIGTERM);
  EXPECT_THROW(graph_features(space, cell, {GraphFeatureSet::kZico}), Stopped);
  clear_stop_request();
  EXPECT_NO_THROW(graph_features(space, cell, {GraphFeatureSet::kZico}));
}

// A predictor with graph-level features trains, saves the standardisation with itself, and
// predicts the same after loading; a configuration without them still reads it.
TEST(GraphFeatures, PredictorRoundTripsWithItsFeatureStandardisation) {
  const NasBench201Space space;
  Rng rng(1);
  LabelledSet data;
  for (int i = 0; i < 40; ++i) {
    data.archs.push_back(space.sample(rng));
    data.labels.push_back(0.5 +
                          0.01 * static_cast<double>(space.cost(data.archs.back()).params) / 1e5);
  }
  PredictorConfig pc;
  pc.graph_features = {GraphFeatureSet::kGraf, GraphFeatureSet::kCost, GraphFeatureSet::kSynflow};
  pc.epochs = 3;
  auto log =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  const FitResult fit = fit_predictor(pc, 0, space, data, *log);
  const PredictorSpec& spec = fit.predictor.spec();
  ASSERT_EQ(spec.feature_mean.size(),
            graph_feature_names(
                space, {GraphFeatureSet::kGraf, GraphFeatureSet::kCost, GraphFeatureSet::kSynflow})
                .size());
  EXPECT_GT(spec.feature_scale[spec.feature_scale.size() - 1], 0);
  const test::TempDir dir;
  const auto path = dir.file("predictor.pt");
  fit.predictor.save(path);
  const Predictor loaded = Predictor::load(path, space);
  EXPECT_EQ(loaded.spec(), spec);
  const auto a = fit.predictor.predict(space, data.archs);
  const auto b = loaded.predict(space, data.archs);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
}

TEST(GraphFeatures, EnsembleSpreadIsZeroForOneNetworkAndPositiveForSeveral) {
  const NasBench201Space space;
  Rng rng(2);
  LabelledSet data;
  for (int i = 0; i < 30; ++i) {
    data.archs.push_back(space.sample(rng));
    data.labels.push_back(0.6 + 0.001 * i);
  }
  PredictorConfig pc;
  pc.epochs = 2;
  auto log =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  const auto one =
      fit_predictor(pc, 0, space, data, *log).predictor.predict_spread(space, data.archs);
  for (const double s : one.std) EXPECT_EQ(s, 0);
  pc.ensemble = 3;
  const auto three =
      fit_predictor(pc, 0, space, data, *log).predictor.predict_spread(space, data.archs);
  double total = 0;
  for (const double s : three.std) total += s;
  EXPECT_GT(total, 0);
}

}  // namespace
}  // namespace gnas
