#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <torch/script.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "gnas/app/label_agreement.hpp"
#include "gnas/app/train.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"
#include "gnas/space/layerwise_space.hpp"

#include "synthetic_data.hpp"

namespace gnas {
namespace {

using test::TempDir;

spdlog::logger quiet() {
  return spdlog::logger("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

Config label_config(const TempDir& dir) {
  Config c = test::tiny_training_config(dir);
  c.epochs = 1;
  c.repeats = 2;
  write_file_atomic(c.path_to_architecture, "id,arch\n0,110-011\n1,001-100\n2,111-111\n");
  return c;
}

TEST(TrainData, LabelsEveryArchitectureAndSkipsThemOnRestart) {
  TempDir dir;
  const Config c = label_config(dir);
  auto log = quiet();
  const TrainDataResult first = run_train_data(c, {}, log);
  EXPECT_EQ(first.trained, 3);
  EXPECT_EQ(first.output, c.path_to_train_data);
  const CsvTable table = read_csv(c.path_to_train_data);
  EXPECT_EQ(table.header,
            (std::vector<std::string>{"id", "arch", "top1_1", "top1_2", "mean", "macs_m", "params",
                                      "seconds", "seed", "source"}));
  ASSERT_EQ(table.rows.size(), 3u);
  for (const auto& row : table.rows) {
    const double mean = std::stod(row[4]);
    EXPECT_NEAR(mean, (std::stod(row[2]) + std::stod(row[3])) / 2, 1e-6);
    EXPECT_GE(mean, 0.0);
    EXPECT_LE(mean, 1.0);
  }
  EXPECT_EQ(table.rows[1][1], "001-100");
  EXPECT_EQ(table.rows[1][9], "sampled");  // an architecture file without sources: sample_count's
  // Every architecture has its own seed unless labels.common_random_numbers.
  EXPECT_NE(table.rows[0][8], table.rows[1][8]);
  // No checkpoints are left behind by label runs.
  EXPECT_FALSE(std::filesystem::exists(dir.file("logs/checkpoints/train/arch0_r1/checkpoint.pt")));

  const TrainDataResult again = run_train_data(c, {}, log);
  EXPECT_EQ(again.trained, 0);
  EXPECT_EQ(again.skipped, 3);

  // A run killed after the first architecture: only the missing ones are trained.
  write_file_atomic(c.path_to_train_data, format_csv(table.header, {table.rows[0]}));
  const TrainDataResult resumed = run_train_data(c, {}, log);
  EXPECT_EQ(resumed.trained, 2);
  EXPECT_EQ(read_csv(c.path_to_train_data).rows.size(), 3u);
  const YAML::Node summary = YAML::LoadFile(dir.file("logs/train_labels_summary.yml"));
  EXPECT_EQ(summary["trained"].as<int>(), 2);
  EXPECT_EQ(summary["labelled"].as<int>(), 3);
}

// trainings_per_device: two trainings side by side give the labels, and the file, of one at a
// time with the same threads per training (each starts from its own seed; rows in id order).
TEST(TrainData, TrainingsSideBySideGiveTheLabelsOfOneAtATime) {
  TempDir one_dir, two_dir;
  Config one = label_config(one_dir);
  one.num_threads = 1;
  Config two = label_config(two_dir);
  two.num_threads = 2;  // 1 each
  two.trainings_per_device = 2;
  two.labels.agreement_check = 3;
  one.labels.agreement_check = 3;
  auto log = quiet();
  const int threads = torch::get_num_threads();
  run_train_data(one, {}, log);
  const TrainDataResult side_by_side = run_train_data(two, {}, log);
  EXPECT_EQ(torch::get_num_threads(), threads) << "the steps after labelling get every thread";
  EXPECT_EQ(side_by_side.trained, 3);
  const CsvTable a = read_csv(one.path_to_train_data);
  const CsvTable b = read_csv(two.path_to_train_data);
  ASSERT_EQ(a.rows.size(), 3u);
  ASSERT_EQ(b.rows.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) {
    for (const char* column : {"id", "arch", "top1_1", "top1_2", "mean", "seed"}) {
      EXPECT_EQ(a.rows[r][a.column(column)], b.rows[r][b.column(column)]) << column << " row " << r;
    }
  }
  const CsvTable check_a = read_csv(one_dir.file("logs/label_agreement.csv"));
  const CsvTable check_b = read_csv(two_dir.file("logs/label_agreement.csv"));
  EXPECT_EQ(check_a.rows, check_b.rows);
  const YAML::Node summary = YAML::LoadFile(two_dir.file("logs/train_labels_summary.yml"));
  EXPECT_EQ(summary["trainings_per_device"].as<int>(), 2);
}

// labels.measure train_loss / eval_loss: each label is exp(-the last epoch's mean training /
// evaluation loss) of its training, as that training's epochs.csv records it, and the summary
// names the measure.
TEST(TrainData, LossLabelsAreTheLastEpochsLikelihood) {
  for (const LabelMeasure measure : {LabelMeasure::kTrainLoss, LabelMeasure::kEvalLoss}) {
    const std::string column = option_name(measure);
    SCOPED_TRACE(column);
    TempDir dir;
    Config c = label_config(dir);
    c.repeats = 1;
    c.epochs = 2;
    c.labels.measure = measure;
    auto log = quiet();
    run_train_data(c, {}, log);
    const CsvTable table = read_csv(c.path_to_train_data);
    ASSERT_EQ(table.rows.size(), 3u);
    for (const auto& row : table.rows) {
      const CsvTable epochs = read_csv(dir.file("logs/train/arch" + row[0] + "_r1/epochs.csv"));
      ASSERT_EQ(epochs.rows.size(), 2u);
      const double loss = std::stod(epochs.rows[1][epochs.column(column)]);
      EXPECT_GT(loss, 0);
      EXPECT_NEAR(std::stod(row[2]), std::exp(-loss), 1e-5) << row[1];
    }
    const YAML::Node summary = YAML::LoadFile(dir.file("logs/train_labels_summary.yml"));
    EXPECT_EQ(summary["label_measure"].as<std::string>(), column);
  }
}

TEST(TrainData, ShardsSplitTheArchitectures) {
  TempDir dir;
  const Config c = label_config(dir);
  auto log = quiet();
  const TrainDataResult shard = run_train_data(c, {Shard::parse("1/2"), false}, log);
  EXPECT_EQ(shard.output, dir.file("logs/train_data.shard1of2.csv"));
  // shards run side by side: each its own summary, none in the unsharded one's place
  EXPECT_TRUE(std::filesystem::exists(dir.file("logs/train_labels.shard1of2_summary.yml")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("logs/train_labels_summary.yml")));
  const CsvTable table = read_csv(shard.output);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0][0], "1");
  EXPECT_THROW(Shard::parse("2/2"), UsageError);
  EXPECT_THROW(Shard::parse("1/0"), UsageError);
  EXPECT_THROW(Shard::parse("a/2"), UsageError);
}

// A diverged training is recorded in the shard's own failure file: concurrent shards used to
// read and rewrite one train_failures.csv and lose each other's rows.
TEST(TrainData, EveryShardRecordsItsFailuresInItsOwnFile) {
  TempDir dir;
  Config c = label_config(dir);
  c.repeats = 1;
  c.epochs = 3;
  c.optim_state.lr = 1e30;  // every training diverges
  auto log = quiet();
  for (const char* shard : {"0/2", "1/2"}) {
    const TrainDataResult r = run_train_data(c, {Shard::parse(shard), false}, log);
    EXPECT_GT(r.failed, 0) << shard;
  }
  const CsvTable zero = read_csv(dir.file("logs/train_failures.shard0of2.csv"));
  const CsvTable one = read_csv(dir.file("logs/train_failures.shard1of2.csv"));
  ASSERT_EQ(zero.rows.size(), 2u);  // architectures 0 and 2
  ASSERT_EQ(one.rows.size(), 1u);   // architecture 1
  EXPECT_EQ(zero.rows[0][0], "0");
  EXPECT_EQ(zero.rows[1][0], "2");
  EXPECT_EQ(one.rows[0][0], "1");
  EXPECT_FALSE(std::filesystem::exists(dir.file("logs/train_failures.csv")));
  // a restart of a shard skips its recorded failures
  EXPECT_EQ(run_train_data(c, {Shard::parse("1/2"), false}, log).skipped, 1);
}

TEST(TrainData, RefusesAFileWrittenWithOtherRepeats) {
  TempDir dir;
  Config c = label_config(dir);
  auto log = quiet();
  write_file_atomic(c.path_to_train_data, "id,arch,top1_1,mean,macs_m,params,seconds,seed\n");
  try {
    run_train_data(c, {}, log);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("(did `repeats` change?)"), std::string::npos) << e.what();
  }
}

// repeats 2: the summary reports how well the two trainings rank the architectures alike.
TEST(TrainData, ReportsTheAgreementOfTheRepeats) {
  TempDir dir;
  const Config c = label_config(dir);
  auto log = quiet();
  run_train_data(c, {}, log);
  const YAML::Node summary = YAML::LoadFile(dir.file("logs/train_labels_summary.yml"));
  ASSERT_TRUE(summary["label_agreement_tau"]) << "no label_agreement_tau in the summary";
  EXPECT_EQ(summary["label_agreement_from"].as<std::string>(), "repeats");
  EXPECT_EQ(summary["label_agreement_n"].as<int>(), 3);
  const CsvTable table = read_csv(c.path_to_train_data);
  std::vector<double> spread;
  for (const auto& row : table.rows)
    spread.push_back(std::abs(std::stod(row[2]) - std::stod(row[3])));
  std::sort(spread.begin(), spread.end());
  EXPECT_NEAR(summary["label_spread_median"].as<double>(), spread[1], 1e-4);
  const auto agreement = measure_label_agreement(c);
  ASSERT_TRUE(agreement.has_value());
  EXPECT_GE(agreement->kendall_tau, -1.0);
  EXPECT_LE(agreement->kendall_tau, 1.0);
}

// labels.agreement_check K: the first K architectures are trained once more, into
// label_agreement.csv, and a second run trains none of them again.
TEST(TrainData, AgreementCheckRetrainsTheFirstKOnce) {
  TempDir dir;
  Config c = label_config(dir);
  c.repeats = 1;
  c.sample_count = 3;
  c.labels.agreement_check = 3;
  c.labels.common_random_numbers = true;
  write_file_atomic(c.path_to_architecture,
                    "id,arch,macs_m,params,source\n0,110-011,0,0,sampled\n1,001-100,0,0,sampled\n"
                    "2,111-111,0,0,refine1\n3,010-010,0,0,verify\n");
  auto log = quiet();
  run_train_data(c, {}, log);
  const CsvTable labels = read_csv(c.path_to_train_data);
  ASSERT_EQ(labels.rows.size(), 4u);
  EXPECT_EQ(labels.rows[2][8], "refine1");
  EXPECT_EQ(labels.rows[3][8], "verify");
  for (const auto& row : labels.rows) EXPECT_EQ(row[7], labels.rows[0][7]);  // one seed for all
  const CsvTable check = read_csv(dir.file("logs/label_agreement.csv"));
  EXPECT_EQ(check.header, (std::vector<std::string>{"id", "arch", "top1_1", "top1_check", "seed"}));
  ASSERT_EQ(check.rows.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(check.rows[i][2], labels.rows[i][2]);
    EXPECT_NE(check.rows[i][4], labels.rows[i][7]);  // a fresh seed
  }
  YAML::Node summary = YAML::LoadFile(dir.file("logs/train_labels_summary.yml"));
  EXPECT_EQ(summary["label_agreement_from"].as<std::string>(), "agreement_check");
  EXPECT_EQ(summary["label_agreement_n"].as<int>(), 3);
  const auto modified = std::filesystem::last_write_time(dir.file("logs/label_agreement.csv"));
  run_train_data(c, {}, log);
  EXPECT_EQ(std::filesystem::last_write_time(dir.file("logs/label_agreement.csv")), modified);
}

// A labelled file written before the source column is continued, its rows marked unrecorded.
TEST(TrainData, ContinuesAFileWithoutTheSourceColumn) {
  TempDir dir;
  Config c = label_config(dir);
  c.repeats = 1;
  write_file_atomic(c.path_to_train_data,
                    "id,arch,top1_1,mean,macs_m,params,seconds,seed\n0,110-011,0.5,0.5,1,1,1,1\n");
  auto log = quiet();
  EXPECT_EQ(run_train_data(c, {}, log).trained, 2);
  const CsvTable table = read_csv(c.path_to_train_data);
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.header.back(), "source");
  EXPECT_EQ(table.rows[0].back(), "unrecorded");
  EXPECT_EQ(table.rows[1].back(), "sampled");
}

// --best-labelled answers within the budgets (random samples need not meet them), and trains it
// afresh: its accuracy is not its label again.
TEST(TrainFinal, BestLabelledMeetsTheBudgetAndTrainsAfresh) {
  TempDir dir;
  Config c = label_config(dir);
  c.repeats = 1;
  c.labels.common_random_numbers = true;  // the label's seed is the same for every architecture
  auto log = quiet();
  run_train_data(c, {}, log);
  const CsvTable labels = read_csv(c.path_to_train_data);
  const LayerwiseSpace space(MacroShape::from_config(c));
  // a budget that only the cheapest architecture meets
  double cheapest = 1e9;
  std::string cheapest_arch, its_seed;
  for (const auto& row : labels.rows) {
    const double macs = space.cost(space.parse(row[1])).macs_m;
    if (macs < cheapest) {
      cheapest = macs;
      cheapest_arch = row[1];
      its_seed = row[labels.column("seed")];
    }
  }
  c.macs_budget = cheapest + 1e-6;
  TrainFinalOptions options;
  options.best_labelled = true;
  options.index = 0;  // ignored by --best-labelled, and not to be logged as the row trained
  std::ostringstream lines;
  spdlog::logger logged("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  const TrainFinalResult r = run_train_final(c, options, logged);
  EXPECT_EQ(r.arch, cheapest_arch);
  std::size_t row = 0;
  while (labels.rows[row][1] != cheapest_arch) ++row;
  EXPECT_NE(lines.str().find("final model: " + cheapest_arch + " (row " + std::to_string(row) +
                             " of the labelled architectures of " + c.path_to_train_data + ")"),
            std::string::npos)
      << lines.str();
  // A fresh training, not the label's again (its accuracy may still coincide on tiny data).
  EXPECT_NE(std::to_string(r.seed), its_seed) << "the final training repeated the label's";
  c.macs_budget = cheapest / 2;
  EXPECT_THROW(run_train_final(c, options, log), DataError);
}

TEST(TrainFinal, ExportsATorchScriptModelThatReloads) {
  TempDir dir;
  Config c = label_config(dir);
  c.epochs = 3;
  auto log = quiet();
  TrainFinalOptions options;
  options.index = 2;
  const TrainFinalResult result = run_train_final(c, options, log);
  EXPECT_EQ(result.arch, "111-111");
  EXPECT_GT(result.best_top1, 0.25);
  torch::jit::Module model = torch::jit::load(result.model);
  const torch::Tensor y = model.forward({torch::randn({2, 1, 12, 12})}).toTensor();
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 4}));
  const YAML::Node summary = YAML::LoadFile(dir.file("logs/train_final_summary.yml"));
  for (const char* key :
       {"best_top1", "final_top1", "macs_m", "params", "seconds", "images_per_second"}) {
    EXPECT_TRUE(summary[key]) << key;
  }
  options.index = 3;
  EXPECT_THROW(run_train_final(c, options, log), UsageError);
}

}  // namespace
}  // namespace gnas
