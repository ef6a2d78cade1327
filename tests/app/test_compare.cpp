#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>

#include "gnas/app/compare.hpp"
#include "gnas/app/evolution.hpp"
#include "gnas/app/generate.hpp"
#include "gnas/app/train.hpp"
#include "gnas/app/train_predictor.hpp"
#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

// Every NAS-Bench-201 architecture with a made-up accuracy that prefers convolutions.
std::string made_up_table() {
  const NasBench201Space space;
  std::vector<std::vector<std::string>> rows;
  for (int code = 0; code < 15625; ++code) {
    Architecture a;
    double acc = 60;
    for (int e = 0, c = code; e < 6; ++e, c /= 5) {
      a.genes.push_back(static_cast<std::uint8_t>(c % 5));
      acc += (c % 5 == 3 ? 5.0 : c % 5 == 2 ? 3.0 : c % 5 == 1 ? 1.0 : 0.0) + 0.01 * e;
    }
    rows.push_back({space.format(a), format_fixed(acc, 3)});
  }
  return format_csv({"arch", "test_acc"}, rows);
}

TEST(Compare, PutsSamplesRandomSearchAndEvolutionTogetherWithTrueAccuracies) {
  test::TempDir dir;
  Config config = test::config_in(dir);
  config.search_space = "nasbench201";
  config.macs_budget = 0;
  config.benchmark_table = dir.write("table.csv", made_up_table());
  config.sample_count = 40;
  config.repeats = 1;
  config.predictor.hidden = 16;
  config.predictor.blocks = 2;
  config.predictor.epochs = 20;
  config.predictor.test_count = 0;
  config.evolution.generations = 20;
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::ostringstream out;
  EXPECT_THROW(run_compare(config, log, out), DataError);  // nothing labelled yet

  run_generate(config, log);
  run_train_data(config, {}, log);
  run_train_predictor(config, {}, log);
  EXPECT_THROW(run_compare(config, log, out), DataError);  // no evolution yet
  run_evolution(config, false, log);
  run_evolution(config, true, log);
  EXPECT_TRUE(std::filesystem::exists(dir.file("logs/random_search_summary.yml")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("logs/evolution_summary.yml")));

  const CompareResult r = run_compare(config, log, out);
  ASSERT_EQ(r.entries.size(), 42u);
  EXPECT_EQ(r.entries[40].source, "random_search");
  EXPECT_EQ(r.entries[41].source, "evolution");
  for (const auto& e : r.entries) EXPECT_TRUE(e.true_accuracy) << e.source;  // the table knows all
  const CsvTable csv = read_csv(r.csv);
  EXPECT_EQ(csv.header,
            (std::vector<std::string>{"source", "arch", "macs_m", "params", "accuracy", "kind",
                                      "within_budgets"}));
  EXPECT_EQ(csv.rows.size(), 42u);
  for (std::size_t i = 0; i < csv.rows.size(); ++i)
    EXPECT_EQ(csv.rows[i][6], r.entries[i].within_budgets ? "true" : "false");
  EXPECT_TRUE(std::filesystem::exists(r.plot));
  const YAML::Node summary = YAML::LoadFile(dir.file("logs/evaluate_compare_summary.yml"));
  EXPECT_EQ(summary["mode"].as<std::string>(), "compare");
  EXPECT_EQ(summary["evolution_accuracy_kind"].as<std::string>(), "true");
  EXPECT_TRUE(summary["best_sample_accuracy"]);
  EXPECT_NE(out.str().find("evolved"), std::string::npos) << out.str();

  // Without the table, an architecture with no label shows its predicted accuracy, marked so.
  config.benchmark_table.clear();
  const CompareResult p = run_compare(config, log, out);
  std::set<std::string> labelled;
  for (std::size_t i = 0; i < 40; ++i) labelled.insert(p.entries[i].arch);
  EXPECT_EQ(p.entries[41].true_accuracy, labelled.count(p.entries[41].arch) > 0);
}

}  // namespace
}  // namespace gnas
