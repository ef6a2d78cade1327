#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>

#include "gnas/app/report.hpp"
#include "gnas/common/io.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

// A finished run's files as the report reads them: five random samples (e over the budget), the
// answer retrained from seed 7 to 0.37, and the agreement check's trainings of a, b and c from
// seed 7, which land 0.02, 0.02 and 0.01 above those architectures' labels.
Config finished_run(const test::TempDir& dir) {
  Config config = test::config_in(dir);
  dir.write("logs/compare.csv",
            "source,arch,macs_m,params,accuracy,kind,within_budgets\n"
            "sampled,a,1,100,0.300000,true,true\n"
            "sampled,b,1,100,0.320000,true,true\n"
            "sampled,c,1,100,0.340000,true,true\n"
            "sampled,d,1,100,0.360000,true,true\n"
            "sampled,e,9,100,0.380000,true,false\n");
  dir.write("logs/train_final_summary.yml",
            "mode: final\narch: f\nbest_top1: 0.9\neval_split: validation\nlabel: 0.370000\n"
            "training_seed: 7\nmacs_m: 1\nparams: 100\n");
  return config;
}

// The report of that run with `checks` as its agreement check's trainings (id,arch,top1_1,
// top1_check,seed rows).
ReportResult report_with_checks(const test::TempDir& dir, const std::string& checks) {
  const Config config = finished_run(dir);
  dir.write("logs/label_agreement.csv", "id,arch,top1_1,top1_check,seed\n" + checks);
  spdlog::logger log("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  return run_report(config, log);
}

// The answer's seed trains every architecture 0.0167 better than the labels' seeds did: the raw
// comparison counts that for the answer, the corrected one takes it out.
TEST(Report, TheAnswersSeedShiftIsTakenOutOfTheComparisonWithTheRandomSamples) {
  const test::TempDir dir;
  const ReportResult result = report_with_checks(dir,
                                                 "0,a,0.300000,0.320000,7\n"
                                                 "1,b,0.320000,0.340000,7\n"
                                                 "2,c,0.340000,0.350000,7\n"
                                                 // another seed's training: not the answer's
                                                 "3,d,0.360000,0.100000,8\n");
  EXPECT_DOUBLE_EQ(*result.beats_random_samples_within, 100);  // 0.37 beats a-d
  EXPECT_DOUBLE_EQ(*result.beats_random_samples, 80);
  ASSERT_TRUE(result.seed_shift);
  EXPECT_NEAR(*result.seed_shift, 0.05 / 3, 1e-9);
  EXPECT_NEAR(result.seed_shift_se, 0.01 / 3, 1e-9);  // sd 0.00577 over sqrt(3)
  EXPECT_EQ(result.seed_shift_pairs, 3u);
  EXPECT_DOUBLE_EQ(*result.beats_random_samples_within_seed_corrected, 75);  // 0.3533: a-c
  EXPECT_DOUBLE_EQ(*result.beats_random_samples_seed_corrected, 60);
  const std::string html = read_file(result.output);
  EXPECT_NE(html.find("its seed trains the 3 agreement-check architectures +0.0167 (+- 0.0033"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("less that, 0.3533, equals or beats 75 % of the 4 random samples within "
                      "the budgets and 60 % of all 5"),
            std::string::npos)
      << html;
  const YAML::Node summary = YAML::LoadFile(dir.file("logs/evaluate_report_summary.yml"));
  EXPECT_EQ(summary["seed_shift"].as<std::string>(), "0.016667");
  EXPECT_EQ(summary["seed_shift_pairs"].as<int>(), 3);
  EXPECT_EQ(summary["answer_beats_random_samples_within_budgets_seed_corrected"].as<double>(), 75);
  EXPECT_EQ(summary["answer_beats_random_samples_seed_corrected"].as<double>(), 60);
}

// Fewer than three trainings from the answer's seed measure no shift: no corrected row.
TEST(Report, NoShiftFromFewerThanThreeTrainingsOfTheAnswersSeed) {
  const test::TempDir dir;
  const ReportResult result = report_with_checks(dir,
                                                 "0,a,0.300000,0.320000,7\n"
                                                 "1,b,0.320000,0.340000,7\n"
                                                 "2,c,0.340000,0.350000,8\n");
  EXPECT_FALSE(result.seed_shift);
  EXPECT_EQ(read_file(result.output).find("its seed's shift taken out"), std::string::npos);
  EXPECT_FALSE(YAML::LoadFile(dir.file("logs/evaluate_report_summary.yml"))["seed_shift"]);
}

}  // namespace
}  // namespace gnas
