#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <map>
#include <string>

#include "gnas/app/label_store.hpp"
#include "gnas/app/race.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/space/macro.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

// Race trainings from a table: no network trained; counts its calls, and the seeds it was given.
class TableRaceLabeller : public Labeller {
 public:
  explicit TableRaceLabeller(std::map<std::string, double> races) : races_(std::move(races)) {}
  double label(const Architecture&, const std::string& text, const std::string&, std::uint64_t seed,
               int) override {
    ++calls;
    seeds.push_back(seed);
    if (races_.at(text) < 0) throw TrainingDiverged(text + ": the loss became NaN");
    return races_.at(text);
  }
  int slots() const override { return 1; }
  bool trains() const override { return true; }
  void describe(YAML::Node&) const override {}
  int calls = 0;
  std::vector<std::uint64_t> seeds;

 private:
  std::map<std::string, double> races_;
};

struct RaceSetup {
  Config config;
  LayerwiseSpace space;
  LabelledSet labelled;
};

RaceSetup setup(const test::TempDir& dir) {
  Config c = test::config_in(dir);
  c.ops_name = {OpKind::kSkip, OpKind::kSepConv3, OpKind::kDilConv3};
  c.l_cfgs = {{8, 1}, {16, 2}};
  c.repeats = 1;
  c.labels.common_random_numbers = true;
  LayerwiseSpace space(MacroShape::from_config(c));
  LabelledSet labelled;
  for (const auto& [arch, label] : std::vector<std::pair<std::string, double>>{
           {"110-011", 0.90}, {"001-100", 0.80}, {"111-111", 0.70}, {"100-100", 0.60}}) {
    labelled.archs.push_back(space.parse(arch));
    labelled.labels.push_back(label);
  }
  return {c, space, labelled};
}

// The best label was lucky: trained again it falls behind the second best, which wins on the mean
// of its two trainings. Every runner trains from the race's seed, which no label, check or final
// training uses.
TEST(Race, TheBestMeanOfTwoTrainingsWinsNotTheBestLabel) {
  const test::TempDir dir;
  RaceSetup s = setup(dir);
  TableRaceLabeller labeller({{"110-011", 0.50}, {"001-100", 0.85}, {"111-111", 0.60}});
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  const RaceResult r = run_race(s.config, s.space, s.labelled, {0, 1, 2}, labeller, log);
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[r.winner].arch, "001-100");
  EXPECT_NEAR(r.entries[r.winner].mean, 0.825, 1e-9);
  EXPECT_EQ(r.entries.front().arch, "110-011");  // best label first
  EXPECT_EQ(labeller.calls, 3);
  for (const std::uint64_t seed : labeller.seeds) {
    EXPECT_EQ(seed, race_seed(s.config, 0));  // common random numbers: one seed for all
    EXPECT_NE(seed, label_seed(s.config, 0, 0));
    EXPECT_NE(seed, label_seed(s.config, 0, s.config.repeats));  // the agreement check's
    EXPECT_NE(seed, final_training_seed(s.config));
  }
  const CsvTable file = read_csv(r.file);
  EXPECT_EQ(file.header, (std::vector<std::string>{"arch", "label", "race", "mean", "seed"}));
  ASSERT_EQ(file.rows.size(), 3u);
  EXPECT_EQ(file.rows[1][0], "001-100");
  EXPECT_EQ(file.rows[1][3], "0.825000");

  // Run again (a resumed pipeline): the file's trainings count, nothing is trained again.
  TableRaceLabeller again({{"110-011", 0.0}, {"001-100", 0.0}, {"111-111", 0.0}});
  const RaceResult resumed = run_race(s.config, s.space, s.labelled, {0, 1, 2}, again, log);
  EXPECT_EQ(again.calls, 0);
  EXPECT_EQ(resumed.entries[resumed.winner].arch, "001-100");
  // Another seed is another race: its trainings are not the file's.
  s.config.seed = 1;
  const RaceResult reseeded = run_race(s.config, s.space, s.labelled, {0, 1, 2}, again, log);
  EXPECT_EQ(again.calls, 3);
  EXPECT_EQ(reseeded.entries[reseeded.winner].arch, "110-011");  // 0.45 against 0.40 and 0.35
}

// With repeats R the label is the mean of R trainings and weighs R times the race's one.
TEST(Race, TheMeanWeighsEachTrainingAlike) {
  const test::TempDir dir;
  RaceSetup s = setup(dir);
  s.config.repeats = 3;
  TableRaceLabeller labeller({{"110-011", 0.50}, {"001-100", 0.85}});
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  const RaceResult r = run_race(s.config, s.space, s.labelled, {0, 1}, labeller, log);
  EXPECT_NEAR(r.entries[0].mean, (3 * 0.90 + 0.50) / 4, 1e-9);  // 0.8 ...
  EXPECT_NEAR(r.entries[1].mean, (3 * 0.80 + 0.85) / 4, 1e-9);  // ... against 0.8125
  EXPECT_EQ(r.entries[r.winner].arch, "001-100");
}

// A runner whose training diverges drops out; when all do, or the file is of another making, the
// race stops naming the file.
TEST(Race, ADivergedRunnerDropsOutAndABadFileIsRefused) {
  const test::TempDir dir;
  RaceSetup s = setup(dir);
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  TableRaceLabeller one_diverges({{"110-011", -1}, {"001-100", 0.30}});
  const RaceResult r = run_race(s.config, s.space, s.labelled, {0, 1}, one_diverges, log);
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].arch, "001-100");
  std::filesystem::remove(r.file);
  TableRaceLabeller all_diverge({{"110-011", -1}, {"001-100", -1}});
  EXPECT_NE(test::error_of<DataError>([&] {
              run_race(s.config, s.space, s.labelled, {0, 1}, all_diverge, log);
            }).find("every race training diverged"),
            std::string::npos);
  write_file_atomic(r.file, "arch,label\n110-011,0.9\n");
  EXPECT_NE(test::error_of<DataError>([&] {
              run_race(s.config, s.space, s.labelled, {0, 1}, all_diverge, log);
            }).find("race.csv: unexpected columns"),
            std::string::npos);
}

}  // namespace
}  // namespace gnas
