#include "gnas/app/compare.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/benchmark/table.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/search/constraints.hpp"
#include "gnas/space/arch_io.hpp"

namespace gnas {

namespace {

// The searched architecture of a step's CSV (first row: arch, predicted).
std::optional<std::pair<Architecture, double>> searched(const std::string& path,
                                                        const SearchSpace& space, bool required) {
  if (!std::filesystem::exists(path)) {
    if (required) throw DataError(path + ": no searched architecture (run evolution first)");
    return std::nullopt;
  }
  const CsvTable csv = read_csv(path);
  if (csv.rows.empty()) throw DataError(path + ": no architecture (header only)");
  const std::string where = path + ":" + std::to_string(csv.lines[0]);
  Architecture arch;
  try {
    arch = space.parse(trim(csv.rows[0][csv.column("arch")]));
  } catch (const DataError& e) {
    throw DataError(where + ": " + e.what());
  }
  return std::make_pair(arch,
                        parse_double(csv.rows[0][csv.column("predicted")], where + ": predicted"));
}

}  // namespace

std::vector<std::string> compare_inputs(const Config& config) {
  const RunLayout layout(config);
  std::vector<std::string> inputs{
      config.path_to_architecture, config.path_to_evolution_architecture,
      layout.random_search_architecture(), layout.summary(outputs_name(TrainMode::kFinal))};
  for (const auto& file : labelled_data_files(config.path_to_train_data)) inputs.push_back(file);
  if (!config.benchmark_table.empty()) inputs.push_back(config.benchmark_table);
  return inputs;
}

CompareResult run_compare(const Config& config, spdlog::logger& log, std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const LabelledSet data = read_labelled(labelled_data_files(config.path_to_train_data), *space);
  std::map<Architecture, double> truth;
  for (std::size_t i = 0; i < data.size(); ++i) truth[data.archs[i]] = data.labels[i];
  std::optional<BenchmarkTable> table;
  if (!config.benchmark_table.empty()) table = BenchmarkTable::load(config.benchmark_table, *space);
  // A final training of an architecture gives its true accuracy too.
  const std::string final_summary = RunLayout(config).summary(outputs_name(TrainMode::kFinal));
  std::optional<std::pair<std::string, double>> trained;
  if (std::filesystem::exists(final_summary)) {
    const YAML::Node s = YAML::LoadFile(final_summary);
    if (s["arch"] && s["best_top1"]) {
      trained = std::make_pair(s["arch"].as<std::string>(), s["best_top1"].as<double>());
    }
  }
  const Constraints constraints{config.macs_budget, config.params_budget, config.latency_budget_ms};
  const auto entry = [&](const std::string& source, const Architecture& arch, double predicted) {
    CompareEntry e;
    e.source = source;
    e.arch = space->format(arch);
    const Cost cost = space->cost(arch);
    e.macs_m = cost.macs_m;
    e.params = cost.params;
    e.within_budgets = constraints.violation(cost).empty();
    e.accuracy = predicted;
    if (const auto it = truth.find(arch); it != truth.end()) {
      e.accuracy = it->second;
      e.true_accuracy = true;
    } else if (table && table->contains(arch)) {
      e.accuracy = table->accuracy(arch, e.arch) / 100.0;
      e.true_accuracy = true;
    } else if (trained && trained->first == e.arch) {
      e.accuracy = trained->second;
      e.true_accuracy = true;
    }
    return e;
  };
  // The random draws are the architectures whose source (path_to_architecture's column) is
  // `sampled`; labelled ones of other sources came from refinement rounds.
  std::set<Architecture> drawn;
  if (std::filesystem::exists(config.path_to_architecture)) {
    const auto archs = read_architectures(config.path_to_architecture, *space);
    const auto sources = read_architecture_sources(config.path_to_architecture,
                                                   static_cast<std::size_t>(config.sample_count));
    for (std::size_t i = 0; i < archs.size(); ++i) {
      if (sources.at(i) == "sampled") drawn.insert(archs[i]);
    }
  }
  CompareResult result;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const bool refined = !drawn.empty() && drawn.count(data.archs[i]) == 0;
    result.entries.push_back(entry(refined ? "refined" : "sampled", data.archs[i], data.labels[i]));
  }
  if (const auto r = searched(RunLayout(config).random_search_architecture(), *space, false)) {
    result.entries.push_back(entry("random_search", r->first, r->second));
  }
  const auto evolved = searched(config.path_to_evolution_architecture, *space, true);
  result.entries.push_back(entry("evolution", evolved->first, evolved->second));

  // The best sample that meets the budgets: what the search has to beat.
  const CompareEntry* best_sample = nullptr;
  for (const auto& e : result.entries) {
    if (e.source != "sampled" || !e.within_budgets) continue;
    if (best_sample == nullptr || e.accuracy > best_sample->accuracy) best_sample = &e;
  }
  const bool costed = space->has_cost();
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : result.entries) {
    rows.push_back({e.source, e.arch, format_fixed(e.macs_m, 6), std::to_string(e.params),
                    format_fixed(e.accuracy, 6), e.true_accuracy ? "true" : "predicted",
                    e.within_budgets ? "true" : "false"});
  }
  result.csv = RunLayout(config).compare_csv();
  write_file_atomic(result.csv, format_csv({"source", "arch", "macs_m", "params", "accuracy",
                                            "kind", "within_budgets"},
                                           rows));

  // A space without a cost model is plotted against the samples' accuracy rank instead of MACs.
  // Labels of another measure than top-1 (labels.measure) are named as labels, not accuracies.
  const std::string what = config.labels.measure == LabelMeasure::kBestTop1
                               ? std::string("accuracy")
                               : "label (" + option_name(config.labels.measure) + ")";
  Plot plot{"sampled, random-search and evolved architectures",
            costed ? "MACs (millions)" : "sample, by " + what,
            what + " (true, or predicted where marked)",
            {},
            false,
            640,
            480};
  PlotSeries samples{"random samples (true)", {}, {}, false};
  PlotSeries refined{"refinement rounds (true)", {}, {}, false};
  std::vector<const CompareEntry*> sorted;
  for (const auto& e : result.entries) {
    if (e.source == "sampled") sorted.push_back(&e);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](auto* a, auto* b) { return a->accuracy < b->accuracy; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    samples.x.push_back(costed ? sorted[i]->macs_m : static_cast<double>(i));
    samples.y.push_back(sorted[i]->accuracy);
  }
  for (const auto& e : result.entries) {
    if (e.source != "refined") continue;
    refined.x.push_back(costed ? e.macs_m : static_cast<double>(sorted.size()) + 0.5);
    refined.y.push_back(e.accuracy);
  }
  plot.series.push_back(samples);
  if (!refined.x.empty()) plot.series.push_back(refined);
  const double right = static_cast<double>(sorted.size());
  if (best_sample != nullptr) {
    plot.series.push_back({"best sample within budget",
                           {costed ? best_sample->macs_m : right - 1},
                           {best_sample->accuracy},
                           false,
                           7});
  }
  for (const auto& e : result.entries) {
    if (e.source == "sampled" || e.source == "refined") continue;
    plot.series.push_back({(e.source == "evolution" ? "evolved (" : "random search (") +
                               std::string(e.true_accuracy ? "true" : "predicted") + ")",
                           {costed ? e.macs_m : right},
                           {e.accuracy},
                           false,
                           7});
  }
  result.plot = RunLayout(config).compare_svg();
  write_file_atomic(result.plot, render_svg(plot));

  char line[400];
  const auto print = [&](const char* name, const CompareEntry& e) {
    std::snprintf(line, sizeof line, "%-28s %s  %s %.4f (%s)  %.3f M MACs  %lld params\n",
                  name, e.arch.c_str(), what.c_str(), e.accuracy,
                  e.true_accuracy ? "true" : "predicted",
                  e.macs_m, static_cast<long long>(e.params));
    out << line;
  };
  if (best_sample != nullptr) print("best sample within budget", *best_sample);
  const CompareEntry* best_refined = nullptr;
  for (const auto& e : result.entries) {
    if (e.source == "refined" && (best_refined == nullptr || e.accuracy > best_refined->accuracy))
      best_refined = &e;
  }
  if (best_refined != nullptr) print("best refinement label", *best_refined);
  for (const auto& e : result.entries) {
    if (e.source == "random_search" || e.source == "evolution") {
      print(e.source == "evolution" ? "evolved" : "random search", e);
    }
  }
  result.seconds = seconds_since(start);
  log.info("[compare] wrote {} and {}", result.csv, result.plot);
  YAML::Node values;
  values["mode"] = "compare";
  values["samples"] = static_cast<int>(data.size());
  if (best_sample != nullptr) {
    values["best_sample_arch"] = best_sample->arch;
    values["best_sample_accuracy"] = format_fixed(best_sample->accuracy, 6);
    values["best_sample_macs_m"] = format_fixed(best_sample->macs_m, 6);
  }
  if (best_refined != nullptr) {
    values["best_refined_arch"] = best_refined->arch;
    values["best_refined_accuracy"] = format_fixed(best_refined->accuracy, 6);
  }
  for (const auto& e : result.entries) {
    if (e.source == "sampled" || e.source == "refined") continue;
    values[e.source + "_arch"] = e.arch;
    values[e.source + "_accuracy"] = format_fixed(e.accuracy, 6);
    values[e.source + "_accuracy_kind"] = e.true_accuracy ? "true" : "predicted";
    values[e.source + "_macs_m"] = format_fixed(e.macs_m, 6);
  }
  values["output"] = result.csv;
  values["plot"] = result.plot;
  app::write_summary(config, outputs_name(EvaluateMode::kCompare), values, result.seconds,
                     {compare_inputs(config), {result.csv, result.plot}});
  return result;
}

}  // namespace gnas
