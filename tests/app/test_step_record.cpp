// Step records: a summary that lists its inputs and outputs with content hashes tells whether the
// step is up to date; the run layout names every file of a run once.
#include <gtest/gtest.h>

#include "gnas/app/summary.hpp"
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

}  // namespace
}  // namespace gnas
