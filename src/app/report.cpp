#include "gnas/app/report.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "gnas/app/label_agreement.hpp"
#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/app/train.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/version.hpp"

namespace gnas {

namespace {

namespace fs = std::filesystem;

std::string escape(const std::string& text) { return xml_escape(text); }

// A step's summary, or an empty node when the step has not run.
YAML::Node summary(const std::string& path) {
  return fs::exists(path) ? YAML::LoadFile(path) : YAML::Node();
}

std::string value(const YAML::Node& node, const std::string& key,
                  const std::string& missing = "—") {
  return node && node[key] && node[key].IsScalar() ? node[key].Scalar() : missing;
}

std::string percent(const std::string& fraction) {
  try {
    return format_fixed(100 * std::stod(fraction), 2) + " %";
  } catch (const std::exception&) {
    return fraction;
  }
}

// Every epochs.csv under log_dir as one chart of evaluation top-1 per epoch.
std::string training_curves(const std::string& dir) {
  Plot plot{"training curves: evaluation top-1 per epoch",
            "epoch",
            "top-1 (evaluation split)",
            {},
            false,
            640,
            420};
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename() == RunLayout::kEpochsFile)
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const CsvTable csv = read_csv(file.string());
    const std::size_t epoch = csv.column("epoch"), top1 = csv.column("eval_top1");
    const std::string run = fs::relative(file.parent_path(), dir).string();
    PlotSeries s{run.rfind("final", 0) == 0 ? "final model" : "", {}, {}, true};
    for (const auto& row : csv.rows) {
      s.x.push_back(parse_double(row[epoch], file.string() + ": epoch"));
      s.y.push_back(parse_double(row[top1], file.string() + ": eval_top1"));
    }
    plot.series.push_back(std::move(s));
  }
  if (plot.series.empty()) return "";
  return render_svg(plot);
}

std::string inline_svg(const std::string& dir, const std::string& path,
                       const std::string& caption) {
  if (!fs::exists(path)) return "";
  const std::string name = fs::relative(path, dir).string();
  std::string svg = read_file(path);
  const auto start = svg.find("<svg");
  if (start != std::string::npos) svg = svg.substr(start);
  return "<figure>" + svg + "<figcaption>" + escape(caption) + " (<a href=\"" + escape(name) +
         "\">" + escape(name) + "</a>)</figcaption></figure>\n";
}

std::string row(const std::string& key, const std::string& v) {
  return "<tr><th>" + escape(key) + "</th><td>" + escape(v) + "</td></tr>\n";
}

}  // namespace

std::vector<std::string> report_inputs(const Config& config) {
  const RunLayout layout(config);
  std::vector<std::string> inputs{layout.run_record(), layout.compare_csv()};
  for (const std::string& name :
       {outputs_name(GenerateMode::kSample), outputs_name(TrainMode::kLabels),
        std::string(kTrainPredictorName), outputs_name(EvolutionMode::kEvolution),
        outputs_name(EvolutionMode::kRandomSearch), outputs_name(TrainMode::kFinal)}) {
    inputs.push_back(layout.summary(name));
  }
  return inputs;
}

ReportResult run_report(const Config& config, spdlog::logger& log) {
  const auto start = Clock::now();
  const std::string dir = config.log_dir;
  const RunLayout layout(config);
  const YAML::Node run = summary(layout.run_record());
  const YAML::Node generate = summary(layout.summary(outputs_name(GenerateMode::kSample)));
  const YAML::Node predictor = summary(layout.summary(kTrainPredictorName));
  const YAML::Node evolution = summary(layout.summary(outputs_name(EvolutionMode::kEvolution)));
  const YAML::Node random = summary(layout.summary(outputs_name(EvolutionMode::kRandomSearch)));
  const YAML::Node train = summary(layout.summary(outputs_name(TrainMode::kFinal)));
  if (!generate && !predictor && !evolution && !train) {
    throw DataError(dir +
                    ": no step summaries here (generate_summary.yml, ...); run the pipeline first");
  }
  ReportResult result;
  result.output = layout.report();

  // Labels, and the comparison the page is about.
  std::size_t labels = 0;
  if (fs::exists(config.path_to_train_data))
    labels = read_csv(config.path_to_train_data).rows.size();
  // Labels of another measure than top-1 (labels.measure) are shown as they are, not as percents.
  const bool accuracy_labels = config.labels.measure == LabelMeasure::kBestTop1;
  const auto shown = [&](const std::string& label) {
    return accuracy_labels ? percent(label) : label;
  };
  const std::string label_name =
      accuracy_labels ? "accuracy" : "label (" + option_name(config.labels.measure) + ")";
  std::string best_sample = "—", best_sample_arch = "—", best_sample_macs = "—";
  std::string random_search = "—", best_refined = "—";
  std::vector<double> sampled_labels;          // every sampled architecture's label (fraction)
  std::vector<double> sampled_within;          // those of the samples within the budgets
  std::map<std::string, bool> sample_within;   // sampled architecture -> within the budgets
  std::map<std::string, double> sample_label;  // sampled architecture -> its label
  if (fs::exists(layout.compare_csv())) {
    const CsvTable compare = read_csv(layout.compare_csv());
    const std::size_t src = compare.column("source"), acc = compare.column("accuracy");
    // The compare step's verdict on the budgets (every budget, latency included); a file written
    // before that column: MACs and parameters.
    const auto within_column = compare.find_column("within_budgets");
    double best = -1, best_refined_value = -1;
    for (const auto& r : compare.rows) {
      const double macs = std::stod(r[compare.column("macs_m")]);
      const double params = std::stod(r[compare.column("params")]) / 1e6;
      const bool within = within_column
                              ? r[*within_column] == "true"
                              : (config.macs_budget <= 0 || macs <= config.macs_budget) &&
                                    (config.params_budget <= 0 || params <= config.params_budget);
      if (r[src] == "sampled") {
        sampled_labels.push_back(std::stod(r[acc]));
        if (within) sampled_within.push_back(std::stod(r[acc]));
        sample_within[r[compare.column("arch")]] = within;
        sample_label[r[compare.column("arch")]] = std::stod(r[acc]);
      }
      if (r[src] == "sampled" && within && std::stod(r[acc]) > best) {
        best = std::stod(r[acc]);
        best_sample = shown(r[acc]);
        best_sample_arch = r[compare.column("arch")];
        best_sample_macs = r[compare.column("macs_m")];
      }
      if (r[src] == "refined" && std::stod(r[acc]) > best_refined_value) {
        best_refined_value = std::stod(r[acc]);
        best_refined = shown(r[acc]) + ", " + r[compare.column("arch")];
      }
      if (r[src] == "random_search")
        random_search = shown(r[acc]) + " (" + r[compare.column("kind")] + ")";
    }
  }
  const bool benchmark = value(train, "mode") == "final_lookup";
  const std::string searched_accuracy =
      value(train, "mode").rfind("final", 0) == 0
          ? percent(value(train, "best_top1")) +
                (benchmark ? " (benchmark table, rank " + value(train, "rank") + ")"
                           : " (trained, " + value(train, "eval_split") + " split)")
          : "not trained yet";

  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gnas run " +
      escape(value(run, "name", dir)) +
      "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
      "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 10px;"
      "text-align:left;vertical-align:top}th{background:#f4f4f4;font-weight:normal;color:#555}"
      "figure{display:inline-block;margin:1em 1em 1em 0}figcaption{font-size:90%;color:#555}"
      "code{font-size:90%}</style></head><body>\n";
  html += "<h1>gnas run " + escape(value(run, "name", dir)) + "</h1>\n";
  html += "<p>Folder <code>" + escape(dir) + "</code>; config <code>" +
          escape(value(run, "config")) + "</code>; seed " +
          escape(value(run, "seed", std::to_string(config.seed))) + "; " +
          escape(value(run, "gnas", std::string(version()) + " (" + git_hash() + ")")) +
          "; started " + escape(value(run, "started")) + ".</p>\n";

  html += "<h2>Key numbers</h2>\n<table>\n";
  html += row("labelled architectures (label budget)", std::to_string(labels));
  html += row(
      "search space",
      config.search_space +
          (config.benchmark_table.empty() ? "" : ", benchmark table " + config.benchmark_table));
  html +=
      row("refinement rounds",
          std::to_string(config.search.rounds) + " x " + std::to_string(config.search.per_round) +
              ", then " + std::to_string(config.search.verify) + " verified (search.verify)");
  html += row("predictor", value(predictor, "variant") + " " + value(predictor, "type") +
                               ", trained on " + value(predictor, "n_train") + " labels");
  html += row("predictor Kendall tau / precision@5 / @10 (test split)",
              predictor && predictor["kendall_tau"]
                  ? value(predictor, "kendall_tau") + " / " + value(predictor, "precision_at_5") +
                        " / " + value(predictor, "precision_at_10") + " on " +
                        value(predictor, "n_test") + " held-out labels" +
                        (predictor["kendall_tau_mean"]
                             ? "; Kendall tau over " + value(predictor, "test_repeats") +
                                   " random splits (predictor.test_repeats) " +
                                   value(predictor, "kendall_tau_mean") + " +- " +
                                   value(predictor, "kendall_tau_sd")
                             : std::string())
                  : "no test split (predictor.test_count 0): every label trained the predictor");
  const std::optional<LabelAgreement> agreement = measure_label_agreement(config);
  html += row("label agreement: Kendall tau between two trainings of the same architectures",
              agreement ? format_fixed(agreement->kendall_tau, 3) + " over " +
                              std::to_string(agreement->n) + " architectures (" + agreement->from +
                              "), median |difference| " +
                              format_fixed(100 * agreement->median_spread, 2) +
                              " points. A predictor cannot rank better than its labels agree."
                        : "not measured (repeats >= 2 or labels.agreement_check K measure it)");
  const bool final_run = value(train, "mode").rfind("final", 0) == 0;
  html += row("the answer (search.pick " + option_name(config.search.pick) + ")",
              final_run ? value(train, "arch") : "not trained yet");
  html += row("  its accuracy", searched_accuracy);
  if (final_run && !benchmark && !sampled_labels.empty()) {
    // Its training measured as its labels are (labels.measure; summaries before the `label` key:
    // best_top1, the only measure then).
    const double answer = std::stod(value(train, "label", value(train, "best_top1")));
    // The share (%) of `others` the answer (or `value`) equals or beats.
    const auto share_beaten = [&](const std::vector<double>& others,
                                  std::optional<double> value = std::nullopt) {
      const double a = value.value_or(answer);
      const auto beaten =
          std::count_if(others.begin(), others.end(), [&](double v) { return v <= a; });
      return 100.0 * static_cast<double>(beaten) / static_cast<double>(others.size());
    };
    const auto beats_text = [](double share, std::size_t n) {
      return "equals or beats " + format_fixed(share, 0) + " % of the " + std::to_string(n);
    };
    // Random sampling under the same budgets is the baseline the search has to beat: the
    // samples within the budgets first, then all of them (larger networks among them).
    if (!sampled_within.empty()) {
      result.beats_random_samples_within = share_beaten(sampled_within);
      result.random_samples_within = sampled_within.size();
    }
    html += row(
        "  against the random samples within the budgets",
        sampled_within.empty()
            ? "none of the random samples meets the budgets"
            : "its retrained " + label_name + " " +
                  beats_text(*result.beats_random_samples_within, result.random_samples_within) +
                  " random samples within the budgets (what random sampling under the "
                  "same budgets finds; a fresh training, so label noise counts against "
                  "it)");
    result.beats_random_samples = share_beaten(sampled_labels);
    result.random_samples = sampled_labels.size();
    html += row("  against every random sample",
                "its retrained " + label_name + " " +
                    beats_text(*result.beats_random_samples, result.random_samples) +
                    " random samples' labels, those over the budgets included");
    // The agreement check's trainings of random samples from the answer's own seed (common
    // random numbers, final_training_seed): the same seed's shift counts for all alike.
    std::vector<double> paired, paired_within;
    std::vector<double> shifts;  // each paired training's label minus its architecture's label
    const std::string seed = value(train, "training_seed", "");
    for (const auto& t : agreement_check_trainings(config)) {
      if (t.seed != seed) continue;
      paired.push_back(t.label);
      const auto within = sample_within.find(t.arch);
      if (within != sample_within.end() && within->second) paired_within.push_back(t.label);
      const auto label = sample_label.find(t.arch);
      if (label != sample_label.end()) shifts.push_back(t.label - label->second);
    }
    if (paired.size() >= 3) {
      result.beats_paired_checks = share_beaten(paired);
      result.paired_checks = paired.size();
      std::string within_text;
      if (!paired_within.empty()) {
        result.beats_paired_checks_within = share_beaten(paired_within);
        result.paired_checks_within = paired_within.size();
        within_text = "; " +
                      beats_text(*result.beats_paired_checks_within, result.paired_checks_within) +
                      " of them within the budgets";
      }
      html += row("  against the same random samples trained from its seed",
                  "its " + label_name + " " +
                      beats_text(*result.beats_paired_checks, result.paired_checks) +
                      " agreement-check trainings of random samples, which share its seed" +
                      within_text +
                      " (common random numbers: a comparison pair by pair, no seed's shift "
                      "between them)");
    }
    // The answer's seed trains every architecture a little better or worse than the labels' seeds
    // did (common random numbers: a shift they all share). The check's pairs measure it; the
    // answer less that shift is comparable with every random sample's label.
    if (shifts.size() >= 3) {
      result.seed_shift = mean(shifts);
      result.seed_shift_se = sample_sd(shifts) / std::sqrt(static_cast<double>(shifts.size()));
      result.seed_shift_pairs = shifts.size();
      const double corrected = answer - *result.seed_shift;
      result.beats_random_samples_seed_corrected = share_beaten(sampled_labels, corrected);
      std::string within_text;
      if (!sampled_within.empty()) {
        result.beats_random_samples_within_seed_corrected = share_beaten(sampled_within, corrected);
        within_text =
            beats_text(*result.beats_random_samples_within_seed_corrected, sampled_within.size()) +
            " random samples within the budgets and ";
      }
      html += row("  against the random samples, its seed's shift taken out",
                  "its seed trains the " + std::to_string(shifts.size()) +
                      " agreement-check architectures " + (*result.seed_shift >= 0 ? "+" : "") +
                      format_fixed(*result.seed_shift, 4) + " (+- " +
                      format_fixed(result.seed_shift_se, 4) +
                      ", standard error) from their labels on average; its retrained " +
                      label_name + " less that, " + format_fixed(corrected, 4) + ", " +
                      within_text + format_fixed(*result.beats_random_samples_seed_corrected, 0) +
                      " % of all " + std::to_string(sampled_labels.size()) +
                      " (the comparisons above count a lucky or unlucky seed for or against it)");
    }
    if (train && train["race_runners"]) {
      const bool changed = value(train, "race_best_label_arch") != value(train, "arch");
      html += row(
          "  picked by a race (search.race)",
          "the " + value(train, "race_runners") +
              " best labels within the budgets trained once more from one seed; the "
              "answer's label " +
              shown(value(train, "race_first_label")) + ", its race training " +
              shown(value(train, "race_label")) + ", mean " + shown(value(train, "race_mean")) +
              (changed
                   ? "; the race overturned the best label, " + value(train, "race_best_label_arch")
                   : "; the best label also won the race") +
              " (<code>race.csv</code>)");
    }
  }
  html +=
      row("  its MACs (M) / parameters", value(train, "macs_m") + " / " + value(train, "params"));
  html += row("evolved architecture (best predicted)", value(evolution, "best_arch"));
  html += row("  its MACs (M) / parameters",
              value(evolution, "best_macs_m") + " / " + value(evolution, "best_params") +
                  (evolution && evolution["best_latency_ms"]
                       ? " / " + value(evolution, "best_latency_ms") + " ms (latency table)"
                       : ""));
  html += row("  its predicted " + label_name, value(evolution, "best_predicted"));
  html += row("best random sample within budget (first sample_count draws): " + label_name,
              best_sample + ", " + best_sample_arch + ", " + best_sample_macs + " M MACs");
  html += row("best label of the refinement rounds", best_refined);
  if (!accuracy_labels)
    html += row("  labels", "labels.measure " + option_name(config.labels.measure) +
                                ": the labels, predictions and the comparison with the random "
                                "samples are in its units, the answer's accuracy above is top-1");
  html += row("random-search baseline's pick", random_search);
  html += row("budgets", "macs_budget " + format_number(config.macs_budget) + " M, params_budget " +
                             format_number(config.params_budget) + " M, latency_budget_ms " +
                             format_number(config.latency_budget_ms));
  html += "</table>\n";

  const std::string curves = training_curves(dir);
  if (!curves.empty()) write_file_atomic(layout.training_curves_svg(), curves);
  html += "<h2>Plots</h2>\n";
  std::string figures;
  const auto evolution_file = [&](std::string_view file) {
    return layout.search_file(kEvolutionPrefix, file);
  };
  figures +=
      inline_svg(dir, layout.compare_svg(), "sampled, random-search and evolved architectures");
  figures += inline_svg(dir, layout.predictor_scatter_svg(),
                        "predictor: predicted vs true on the test split");
  figures += inline_svg(dir, evolution_file(search_files::kProgressSvg),
                        "evolution: best predicted accuracy per generation");
  figures += inline_svg(dir, evolution_file(search_files::kExploredSvg),
                        "evolution: every architecture scored");
  figures +=
      inline_svg(dir, evolution_file(search_files::kParetoSvg), "Pareto front, accuracy vs MACs");
  figures += inline_svg(dir, evolution_file(search_files::kParetoLatencySvg),
                        "Pareto front, accuracy vs latency");
  figures += inline_svg(dir, layout.training_curves_svg(),
                        "training curves of every architecture trained");
  html += figures.empty() ? "<p>No plots yet.</p>\n" : figures;

  html += "<h2>Files</h2>\n<ul>\n";
  // Checkpoints are the trainer's, not results.
  const fs::path checkpoints = fs::weakly_canonical(config.write_dir);
  const auto inside = [](const fs::path& file, const fs::path& folder) {
    const fs::path rel = fs::weakly_canonical(file).lexically_relative(folder);
    return !rel.empty() && *rel.begin() != "..";
  };
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), dir).string();
    if (inside(entry.path(), checkpoints) ||
        fs::weakly_canonical(entry.path()) == fs::weakly_canonical(result.output) ||
        rel.find(".tmp") != std::string::npos)
      continue;
    files.push_back(rel);
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files)
    html += "<li><a href=\"" + escape(f) + "\">" + escape(f) + "</a></li>\n";
  html += "</ul>\n</body></html>\n";
  result.linked = files;
  write_file_atomic(result.output, html);
  result.seconds = seconds_since(start);
  log.info("[report] wrote {} ({} files linked)", result.output, files.size());
  YAML::Node values;
  values["mode"] = "report";
  values["output"] = result.output;
  values["linked"] = static_cast<int>(files.size());
  if (result.beats_random_samples) {
    values["answer_beats_random_samples"] = format_fixed(*result.beats_random_samples, 1);
    values["random_samples"] = static_cast<int>(result.random_samples);
  }
  if (result.beats_paired_checks) {
    values["answer_beats_paired_checks"] = format_fixed(*result.beats_paired_checks, 1);
    values["paired_checks"] = static_cast<int>(result.paired_checks);
  }
  if (result.beats_random_samples_within) {
    values["answer_beats_random_samples_within_budgets"] =
        format_fixed(*result.beats_random_samples_within, 1);
    values["random_samples_within_budgets"] = static_cast<int>(result.random_samples_within);
  }
  if (result.beats_paired_checks_within) {
    values["answer_beats_paired_checks_within_budgets"] =
        format_fixed(*result.beats_paired_checks_within, 1);
    values["paired_checks_within_budgets"] = static_cast<int>(result.paired_checks_within);
  }
  if (result.seed_shift) {
    values["seed_shift"] = format_fixed(*result.seed_shift, 6);
    values["seed_shift_se"] = format_fixed(result.seed_shift_se, 6);
    values["seed_shift_pairs"] = static_cast<int>(result.seed_shift_pairs);
    values["answer_beats_random_samples_seed_corrected"] =
        format_fixed(*result.beats_random_samples_seed_corrected, 1);
    if (result.beats_random_samples_within_seed_corrected)
      values["answer_beats_random_samples_within_budgets_seed_corrected"] =
          format_fixed(*result.beats_random_samples_within_seed_corrected, 1);
  }
  app::write_summary(config, outputs_name(EvaluateMode::kReport), values, result.seconds,
                     {report_inputs(config), {result.output}});
  return result;
}

}  // namespace gnas
