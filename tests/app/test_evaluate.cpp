#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <sstream>

#include "gnas/app/evaluate_architectures.hpp"
#include "gnas/app/export_onnx.hpp"
#include "gnas/app/fidelity.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

Config fast_config(const test::TempDir& dir) {
  Config c = test::config_in(dir);
  c.latency.warmup = 0;
  c.latency.repeats = 1;
  return c;
}

// --fidelity: the cheap labels against a longer recipe's over the architectures both hold.
TEST(Evaluate, FidelityRanksTheCheapLabelsAgainstTheLongOnes) {
  test::TempDir dir;
  Config config = fast_config(dir);
  config.path_to_train_data = dir.file("cheap.csv");
  write_file_atomic(
      config.path_to_train_data,
      "id,arch,mean\n0,110000-011101-111111-111111-011101,0.50\n"
      "1,100000-100000-100000-100000-100000,0.40\n2,111111-111111-111111-111111-111111,0.60\n"
      "3,010000-010000-010000-010000-010000,0.45\n");
  const std::string long_file = dir.file("long.csv");
  // the same order but for the last two, 2..5 points higher; one architecture only here
  write_file_atomic(
      long_file,
      "id,arch,mean\n0,110000-011101-111111-111111-011101,0.53\n"
      "1,100000-100000-100000-100000-100000,0.44\n2,111111-111111-111111-111111-111111,0.65\n"
      "3,010000-010000-010000-010000-010000,0.42\n4,001000-001000-001000-001000-001000,0.9\n");
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  const FidelityResult r = run_fidelity(config, long_file, log, out);
  EXPECT_EQ(r.n, 4u);
  EXPECT_NEAR(r.kendall_tau, 4.0 / 6.0, 1e-9);    // 5 of 6 pairs agree
  EXPECT_NEAR(r.median_difference, 0.035, 1e-9);  // -0.03, 0.03, 0.04, 0.05
  EXPECT_TRUE(std::filesystem::exists(dir.file("logs/evaluate_fidelity_summary.yml")));
  EXPECT_THROW(run_fidelity(config, config.path_to_train_data, log, out), UsageError);
  write_file_atomic(long_file, "id,arch,mean\n0,110000-011101-111111-111111-011101,0.53\n");
  EXPECT_THROW(run_fidelity(config, long_file, log, out), DataError);
}

TEST(Evaluate, ReportsTheOriginalNumbersForItsAdjacencyFile) {
  test::TempDir dir;
  const Config config = fast_config(dir);
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  const auto result =
      run_evaluate_architectures(config, test::test_data("evolution_architecture.csv"), log, out);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].arch, "111000-011101-111111-111111-011101");
  EXPECT_DOUBLE_EQ(result.rows[0].macs_m, 14.461696);
  EXPECT_EQ(result.rows[0].params, 740132);
  EXPECT_GT(result.rows[0].latency_ms, 0);
  EXPECT_NE(out.str().find("14.461696"), std::string::npos) << out.str();

  const CsvTable table = read_csv(dir.file("logs/evaluate_architectures.csv"));
  EXPECT_EQ(table.header, (std::vector<std::string>{"arch", "macs_m", "params", "latency_ms"}));
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0][1], "14.461696");
  EXPECT_EQ(table.rows[0][2], "740132");
  EXPECT_TRUE(std::filesystem::exists(dir.file("logs/evaluate_architectures_summary.yml")));
}

TEST(Evaluate, ReadsTheProjectCsv) {
  test::TempDir dir;
  const Config config = fast_config(dir);
  const std::string file = dir.write(
      "archs.csv",
      "id,arch\n0,111111-111111-111111-111111-111111\n1,010000-010000-010000-010000-010000\n"
      "2,100000-100000-100000-100000-100000\n3,000001-000001-000001-000001-000001\n");
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  const auto result = run_evaluate_architectures(config, file, log, out);
  ASSERT_EQ(result.rows.size(), 4u);
  EXPECT_DOUBLE_EQ(result.rows[0].macs_m, 18.802688);
  EXPECT_EQ(result.rows[0].params, 797252);
  EXPECT_DOUBLE_EQ(result.rows[1].macs_m, 8.893184);
  EXPECT_EQ(result.rows[1].params, 585764);
  EXPECT_DOUBLE_EQ(result.rows[2].macs_m, 7.669760);
  EXPECT_EQ(result.rows[2].params, 571620);
  EXPECT_DOUBLE_EQ(result.rows[3].macs_m, 8.543104);
}

// Benchmark mode has networks too: MACs and parameters from the cost model (DESIGN 1.8's
// figures), latency timed on the NAS-Bench-201 network.
TEST(Evaluate, TimesNasBench201Cells) {
  test::TempDir dir;
  Config config = fast_config(dir);
  config.search_space = "nasbench201";
  config.macs_budget = 0;
  config.classes = 100;
  config.benchmark_table = dir.write("table.csv", "arch,test_acc\n");
  const std::string file = dir.write("cells.csv",
                                     "id,arch\n0,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n"
                                     "1,|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_"
                                     "3x3~0|none~1|skip_connect~2|\n");
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  const auto result = run_evaluate_architectures(config, file, log, out);
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_NEAR(result.rows[0].macs_m, 7.7824, 1e-9);
  EXPECT_EQ(result.rows[1].params, 350196);
  EXPECT_NEAR(result.rows[1].macs_m, 47.104, 1e-9);
  for (const auto& row : result.rows) EXPECT_GT(row.latency_ms, 0) << row.arch;

  // --no-latency: the costs only, and no latency column
  const auto costs = run_evaluate_architectures(config, file, log, out, /*time_latency=*/false);
  EXPECT_EQ(costs.rows[1].params, 350196);
  EXPECT_EQ(costs.rows[1].latency_ms, 0);
  const CsvTable table = read_csv(dir.file("logs/evaluate_architectures.csv"));
  EXPECT_EQ(table.header, (std::vector<std::string>{"arch", "macs_m", "params"}));
}

// NAS-Bench-201 cells export to ONNX (checked by OpenCV) and are timed on OpenCV as well.
TEST(Evaluate, ExportsAndTimesNasBench201CellsOnOpenCv) {
  GNAS_SKIP_WITHOUT(kHaveOnnx, "ONNX and OpenCV");
  test::TempDir dir;
  Config config = fast_config(dir);
  config.search_space = "nasbench201";
  config.macs_budget = 0;
  config.benchmark_table = dir.write("table.csv", "arch,test_acc\n");
  const std::string file = dir.write("cells.csv",
                                     "id,arch\n0,|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|"
                                     "nor_conv_3x3~0|none~1|none~2|\n");
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  ExportOnnxOptions options;
  options.arch_file = file;
  const ExportOnnxResult e = run_export_onnx(config, options, log, out);
  EXPECT_EQ(e.output, dir.file("logs/architecture_0.onnx"));
  EXPECT_LE(e.relative_difference, 1e-4);
  config.latency.runtime = LatencyRuntime::kOpencv;
  config.latency.repeats = 2;
  const auto timed = run_evaluate_architectures(config, file, log, out);
  EXPECT_GT(timed.rows[0].latency_ms, 0);
}

TEST(Evaluate, BadFileIsADataErrorAndWritesNothing) {
  test::TempDir dir;
  const Config config = fast_config(dir);
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  const std::string ragged =
      dir.write("ragged.csv", "id,arch\n0,111111-111111-111111-111111-111111,9\n");
  try {
    run_evaluate_architectures(config, ragged, log, out);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), ragged + ":2: expected 2 fields as in the header, found 3");
  }
  EXPECT_THROW(run_evaluate_architectures(config, dir.file("none.csv"), log, out), DataError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("logs/evaluate_architectures.csv")));
}

}  // namespace
}  // namespace gnas
