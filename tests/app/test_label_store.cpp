#include <gtest/gtest.h>

#include <string>

#include "gnas/app/label_store.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

LabelStore::Row row(const std::string& id, const std::string& arch) {
  return {id, arch, "0.500000", "0.500000", "10.000000", "1000", "1.00", "7", "sampled"};
}

// Every row added is on disk at once: a store read afterwards (a resumed run) knows it.
TEST(LabelStore, LabelsAndFailuresAreWrittenAtOnceAndReadBack) {
  const test::TempDir dir;
  Config config = test::config_in(dir);
  config.repeats = 1;
  {
    LabelStore store(config, {});
    EXPECT_TRUE(store.rows().empty());
    store.add_label(row("0", "a"));
    store.add_failure(1, "b", 1, 42, "the loss became nan");
    EXPECT_TRUE(store.done("a"));
    EXPECT_TRUE(store.done("b"));
  }
  const LabelStore again(config, {});
  ASSERT_EQ(again.rows().size(), 1u);
  EXPECT_EQ(again.rows()[0], row("0", "a"));
  EXPECT_TRUE(again.done("a"));
  EXPECT_TRUE(again.done("b"));
  EXPECT_FALSE(again.done("c"));
  const CsvTable failures = read_csv(RunLayout(config).train_failures({}));
  ASSERT_EQ(failures.rows.size(), 1u);
  EXPECT_EQ(failures.rows[0][3], "42");
}

TEST(LabelStore, AFileOfAnotherRepeatCountIsRefusedNamingTheColumns) {
  const test::TempDir dir;
  Config config = test::config_in(dir);
  config.repeats = 1;
  LabelStore(config, {}).add_label(row("0", "a"));
  config.repeats = 2;
  try {
    LabelStore store(config, {});
    ADD_FAILURE() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("(did `repeats` change?)"), std::string::npos) << e.what();
  }
}

TEST(LabelStore, SeedsAreSharedByEveryArchitectureWithCommonRandomNumbersOnly) {
  Config config;
  config.labels.common_random_numbers = true;
  EXPECT_EQ(label_seed(config, 0, 1), label_seed(config, 5, 1));
  EXPECT_NE(label_seed(config, 0, 0), label_seed(config, 0, 1));
  config.labels.common_random_numbers = false;
  EXPECT_NE(label_seed(config, 0, 1), label_seed(config, 5, 1));
}

// Trainings side by side finish out of order; the file keeps the order of one at a time.
// The answer's final training: with common random numbers and an agreement check, the check's
// shared seed (so the report can compare it with the check's trainings pair by pair); else a
// stream of its own; never the seed of a label.
TEST(LabelStore, TheFinalTrainingSharesTheAgreementChecksSeedOnlyWithCommonRandomNumbers) {
  Config config;
  config.repeats = 2;
  config.labels.common_random_numbers = true;
  config.labels.agreement_check = 3;
  EXPECT_EQ(final_training_seed(config), label_seed(config, 7, config.repeats));
  for (int r = 0; r < config.repeats; ++r) EXPECT_NE(final_training_seed(config), label_seed(config, 7, r));
  config.labels.agreement_check = 0;
  const std::uint64_t own = final_training_seed(config);
  EXPECT_NE(own, label_seed(config, 7, config.repeats));
  for (int r = 0; r < config.repeats; ++r) EXPECT_NE(own, label_seed(config, 7, r));
  config.labels.common_random_numbers = false;
  config.labels.agreement_check = 3;
  EXPECT_EQ(final_training_seed(config), own);
}

TEST(LabelStore, RowsStayInIdOrder) {
  std::vector<std::vector<std::string>> rows;
  for (const char* id : {"2", "0", "10", "1", "x", "3"}) insert_in_id_order(rows, {id, "a"});
  std::vector<std::string> ids;
  for (const auto& row : rows) ids.push_back(row[0]);
  // "x" has no id: it goes last, and what comes after it is not moved before it
  EXPECT_EQ(ids, (std::vector<std::string>{"0", "1", "2", "10", "x", "3"}));
}

}  // namespace
}  // namespace gnas
