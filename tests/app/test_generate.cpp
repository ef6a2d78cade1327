#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "gnas/app/generate.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"
#include "gnas/space/layerwise_space.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

spdlog::logger quiet_logger() {
  return spdlog::logger("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

TEST(Generate, WritesDistinctArchitecturesWithCostsAndASummary) {
  test::TempDir dir;
  const Config config = test::config_in(dir);
  auto log = quiet_logger();
  const GenerateResult result = run_generate(config, log);
  ASSERT_EQ(result.archs.size(), 300u);
  EXPECT_LT(result.seconds, 10.0);  // generous: the benchmark, not this test, measures speed

  const CsvTable table = read_csv(config.path_to_architecture);
  EXPECT_EQ(table.header, (std::vector<std::string>{"id", "arch", "macs_m", "params", "source"}));
  ASSERT_EQ(table.rows.size(), 300u);
  const LayerwiseSpace space(MacroShape::from_config(config));
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    EXPECT_EQ(row[0], std::to_string(i));
    const Architecture a = space.parse(row[1]);
    EXPECT_EQ(a, result.archs[i]);
    EXPECT_DOUBLE_EQ(std::stod(row[2]), space.cost(a).macs_m);
    EXPECT_EQ(std::stoll(row[3]), space.cost(a).params);
    distinct.insert(row[1]);
  }
  EXPECT_EQ(distinct.size(), 300u);

  const YAML::Node summary = YAML::LoadFile(dir.file("logs/generate_summary.yml"));
  EXPECT_EQ(summary["count"].as<int>(), 300);
  EXPECT_DOUBLE_EQ(summary["macs_min_m"].as<double>(),
                   std::stod(format_fixed(result.macs_min_m, 6)));
  EXPECT_LE(result.macs_min_m, result.macs_median_m);
  EXPECT_LE(result.macs_median_m, result.macs_max_m);
  EXPECT_GT(summary["op_usage"]["layer3"]["sep_conv_5x5"].as<int>(), 100);
  EXPECT_EQ(summary["step"].as<std::string>(), "generate");
}

TEST(Generate, IsDeterministicForASeed) {
  test::TempDir a, b;
  Config ca = test::config_in(a), cb = test::config_in(b);
  ca.sample_count = cb.sample_count = 40;
  auto log = quiet_logger();
  EXPECT_EQ(run_generate(ca, log).archs, run_generate(cb, log).archs);
  cb.seed = 1;
  EXPECT_NE(run_generate(ca, log).archs, run_generate(cb, log).archs);
}

TEST(Generate, WithinBudgetKeepsEveryArchitectureUnderIt) {
  test::TempDir dir;
  Config config = test::config_in(dir);
  config.sample_count = 100;
  config.macs_budget = 11;
  config.sampling.within_budget = true;
  auto log = quiet_logger();
  const auto result = run_generate(config, log);
  EXPECT_LE(result.macs_max_m, 11.0);
  config.macs_budget = 5;
  EXPECT_THROW(run_generate(config, log), ConfigError);
}

TEST(Generate, TooFewDistinctArchitecturesIsAnError) {
  test::TempDir dir;
  Config config = test::config_in(dir);
  config.ops_name = {OpKind::kSkip};
  config.l_cfgs = {{16, 1}};
  config.sample_count = 2;  // the space holds one architecture
  config.sampling.max_attempts = 50;
  auto log = quiet_logger();
  EXPECT_THROW(run_generate(config, log), Error);
  EXPECT_FALSE(std::filesystem::exists(config.path_to_architecture));  // nothing partial written
}

// sampling.prescreen: of N candidates the sample_count with the best proxy vote are kept, in
// draw order, and prescreen.csv records every candidate's scores and the choice.
TEST(Generate, PrescreenKeepsTheCandidatesTheProxiesRankBest) {
  test::TempDir dir;
  Config config = test::config_in(dir);
  config.search_space = "nasbench201";
  config.macs_budget = 0;
  config.input_size = 16;
  config.benchmark_table =
      dir.write("table.csv", "arch,test_acc\n");  // benchmark mode: stand-in batch
  config.sample_count = 4;
  config.sampling.prescreen = 12;
  config.proxies.names = {ProxyKind::kSynflow};
  config.proxies.batch_size = 4;
  auto log = quiet_logger();
  const GenerateResult r = run_generate(config, log);
  ASSERT_EQ(r.archs.size(), 4u);
  const CsvTable table = read_csv(config.log_dir + "/prescreen.csv");
  ASSERT_EQ(table.rows.size(), 12u);
  const std::size_t synflow = table.column("synflow"), chosen = table.column("chosen");
  std::vector<double> kept_scores, dropped_scores;
  std::vector<std::string> kept;
  for (const auto& row : table.rows) {
    (row[chosen] == "1" ? kept_scores : dropped_scores)
        .push_back(parse_double(row[synflow], "synflow"));
    if (row[chosen] == "1") kept.push_back(row[0]);
  }
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_GE(*std::min_element(kept_scores.begin(), kept_scores.end()),
            *std::max_element(dropped_scores.begin(), dropped_scores.end()));
  const CsvTable written = read_csv(config.path_to_architecture);
  for (std::size_t i = 0; i < kept.size(); ++i)
    EXPECT_EQ(written.rows[i][written.column("arch")], kept[i]);
}

TEST(Generate, PrescreenSmallerThanTheSampleIsAConfigError) {
  try {
    load_config_text("sample_count: 10\nsampling:\n  prescreen: 5\n", "t.yml");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(
        std::string(e.what()).find("sampling.prescreen (5): must be 0 or >= sample_count (10)"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gnas
