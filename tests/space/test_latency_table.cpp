#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>

#include "gnas/app/evaluate_architectures.hpp"
#include "gnas/app/profile_latency.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/latency_profile.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/search/evolution.hpp"
#include "gnas/space/latency_table.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/space/rng.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

// 3 layers x 3 ops at 8x8 input: small enough to profile in a test and to brute-force.
Config small_config(const test::TempDir& dir) {
  Config c = test::config_in(dir);
  c.ops_name = {OpKind::kSkip, OpKind::kSepConv3, OpKind::kDilConv3};
  c.l_cfgs = {{8, 1}, {16, 2}, {16, 1}};
  c.input_size = 8;
  c.stem_channels = 8;
  c.head_channels = 32;
  c.classes = 10;
  c.latency.warmup = 0;
  c.latency.repeats = 1;
  c.latency.threads = 1;
  c.latency.calibration = 0;
  return c;
}

// A hand-made table: fixed 1 ms, add 0.5 ms, op k of layer l costs (l + 1) * (k + 1) ms.
std::string hand_table(const MacroShape& s) {
  std::vector<std::vector<std::string>> rows{{"fixed", "", "", "", "", "", "", "1"}};
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    const std::string layer = std::to_string(l + 1);
    const std::string out = std::to_string(s.layers[l].out_channels);
    rows.push_back({"add", layer, "", out, out, "1", std::to_string(s.feature_size(l + 1)), "0.5"});
    for (std::size_t k = 0; k < s.ops.size(); ++k) {
      rows.push_back({"op", layer, op_name(s.ops[k]), std::to_string(s.in_channels(l)), out,
                      std::to_string(s.layers[l].stride), std::to_string(s.feature_size(l)),
                      format_number(static_cast<double>((l + 1) * (k + 1)))});
    }
  }
  return format_csv(
      {"part", "layer", "op", "in_channels", "out_channels", "stride", "input_size", "latency_ms"},
      rows);
}

TEST(LatencyTable, PredictsFixedPlusOpsPlusAdds) {
  test::TempDir dir;
  const MacroShape shape = MacroShape::from_config(small_config(dir));
  const LayerwiseSpace space(shape,
                             LatencyTable::load(dir.write("t.csv", hand_table(shape)), shape));
  ASSERT_TRUE(space.has_latency());
  // layer 1: skip + dil (1 + 3 + add 0.5); layer 2: sep (4); layer 3: all three (3 + 6 + 9 + 2
  // adds)
  const Architecture a = space.parse("101-010-111");
  EXPECT_DOUBLE_EQ(space.cost(a).latency_ms, 1 + 4.5 + 4 + 19);
  EXPECT_EQ(space.format(space.cheapest(CostMeasure::kLatency)), "100-100-100");
  EXPECT_LT(LayerwiseSpace(shape).cost(a).latency_ms, 0);  // no table: unknown
}

TEST(LatencyTable, BadTablesNameTheRowAndTheRule) {
  test::TempDir dir;
  const MacroShape shape = MacroShape::from_config(small_config(dir));
  const std::string good = hand_table(shape);
  const auto error = [&](const std::string& csv) {
    try {
      LatencyTable::load(dir.write("bad.csv", csv), shape);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("a,b\n1,2\n").find("a latency table has the columns part,layer,op"),
            std::string::npos);
  const auto lines = split(good, '\n');
  std::string no_fixed, no_op, wrong_shape, negative;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) continue;
    if (line.rfind("fixed", 0) != 0) no_fixed += line + "\n";
    if (line.rfind("op,2,dil_conv_3x3", 0) != 0) no_op += line + "\n";
    wrong_shape += (line.rfind("op,3,skip", 0) == 0 ? "op,3,skip,16,16,1,2,1" : line) + "\n";
    negative += (line.rfind("fixed", 0) == 0 ? "fixed,,,,,,,-1" : line) + "\n";
  }
  EXPECT_NE(error(no_fixed).find("no `fixed` row"), std::string::npos);
  EXPECT_NE(
      error(no_op).find("no row for op dil_conv_3x3 of layer 2 (in 8, out 16, stride 2, input 8)"),
      std::string::npos)
      << error(no_op);
  EXPECT_NE(
      error(wrong_shape)
          .find("the op skip row of layer 3 was measured at in 16, out 16, stride 1, input 2"),
      std::string::npos)
      << error(wrong_shape);
  EXPECT_NE(error(negative).find("must be a number >= 0"), std::string::npos);
  EXPECT_NE(error(good + "op,1,skip,8,8,1,x,1\n").find("input_size ('x'): must be a number"),
            std::string::npos);
}

TEST(LatencyTable, EvolutionMeetsALatencyBudgetAndFailsFastBelowTheMinimum) {
  test::TempDir dir;
  const MacroShape shape = MacroShape::from_config(small_config(dir));
  const LayerwiseSpace space(shape,
                             LatencyTable::load(dir.write("t.csv", hand_table(shape)), shape));
  // Fitness: more ops is better, so the budget is what binds.
  const Fitness fitness = [](const std::vector<Architecture>& archs) {
    std::vector<double> out;
    for (const auto& a : archs) {
      double f = 0;
      for (std::size_t i = 0; i < a.genes.size(); ++i)
        f += a.genes[i] * (1.0 + 0.1 * static_cast<double>(i));
      out.push_back(f);
    }
    return out;
  };
  const Constraints constraints{0, 0, 20.0};
  const SearchResult r = evolve(space, constraints, EvolutionOptions{}, fitness);
  double best = -1;
  for (std::uint32_t bits = 0; bits < 512; ++bits) {
    Architecture a;
    for (int i = 0; i < 9; ++i) a.genes.push_back(static_cast<std::uint8_t>((bits >> i) & 1U));
    if (space.is_valid(a) && space.cost(a).latency_ms <= 20.0)
      best = std::max(best, fitness({a})[0]);
  }
  EXPECT_DOUBLE_EQ(r.best().fitness, best);
  for (const auto& e : r.explored) EXPECT_LE(e.cost.latency_ms, 20.0);
  try {
    check_feasible(space, {0, 0, 6.5});  // the minimum is 1 + 1 + 2 + 3 = 7
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("latency_budget_ms (6.5): must be >= 7.0000"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(check_feasible(LayerwiseSpace(shape), {0, 0, 10}), ConfigError);  // no table
}

TEST(LatencyTable, ProfiledTableLoadsBackAndPredictsWholeNetworks) {
  test::TempDir dir;
  Config config = small_config(dir);
  // Large enough that the ops, not timing noise, set the networks' latencies the fit reads.
  config.input_size = 16;
  config.stem_channels = 16;
  config.l_cfgs = {{16, 1}, {32, 2}, {32, 1}};
  config.latency.repeats = 6;  // three interleaved rounds: a pause of the machine spoils one
  config.latency.calibration = 8;
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  const ProfileLatencyResult r = run_profile_latency(config, "", 3, log, out);
  EXPECT_EQ(r.output, dir.file("logs/latency_table.csv"));
  EXPECT_EQ(r.check_count, 3u);
  EXPECT_EQ(r.fit.networks, 8u);
  EXPECT_GT(r.fit.scale, 0.0);
  EXPECT_EQ(read_csv(r.check_output).rows.size(), 3u);
  EXPECT_GE(r.fixed_ms, 0.0);
  const MacroShape shape = MacroShape::from_config(config);
  const LatencyTable table = LatencyTable::load(r.output, shape);
  EXPECT_EQ(table.entries().size(), 1u + 3u * (3u + 1u));  // fixed, and per layer 3 ops + add
  for (std::size_t l = 0; l < 3; ++l) {
    for (std::size_t k = 1; k < 3; ++k)
      EXPECT_GT(table.op_ms(l, k), 0.0);  // (skip may be the identity)
  }
  const YAML::Node summary = YAML::LoadFile(dir.file("logs/evaluate_profile_latency_summary.yml"));
  EXPECT_EQ(summary["mode"].as<std::string>(), "profile_latency");
  for (const char* key :
       {"check_mean_abs_error", "check_within_10_percent", "check_spearman",
        "check_timed_alone_mean_abs_error", "calibration_scale", "profile_seconds"}) {
    EXPECT_TRUE(summary[key]) << key;
  }
  EXPECT_EQ(summary["runtime"].as<std::string>(), "libtorch");
  // The config key loads it into the space; evaluate --arch-file then reports the table's value.
  config.latency_table = r.output;
  const auto space = make_search_space(config);
  ASSERT_TRUE(space->has_latency());
  const std::string archs = dir.write("a.csv", "arch\n111-111-111\n");
  run_evaluate_architectures(config, archs, log, out);
  const CsvTable csv = read_csv(dir.file("logs/evaluate_architectures.csv"));
  EXPECT_EQ(csv.header.back(), "table_latency_ms");
  EXPECT_NEAR(std::stod(csv.rows[0].back()), space->cost(space->parse("111-111-111")).latency_ms,
              1e-3);
}

// Whole-network latencies made from a known fit of the hand table: calibrated() recovers it.
TEST(LatencyTable, CalibrationRecoversTheFitOfTimedNetworks) {
  test::TempDir dir;
  const MacroShape shape = MacroShape::from_config(small_config(dir));
  const LatencyTable table = LatencyTable::load(dir.write("t.csv", hand_table(shape)), shape);
  const LayerwiseSpace space(shape, table);
  std::vector<Architecture> archs;
  std::vector<double> measured;
  for (const char* text :
       {"100-100-100", "111-010-001", "011-111-110", "010-001-111", "111-111-111", "001-100-010"}) {
    archs.push_back(space.parse(text));
    double ops = 0, extra_cost = 0;
    for (std::size_t l = 0; l < 3; ++l) {
      int used = 0;
      for (std::size_t k = 0; k < 3; ++k) {
        if (space.uses(archs.back(), l, k)) {
          ops += table.op_ms(l, k);
          ++used;
        }
      }
      extra_cost += std::max(0, used - 1) * (table.add_ms(l) + 0.25);
    }
    measured.push_back(0.75 + 1.5 * ops + extra_cost);
  }
  LatencyCalibration fit;
  const LatencyTable calibrated = table.calibrated(archs, measured, shape, &fit);
  EXPECT_NEAR(fit.fixed_ms, 0.75, 1e-9);
  EXPECT_NEAR(fit.scale, 1.5, 1e-9);
  EXPECT_NEAR(fit.per_extra_op_ms, 0.25, 1e-9);
  EXPECT_EQ(fit.networks, 6u);
  EXPECT_NEAR(fit.mean_abs_error, 0.0, 1e-9);
  const LayerwiseSpace with_fit(shape, calibrated);
  for (std::size_t i = 0; i < archs.size(); ++i)
    EXPECT_NEAR(with_fit.cost(archs[i]).latency_ms, measured[i], 1e-9);
  EXPECT_NEAR(calibrated.op_ms(2, 1), 1.5 * table.op_ms(2, 1), 1e-12);
  EXPECT_NEAR(calibrated.add_ms(0), 0.75, 1e-12);
  // What cannot be fitted: one op count only, or a scale that is not > 0.
  const std::vector<Architecture> same_count(archs.begin(), archs.begin() + 1);
  EXPECT_THROW(table.calibrated(same_count, {measured[0]}, shape), DataError);
  std::vector<double> falling;
  for (std::size_t i = 0; i < archs.size(); ++i) falling.push_back(100 - measured[i]);
  try {
    table.calibrated(archs, falling, shape);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("it must be > 0"), std::string::npos) << e.what();
  }
}

TEST(LatencyTable, TheRuntimeIsRecordedAndAnotherOneIsRefused) {
  test::TempDir dir;
  const MacroShape shape = MacroShape::from_config(small_config(dir));
  const std::string libtorch = hand_table(shape);  // an empty runtime column: libtorch
  EXPECT_EQ(LatencyTable::load(dir.write("t.csv", libtorch), shape).runtime(), "libtorch");
  std::string opencv = libtorch;
  opencv.replace(opencv.find("fixed,,"), 7, "fixed,,opencv");
  const std::string path = dir.write("o.csv", opencv);
  const LatencyTable table = LatencyTable::load(path, shape, "opencv");
  EXPECT_EQ(table.runtime(), "opencv");
  EXPECT_NE(table.to_csv().find("fixed,,opencv,"), std::string::npos);
  try {
    LatencyTable::load(path, shape, "libtorch");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  path + ": the table was measured on opencv and latency.runtime is libtorch"),
              std::string::npos)
        << e.what();
  }
  std::string other = libtorch;
  other.replace(other.find("fixed,,"), 7, "fixed,,tflite");
  EXPECT_THROW(LatencyTable::load(dir.write("x.csv", other), shape), DataError);
  // Through the config: the space refuses a table of another runtime.
  Config config = small_config(dir);
  config.latency_table = path;
  EXPECT_THROW(make_search_space(config), DataError);
  config.latency.runtime = LatencyRuntime::kOpencv;
  EXPECT_TRUE(make_search_space(config)->has_latency());
}

TEST(LatencyTable, ProfilesOnOpenCvAndChecksThere) {
  GNAS_SKIP_WITHOUT(kHaveOnnx, "ONNX and OpenCV");
  test::TempDir dir;
  Config config = small_config(dir);
  config.latency.runtime = LatencyRuntime::kOpencv;
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  const ProfileLatencyResult r = run_profile_latency(config, "", 2, log, out);
  const MacroShape shape = MacroShape::from_config(config);
  const LatencyTable table = LatencyTable::load(r.output, shape, "opencv");
  for (std::size_t l = 0; l < 3; ++l) {
    for (std::size_t k = 1; k < 3; ++k) EXPECT_GT(table.op_ms(l, k), 0.0);
  }
  EXPECT_EQ(YAML::LoadFile(dir.file("logs/evaluate_profile_latency_summary.yml"))["runtime"]
                .as<std::string>(),
            "opencv");
  // evaluate --arch-file times on the runtime too.
  config.latency_table = r.output;
  const std::string archs = dir.write("a.csv", "arch\n111-111-111\n");
  const EvaluateArchitecturesResult e = run_evaluate_architectures(config, archs, log, out);
  EXPECT_GT(e.rows[0].latency_ms, 0.0);
}

// The check networks are other networks than the calibration's: in a space of 343 architectures,
// 40 + 40 draws would share about 5.
TEST(LatencyTable, TheCheckNetworksAreNotTheCalibrationNetworks) {
  test::TempDir dir;
  Config config = small_config(dir);
  config.latency.calibration = 40;
  const MacroShape shape = MacroShape::from_config(config);
  LatencyConfig fast = config.latency;
  fast.repeats = 1;
  const nn::LatencyProfile profile = nn::profile_latency(shape, fast, config.seed, "t", 40);
  ASSERT_EQ(profile.check.size(), 40u);
  EXPECT_EQ(profile.check_ms.size(), 40u);
  const LayerwiseSpace space(shape);
  Rng rng(derive_seed(config.seed, SeedPurpose::kEvaluate, 1));  // the calibration's draws
  std::set<Architecture> calibration;
  for (int i = 0; i < 40; ++i) calibration.insert(space.sample(rng));
  for (const Architecture& a : profile.check)
    EXPECT_EQ(calibration.count(a), 0u) << space.format(a);
}

}  // namespace
}  // namespace gnas
