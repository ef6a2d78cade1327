#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

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

spdlog::logger quiet_logger() { return spdlog::logger("test", std::make_shared<spdlog::sinks::null_sink_mt>()); }

TEST(Generate, WritesDistinctArchitecturesWithCostsAndASummary) {
  test::TempDir dir;
  const Config config = test::config_in(dir);
  auto log = quiet_logger();
  const GenerateResult result = run_generate(config, log);
  ASSERT_EQ(result.archs.size(), 300u);
  EXPECT_LT(result.seconds, 10.0);  // generous: the benchmark, not this test, measures speed

  const CsvTable table = read_csv(config.path_to_architecture);
  EXPECT_EQ(table.header, (std::vector<std::string>{"id", "arch", "macs_m", "params"}));
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
  EXPECT_DOUBLE_EQ(summary["macs_min_m"].as<double>(), std::stod(format_fixed(result.macs_min_m, 6)));
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
  config.ops_name = {"skip"};
  config.l_cfgs = {{16, 1}};
  config.sample_count = 2;  // the space holds one architecture
  config.sampling.max_attempts = 50;
  auto log = quiet_logger();
  EXPECT_THROW(run_generate(config, log), Error);
  EXPECT_FALSE(std::filesystem::exists(config.path_to_architecture));  // nothing partial written
}

}  // namespace
}  // namespace gnas
