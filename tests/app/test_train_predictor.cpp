#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "gnas/app/evaluate_predictor.hpp"
#include "gnas/app/train_predictor.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"

#include "predictor/synthetic.hpp"
#include "test_util.hpp"

namespace gnas {
namespace {

// A quick predictor on 100 synthetic labels written as two shards of the train step's CSV.
struct Fixture {
  test::TempDir dir;
  Config config = test::config_in(dir);
  LayerwiseSpace space{MacroShape::from_config(config)};
  LabelledSet data = test::synthetic_set(space, 100, 21);
  spdlog::logger log{"test", std::make_shared<spdlog::sinks::null_sink_mt>()};

  Fixture() {
    config.predictor.hidden = 32;
    config.predictor.blocks = 2;
    config.predictor.epochs = 40;
    config.predictor.test_count = 20;
    dir.write("logs/train_data.shard0of2.csv", test::labelled_csv(space, data, 0, 50));
    dir.write("logs/train_data.shard1of2.csv", test::labelled_csv(space, data, 50, 100));
  }
};

TEST(TrainPredictorStep, TrainsOnShardsAndWritesItsReport) {
  Fixture f;
  const TrainPredictorResult r = run_train_predictor(f.config, {}, f.log);
  EXPECT_EQ(r.n_train, 80u);
  EXPECT_EQ(r.n_test, 20u);
  EXPECT_GT(r.metrics.kendall_tau, 0.5);
  EXPECT_TRUE(std::filesystem::exists(f.config.path_to_save_predictor));
  EXPECT_TRUE(std::filesystem::exists(f.dir.file("logs/train_predictor_scatter.svg")));

  const CsvTable predictions = read_csv(f.dir.file("logs/predictions.csv"));
  EXPECT_EQ(predictions.header, (std::vector<std::string>{"arch", "true", "predicted"}));
  ASSERT_EQ(predictions.rows.size(), 20u);
  EXPECT_EQ(predictions.rows[0][0], f.space.format(f.data.archs[80]));  // the last 20 rows

  const YAML::Node summary = YAML::LoadFile(f.dir.file("logs/train_predictor_summary.yml"));
  for (const char* key : {"kendall_tau", "spearman", "mae", "precision_at_5", "precision_at_10",
                          "n_train", "n_test", "seconds", "seed"}) {
    EXPECT_TRUE(summary[key]) << key;
  }
  EXPECT_EQ(summary["n_test"].as<int>(), 20);
  EXPECT_NEAR(summary["kendall_tau"].as<double>(), r.metrics.kendall_tau, 1e-6);

  // evaluate --predictor on the test rows alone reproduces train_predictor's numbers.
  const std::string test_rows =
      f.dir.write("test_rows.csv", test::labelled_csv(f.space, f.data, 80, 100));
  std::ostringstream out;
  const EvaluatePredictorResult e =
      run_evaluate_predictor(f.config, {{test_rows}, 200}, f.log, out);
  EXPECT_NEAR(e.metrics.kendall_tau, r.metrics.kendall_tau, 1e-12);
  EXPECT_NEAR(e.metrics.mae, r.metrics.mae, 1e-12);
  EXPECT_GT(e.graphs_per_second, 0);
  EXPECT_NE(out.str().find("kendall_tau"), std::string::npos) << out.str();
  const std::string svg = read_file(e.plot);
  EXPECT_NE(svg.find("Kendall tau"), std::string::npos);
  const YAML::Node evaluated = YAML::LoadFile(f.dir.file("logs/evaluate_predictor_summary.yml"));
  EXPECT_EQ(evaluated["mode"].as<std::string>(), "predictor");
  EXPECT_EQ(evaluated["count"].as<int>(), 20);
}

// predictor.test_repeats R: R random splits in all; the first is the run's own (its tau is the
// summary's kendall_tau and the saved predictor), the mean and sd are over all R.
TEST(TrainPredictorStep, MoreRandomSplitsGiveTheTausMeanAndSpread) {
  Fixture f;
  f.config.predictor.epochs = 10;
  f.config.predictor.test_split = TestSplit::kRandom;
  const TrainPredictorResult one = run_train_predictor(f.config, {}, f.log);
  const YAML::Node single = YAML::LoadFile(f.dir.file("logs/train_predictor_summary.yml"));
  EXPECT_FALSE(single["kendall_tau_mean"]);
  f.config.predictor.test_repeats = 3;
  const TrainPredictorResult three = run_train_predictor(f.config, {}, f.log);
  EXPECT_DOUBLE_EQ(three.metrics.kendall_tau, one.metrics.kendall_tau);
  const YAML::Node summary = YAML::LoadFile(f.dir.file("logs/train_predictor_summary.yml"));
  EXPECT_EQ(summary["test_repeats"].as<int>(), 3);
  const double m = summary["kendall_tau_mean"].as<double>(), sd = summary["kendall_tau_sd"].as<double>();
  EXPECT_GT(m, 0.3);  // the synthetic labels are learnable on every split
  EXPECT_LE(m, 1.0);
  EXPECT_GT(sd, 0.0);  // other held-out labels, another tau
  EXPECT_NE(m, one.metrics.kendall_tau);
}

TEST(TrainPredictorStep, MissingDataAndForeignSpaceAreDataErrors) {
  Fixture f;
  Config c = f.config;
  c.path_to_train_data = f.dir.file("elsewhere/train_data.csv");
  EXPECT_THROW(run_train_predictor(c, {}, f.log), DataError);
  c = f.config;
  c.predictor.test_count = 99;
  EXPECT_THROW(run_train_predictor(c, {}, f.log), DataError);

  run_train_predictor(f.config, {}, f.log);
  Config other = f.config;
  other.l_cfgs[4].out_channels = 256;  // another space: a predictor of this one must not load
  std::ostringstream out;
  EXPECT_THROW(run_evaluate_predictor(other, {}, f.log, out), DataError);
}

TEST(TrainPredictorStep, LearningCurveTrainsEachSize) {
  Fixture f;
  std::ostringstream out;
  const LearningCurveResult r = run_learning_curve(f.config, {{}, {40, 20, 500}}, f.log, out);
  ASSERT_EQ(r.points.size(), 2u);  // 500 does not fit
  EXPECT_EQ(r.points[0].n_train, 20);
  EXPECT_EQ(r.points[1].n_train, 40);
  EXPECT_EQ(r.n_test, 20u);
  EXPECT_NE(out.str().find("n_train   40"), std::string::npos) << out.str();
  EXPECT_EQ(read_csv(r.csv).rows.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(r.plot));
  Config no_test = f.config;
  no_test.predictor.test_count = 0;
  EXPECT_THROW(run_learning_curve(no_test, {}, f.log, out), DataError);
}

}  // namespace
}  // namespace gnas
