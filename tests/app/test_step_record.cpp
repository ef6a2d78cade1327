// Step records: a summary that lists its inputs and outputs with content hashes tells whether the
// step is up to date; the run layout names every file of a run once.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "gnas/app/summary.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

TEST(StepRecord, UpToDateUntilAnInputAnOutputOrTheConfigChanges) {
  test::TempDir dir;
  Config config = in_run_folder(Config{}, dir.path());
  const std::string input = dir.write("in.csv", "a\n1\n");
  const std::string output = dir.write("out.csv", "b\n2\n");
  EXPECT_FALSE(app::up_to_date(config, "step", {input}));  // no summary yet
  app::write_summary(config, "step", YAML::Node(YAML::NodeType::Map), 1.0, {{input}, {output}});
  EXPECT_TRUE(app::up_to_date(config, "step", {input}));
  EXPECT_FALSE(app::up_to_date(config, "step", {input, output})) << "other inputs";
  EXPECT_FALSE(app::up_to_date(config, "step", {dir.file("other.csv")})) << "other inputs";

  Config threads = config;  // keys that change no output
  threads.num_threads = 7;
  threads.search.rounds = 3;
  EXPECT_TRUE(app::up_to_date(threads, "step", {input}));
  Config epochs = config;
  epochs.epochs += 1;
  EXPECT_FALSE(app::up_to_date(epochs, "step", {input}));

  dir.write("out.csv", "b\n3\n");
  EXPECT_FALSE(app::up_to_date(config, "step", {input})) << "an output edited";
  app::write_summary(config, "step", YAML::Node(YAML::NodeType::Map), 1.0, {{input}, {output}});
  dir.write("in.csv", "a\n1\n2\n");
  EXPECT_FALSE(app::up_to_date(config, "step", {input})) << "an input edited";
  // A summary without a record (written by an older gnas) is never up to date.
  app::write_summary(config, "step", YAML::Node(YAML::NodeType::Map), 1.0);
  EXPECT_FALSE(app::up_to_date(config, "step", {input}));
}

TEST(RunLayout, NamesEveryFileOfARunInItsFolder) {
  const Config config = in_run_folder(Config{}, "logs/runs/r");
  const RunLayout layout(config);
  EXPECT_EQ(layout.architecture(), "logs/runs/r/architecture.csv");
  EXPECT_EQ(layout.predictor_in(), layout.predictor_out());
  EXPECT_EQ(layout.train_data(Shard::parse("1/3")), "logs/runs/r/train_data.shard1of3.csv");
  EXPECT_EQ(layout.train_failures(Shard{}), "logs/runs/r/train_failures.csv");
  EXPECT_EQ(layout.label_agreement(Shard::parse("0/2")),
            "logs/runs/r/label_agreement.shard0of2.csv");
  EXPECT_EQ(layout.random_search_architecture(), "logs/runs/r/random_search_architecture.csv");
  EXPECT_EQ(layout.evolution_explored(), "logs/runs/r/evolution_explored.csv");
  EXPECT_EQ(layout.summary("train_final"), "logs/runs/r/train_final_summary.yml");
  EXPECT_EQ(layout.checkpoint("final_x"), "logs/runs/r/checkpoints/final_x/checkpoint.pt");
  EXPECT_EQ(RunLayout::run_folder(Config{}, "q"), "logs/runs/q");
}

// --shard auto: K and N from the scheduler's variables, never a silent 0/1.
Shard::Environment environment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

void expect_shard(const Shard& s, int index, int count) {
  EXPECT_EQ(s.index, index);
  EXPECT_EQ(s.count, count);
}

std::string usage_error(const std::string& text, const Shard::Environment& env) {
  try {
    Shard::parse(text, env);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Shard, AutoReadsASlurmArray) {
  expect_shard(Shard::parse("auto", environment({{"SLURM_ARRAY_TASK_ID", "2"},
                                                 {"SLURM_ARRAY_TASK_COUNT", "4"}})),
               2, 4);
  // --array=1-4: the ids start at SLURM_ARRAY_TASK_MIN; the count from MAX without COUNT
  expect_shard(Shard::parse("auto", environment({{"SLURM_ARRAY_TASK_ID", "4"},
                                                 {"SLURM_ARRAY_TASK_MIN", "1"},
                                                 {"SLURM_ARRAY_TASK_MAX", "4"}})),
               3, 4);
  expect_shard(Shard::parse("auto/8", environment({{"SLURM_ARRAY_TASK_ID", "5"},
                                                   {"SLURM_ARRAY_TASK_COUNT", "4"}})),
               5, 8);
  // the Slurm task of a job that is not an array (no ID) is not a shard
  EXPECT_NE(usage_error("auto", environment({{"SLURM_JOB_ID", "7"}})).find("SLURM_ARRAY_TASK_ID"),
            std::string::npos);
}

TEST(Shard, AutoReadsAKubernetesIndexedJob) {
  expect_shard(Shard::parse("auto/3", environment({{"JOB_COMPLETION_INDEX", "2"}})), 2, 3);
  expect_shard(
      Shard::parse("auto", environment({{"JOB_COMPLETION_INDEX", "0"}, {"GNAS_SHARD_COUNT", "5"}})),
      0, 5);
  EXPECT_NE(
      usage_error("auto", environment({{"JOB_COMPLETION_INDEX", "0"}})).find("GNAS_SHARD_COUNT"),
      std::string::npos);
}

TEST(Shard, AutoWithoutASchedulerOrWithBadValuesIsAUsageError) {
  const std::string none = usage_error("auto", environment({}));
  EXPECT_NE(none.find("SLURM_ARRAY_TASK_ID"), std::string::npos) << none;
  EXPECT_NE(none.find("JOB_COMPLETION_INDEX"), std::string::npos) << none;
  EXPECT_NE(usage_error("auto", environment({{"SLURM_ARRAY_TASK_ID", "x"},
                                             {"SLURM_ARRAY_TASK_COUNT", "4"}}))
                .find("SLURM_ARRAY_TASK_ID (x)"),
            std::string::npos);
  // a stepped array (--array=0-6:2) has ids beyond its count
  EXPECT_NE(usage_error("auto", environment({{"SLURM_ARRAY_TASK_ID", "6"},
                                             {"SLURM_ARRAY_TASK_COUNT", "4"}}))
                .find("0 <= K < N, read 6/4"),
            std::string::npos);
  EXPECT_NE(usage_error("auto/x", environment({})).find("auto/N"), std::string::npos);
  EXPECT_NE(usage_error("auto/0", environment({{"JOB_COMPLETION_INDEX", "0"}})).find("0 <= K < N"),
            std::string::npos);
}

}  // namespace
}  // namespace gnas
