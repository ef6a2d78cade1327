// End to end: scripts/pipeline.sh with the built executables, on tiny generated data.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "gnas/app/pipeline.hpp"
#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"
#include "gnas/space/layerwise_space.hpp"

#include "synthetic_data.hpp"

namespace gnas {
namespace {

namespace fs = std::filesystem;

// Runs the pipeline with the executables beside this test binary; returns the exit status.
int pipeline(const std::string& config, const std::string& run, const std::string& log) {
  const fs::path bin = fs::read_symlink("/proc/self/exe").parent_path();
  const std::string command = "GNAS_BIN='" + bin.string() +
                              "' bash '" GNAS_SOURCE_DIR "/scripts/pipeline.sh' '" + config +
                              "' --run " + run + " > '" + log + "' 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail_of(const std::string& path) {
  const std::string text = read_file(path);
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

// Every href of the report names a file of the run.
void expect_links_exist(const std::string& run) {
  const std::string html = read_file(run + "/report.html");
  const std::regex href("href=\"([^\"]+)\"");
  int links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it) {
    EXPECT_TRUE(fs::exists(run + "/" + (*it)[1].str())) << (*it)[1].str();
    ++links;
  }
  EXPECT_GT(links, 10);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

TEST(Pipeline, RunsEveryStepOnTinyCifarDataAndResumesToNothing) {
  test::TempDir dir;
  test::write_cifar10(dir.file("data"), 40, 60);
  Config probe;
  probe.ops_name = {OpKind::kSkip, OpKind::kSepConv3, OpKind::kDilConv3};
  probe.l_cfgs = {{8, 1}, {16, 2}};
  probe.stem_channels = 8;
  probe.head_channels = 32;
  probe.classes = 10;
  const LayerwiseSpace space(MacroShape::from_config(probe));
  const double budget =
      space.min_macs_m() + 0.5 * (space.cost(space.parse("111-111")).macs_m - space.min_macs_m());
  const std::string cfg = dir.write(
      "tiny.yml", "dataset: cifar10\nclasses: 10\ndataset_dir: " + dir.file("data") +
                      "\nlog_dir: " + dir.file("logs") +
                      "\ndevice: cpu\nnum_threads: 1\n"
                      "ops_name: [skip, sep_conv_3x3, dil_conv_3x3]\nl_cfgs: [[8, 1], [16, "
                      "2]]\nstem_channels: 8\n"
                      "head_channels: 32\nepochs: 1\nbatch_size: 50\nrepeats: 1\nprint_freq: 100\n"
                      "macs_budget: " +
                      format_number(budget) +
                      "\nsample_count: 3\n"
                      "search: {rounds: 1, per_round: 1, verify: 0, pick: evolved}\n"
                      "predictor: {hidden: 16, blocks: 2, epochs: 10, test_count: 0}\n"
                      "evolution: {generations: 10}\nlatency: {warmup: 0, repeats: 1}\n");
  const std::string run = dir.file("logs/runs/e2e");
  ASSERT_EQ(pipeline(cfg, "e2e", dir.file("first.log")), 0) << tail_of(dir.file("first.log"));

  for (const char* f : {"run.yml", "architecture.csv", "train_data.csv", "predictor.pt",
                        "evolution_architecture.csv", "random_search_architecture.csv",
                        "final_model.pt", "compare.csv", "compare.svg", "report.html",
                        "training_curves.svg", "evolution_progress.svg", "generate_config.yml",
                        "train.log", "train_predictor_summary.yml", "evolution_summary.yml"}) {
    EXPECT_TRUE(fs::exists(run + "/" + f)) << f;
  }
  EXPECT_EQ(read_csv(run + "/architecture.csv").rows.size(), 4u);  // 3 sampled + 1 refinement
  const CsvTable labels = read_csv(run + "/train_data.csv");
  ASSERT_EQ(labels.rows.size(), 4u);
  for (const auto& row : labels.rows) {
    const double label = std::stod(row[labels.column("mean")]);
    EXPECT_GE(label, 0.0);
    EXPECT_LE(label, 1.0);
  }
  const CsvTable evolved = read_csv(run + "/evolution_architecture.csv");
  EXPECT_LE(std::stod(evolved.rows[0][evolved.column("macs_m")]), budget);
  const YAML::Node final_summary = YAML::LoadFile(run + "/train_final_summary.yml");
  EXPECT_EQ(final_summary["mode"].as<std::string>(), "final");
  EXPECT_EQ(final_summary["arch"].as<std::string>(), evolved.rows[0][evolved.column("arch")]);
  int final_runs = 0;
  for (const auto& e : fs::directory_iterator(run)) {
    final_runs += e.is_directory() && e.path().filename().string().rfind("final_", 0) == 0;
  }
  EXPECT_EQ(final_runs, 1);
  EXPECT_TRUE(fs::exists(run + "/checkpoints")) << "the final model keeps its checkpoint";
  expect_links_exist(run);

  // Again: everything is complete, so no label is added and nothing is trained.
  const auto labelled_at = fs::last_write_time(run + "/train_data.csv");
  const auto model_at = fs::last_write_time(run + "/final_model.pt");
  ASSERT_EQ(pipeline(cfg, "e2e", dir.file("second.log")), 0) << tail_of(dir.file("second.log"));
  EXPECT_EQ(fs::last_write_time(run + "/train_data.csv"), labelled_at);
  EXPECT_EQ(fs::last_write_time(run + "/final_model.pt"), model_at);
  EXPECT_EQ(read_file(dir.file("second.log")).find("pipeline: train "), std::string::npos)
      << tail_of(dir.file("second.log"));

  // Another answer (search.pick best_labelled): only the final model is trained again, from
  // scratch, not from the previous answer's checkpoint.
  ASSERT_EQ(pipeline(cfg + "' --set 'search.pick=best_labelled", "e2e", dir.file("third.log")), 0)
      << tail_of(dir.file("third.log"));
  EXPECT_EQ(fs::last_write_time(run + "/train_data.csv"), labelled_at);
  const YAML::Node repicked = YAML::LoadFile(run + "/train_final_summary.yml");
  EXPECT_EQ(repicked["picked"].as<std::string>(), "best_labelled");
  std::string best_arch;
  double best_label = -1;
  for (const auto& row : labels.rows) {  // the first best label within the MACs budget
    if (std::stod(row[labels.column("macs_m")]) > budget) continue;
    if (std::stod(row[labels.column("mean")]) > best_label) {
      best_label = std::stod(row[labels.column("mean")]);
      best_arch = row[1];
    }
  }
  EXPECT_EQ(repicked["arch"].as<std::string>(), best_arch);
  EXPECT_NE(
      read_file(dir.file("first.log")).find("pipeline: train --load-architecture --train-data"),
      std::string::npos)
      << tail_of(dir.file("first.log"));

  // Labels of another measure (labels.measure train_loss) are named as such in the comparison and
  // the report, not shown as accuracies in percent. With common random numbers and an agreement
  // check the answer is trained from the check's seed and compared with its trainings pair by pair.
  // The answer picked by a race of the two best labels within the budget.
  ASSERT_EQ(pipeline(cfg + "' --set 'labels.measure=train_loss' --set 'labels.common_random_numbers=" +
                         "true' --set 'labels.agreement_check=3' --set 'search.pick=best_labelled" +
                         "' --set 'search.race=2",
                     "loss", dir.file("loss.log")),
            0)
      << tail_of(dir.file("loss.log"));
  const std::string loss_run = dir.file("logs/runs/loss");
  const std::string html = read_file(loss_run + "/report.html");
  EXPECT_NE(html.find("its retrained label (train_loss) equals or beats"), std::string::npos);
  EXPECT_NE(html.find("its predicted label (train_loss)"), std::string::npos);
  const std::string best_row = "draws): label (train_loss)</th><td>";
  const std::size_t at = html.find(best_row);
  ASSERT_NE(at, std::string::npos) << html;
  EXPECT_EQ(html.substr(at, html.find("</td>", at) - at).find('%'), std::string::npos);
  EXPECT_NE(read_file(dir.file("loss.log")).find("  label (train_loss) "), std::string::npos)
      << tail_of(dir.file("loss.log"));
  const CsvTable checks = read_csv(loss_run + "/label_agreement.csv");
  ASSERT_EQ(checks.rows.size(), 3u);
  const YAML::Node loss_final = YAML::LoadFile(loss_run + "/train_final_summary.yml");
  EXPECT_EQ(loss_final["training_seed"].as<std::string>(), checks.rows[0][checks.column("seed")]);
  EXPECT_NE(html.find("of the 3 agreement-check trainings of random samples, which share its seed"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("against the random samples within the budgets"), std::string::npos);
  const CsvTable compared = read_csv(loss_run + "/compare.csv");
  for (const auto& row : compared.rows) {  // what the report counts as within the budget
    EXPECT_EQ(row[compared.column("within_budgets")],
              std::stod(row[compared.column("macs_m")]) <= budget ? "true" : "false")
        << row[1];
  }
  EXPECT_EQ(loss_final["race_runners"].as<int>(), 2);
  const CsvTable race = read_csv(loss_run + "/race.csv");
  ASSERT_EQ(race.rows.size(), 2u);
  const std::size_t winner =
      std::stod(race.rows[1][race.column("mean")]) > std::stod(race.rows[0][race.column("mean")]);
  EXPECT_EQ(loss_final["arch"].as<std::string>(), race.rows[winner][0]);
  EXPECT_EQ(loss_final["race_mean"].as<std::string>(), race.rows[winner][race.column("mean")]);
  EXPECT_NE(html.find("picked by a race (search.race)"), std::string::npos);
  // The same two shares, machine-readable.
  const YAML::Node report = YAML::LoadFile(loss_run + "/evaluate_report_summary.yml");
  EXPECT_EQ(report["random_samples"].as<int>(), 3);
  EXPECT_EQ(report["paired_checks"].as<int>(), 3);
  EXPECT_EQ(report["seed_shift_pairs"].as<int>(), 3);  // the check's 3 trainings of samples
  EXPECT_NE(html.find("its seed's shift taken out"), std::string::npos);
  for (const char* key : {"answer_beats_random_samples", "answer_beats_paired_checks"}) {
    const double share = report[key].as<double>();
    EXPECT_GE(share, 0) << key;
    EXPECT_LE(share, 100) << key;
    EXPECT_NE(html.find("equals or beats " + format_fixed(share, 0) + " % of the 3"),
              std::string::npos)
        << key;
  }
}

// A generated NAS-Bench-201 table: every cell's accuracy a smooth function of its ops.
std::string write_benchmark_table(test::TempDir& dir) {
  const NasBench201Space space;
  std::vector<std::vector<std::string>> rows;
  for (int code = 0; code < 15625; ++code) {
    Architecture a;
    double acc = 50;
    for (int e = 0, c = code; e < 6; ++e, c /= 5) {
      a.genes.push_back(static_cast<std::uint8_t>(c % 5));
      acc += (c % 5) * (1 + 0.1 * e) - (c % 5 == 4 ? 3.5 : 0);
    }
    rows.push_back({space.format(a), format_fixed(acc, 4)});
  }
  return dir.write("table.csv", format_csv({"arch", "test_acc"}, rows));
}

TEST(Pipeline, BenchmarkModeOnAGeneratedTable) {
  test::TempDir dir;
  const std::string table = write_benchmark_table(dir);
  const std::string cfg =
      dir.write("nb.yml", "search_space: nasbench201\nbenchmark_table: " + table +
                              "\nmacs_budget: 0\nrepeats: 1\nlog_dir: " + dir.file("logs") +
                              "\nnum_threads: 1\nsample_count: 20\n"
                              "search: {rounds: 2, per_round: 5, verify: 3}\npredictor: {hidden: "
                              "16, blocks: 2, epochs: 20, test_count: 0}\n"
                              "evolution: {generations: 30}\n");
  const std::string run = dir.file("logs/runs/nb");
  ASSERT_EQ(pipeline(cfg, "nb", dir.file("log")), 0) << tail_of(dir.file("log"));
  const CsvTable labels = read_csv(run + "/train_data.csv");
  EXPECT_EQ(labels.rows.size(), 33u);  // 20 + 2 rounds x 5 + 3 verified
  std::set<std::string> distinct;
  for (const auto& r : labels.rows) distinct.insert(r[1]);
  EXPECT_EQ(distinct.size(), 33u);
  const YAML::Node final_summary = YAML::LoadFile(run + "/train_final_summary.yml");
  EXPECT_EQ(final_summary["mode"].as<std::string>(), "final_lookup");
  EXPECT_GE(final_summary["rank"].as<int>(), 1);
  EXPECT_GT(final_summary["true_accuracy"].as<double>(), 0.5);
  expect_links_exist(run);
}

}  // namespace
}  // namespace gnas

namespace gnas {
namespace {

// In process: every step runs once; the same call again finds every step up to date.
TEST(Pipeline, InProcessASecondRunSkipsEveryStep) {
  test::TempDir dir;
  const std::string table = write_benchmark_table(dir);
  const std::string cfg =
      dir.write("nb.yml", "search_space: nasbench201\nbenchmark_table: " + table +
                              "\nmacs_budget: 0\nrepeats: 1\nlog_dir: " + dir.file("logs") +
                              "\nnum_threads: 1\nsample_count: 12\n"
                              "search: {rounds: 1, per_round: 3, verify: 2}\npredictor: {hidden: "
                              "16, blocks: 2, epochs: 10, test_count: 0}\n"
                              "evolution: {generations: 10}\n");
  std::ostringstream first, second, third;
  const PipelineResult a = run_pipeline({cfg, {}, "inproc"}, first);
  EXPECT_EQ(a.ran(), a.steps.size()) << first.str();
  EXPECT_EQ(read_csv(a.run_dir + "/train_data.csv").rows.size(), 17u);  // 12 + 3 + 2 verified
  const CsvTable archs = read_csv(a.run_dir + "/architecture.csv");
  EXPECT_EQ(archs.rows.back()[archs.column("source")], "verify");
  EXPECT_TRUE(fs::exists(a.run_dir + "/run.yml"));
  const PipelineResult b = run_pipeline({cfg, {}, "inproc"}, second);
  EXPECT_EQ(b.steps.size(), a.steps.size());
  EXPECT_EQ(b.ran(), 0u) << second.str();
  // Another answer: only the final lookup, the comparison and the report run again.
  const PipelineResult c =
      run_pipeline({cfg, {"search.pick=evolved", "search.verify=0"}, "inproc"}, third);
  std::vector<std::string> ran;
  for (const auto& s : c.steps) {
    if (s.ran) ran.push_back(s.step + " " + s.flags);
  }
  ASSERT_EQ(ran.size(), 3u) << third.str();
  EXPECT_EQ(ran[0].rfind("train --load-architecture --arch-file", 0), 0u) << ran[0];
  EXPECT_EQ(ran[1], "evaluate --compare");
  EXPECT_EQ(ran[2], "evaluate --report");
  EXPECT_THROW(run_pipeline({cfg, {}, "a/b"}, third), UsageError);
}

}  // namespace
}  // namespace gnas
