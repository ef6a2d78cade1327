// `train --load-architecture`: the answer (a row of a file, or the best labelled architecture
// within the budgets) trained once more with a seed no label used and exported; in benchmark mode
// looked up in the table instead.

#include <algorithm>
#include <cstdio>
#include <optional>

#include "gnas/app/label_store.hpp"
#include "gnas/app/race.hpp"
#include "gnas/app/labeller.hpp"
#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/app/train.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/features.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/data/dataset.hpp"
#include "gnas/nn/export.hpp"
#include "gnas/nn/onnx_export.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/search/constraints.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/macro.hpp"
#include "gnas/train/device.hpp"
#include "gnas/train/trainer.hpp"

namespace gnas {

namespace {

// --best-labelled: the labelled architectures that meet the budgets (random samples, drawn with
// sampling.within_budget false, need not), the best label first. Throws DataError when none does.
std::vector<std::size_t> within_budgets_best_first(const Config& config, const SearchSpace& space,
                                                   const LabelledSet& labelled,
                                                   spdlog::logger& log) {
  const Constraints constraints{config.macs_budget, config.params_budget, config.latency_budget_ms};
  std::vector<std::size_t> within;
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    if (constraints.violation(space.cost(labelled.archs[i])).empty()) within.push_back(i);
  }
  if (within.empty()) {
    throw DataError(config.path_to_train_data + ": none of the " + std::to_string(labelled.size()) +
                    " labelled architectures meets the budgets (macs_budget " +
                    format_number(config.macs_budget) + ", params_budget " +
                    format_number(config.params_budget) + ", latency_budget_ms " +
                    format_number(config.latency_budget_ms) + "); --best-labelled has no answer");
  }
  std::stable_sort(within.begin(), within.end(), [&](std::size_t a, std::size_t b) {
    return labelled.labels[a] > labelled.labels[b];
  });
  log.info(
      "[train] the best labelled architecture within the budgets: {} (label {:.4f}; {} of {} "
      "labels within the budgets)",
      space.format(labelled.archs[within.front()]), labelled.labels[within.front()], within.size(),
      labelled.size());
  return within;
}

// What the summary of the answer says first, trained or looked up: how it was picked, its accuracy.
YAML::Node answer_values(const char* mode, const TrainFinalResult& result,
                         const std::string& picked) {
  YAML::Node values;
  values["mode"] = mode;
  values["arch"] = result.arch;
  values["picked"] = picked;
  values["best_top1"] = format_fixed(result.best_top1, 6);
  values["final_top1"] = format_fixed(result.final_top1, 6);
  values["label"] = format_fixed(result.label, 6);
  return values;
}

// Benchmark mode's final "training": the table's accuracy and its rank.
TrainFinalResult lookup_final(const Config& config, const SearchSpace& space,
                              const BenchmarkTable& table, const Architecture& arch,
                              const std::string& picked, const app::StepRecord& record,
                              Clock::time_point start, spdlog::logger& log) {
  TrainFinalResult result;
  result.arch = space.format(arch);
  const double percent = table.accuracy(arch, result.arch);
  result.best_top1 = result.final_top1 = result.true_accuracy = result.label = percent / 100.0;
  result.rank = table.rank(percent);
  result.percentile = table.percentile(percent);
  const Cost cost = space.cost(arch);
  result.macs_m = cost.macs_m;
  result.params = cost.params;
  result.seconds = seconds_since(start);
  log.info("[train] {}: true accuracy {:.4f} %, rank {} of {} (best {:.4f} %, percentile {:.2f})",
           result.arch, percent, result.rank, table.size(), table.best(), result.percentile);
  YAML::Node values = answer_values("final_lookup", result, picked);
  values["true_accuracy"] = format_fixed(result.true_accuracy, 6);
  values["rank"] = result.rank;
  values["percentile"] = format_fixed(result.percentile, 4);
  values["table_size"] = table.size();
  values["table_best"] = format_fixed(table.best() / 100.0, 6);
  values["benchmark_table"] = table.path();
  if (space.has_cost()) {
    values["macs_m"] = format_fixed(result.macs_m, 6);
    values["params"] = result.params;
  }
  app::write_summary(config, outputs_name(TrainMode::kFinal), values, result.seconds, record);
  return result;
}

// train_final_summary.yml of a training.
YAML::Node final_summary(const TrainFinalResult& result, const TrainResult& t,
                         const std::string& picked, const data::Splits& splits,
                         const std::string& device, const nn::FrozenExport& frozen,
                         const std::optional<nn::OnnxExport>& onnx,
                         const std::optional<RaceResult>& race) {
  YAML::Node values = answer_values("final", result, picked);
  if (race) {
    const RaceEntry& won = race->entries[race->winner];
    values["race_runners"] = static_cast<int>(race->entries.size());
    values["race_first_label"] = format_fixed(won.label, 6);  // the answer's label before the race
    values["race_label"] = format_fixed(won.race, 6);
    values["race_mean"] = format_fixed(won.mean, 6);
    values["race_best_label_arch"] = race->entries.front().arch;
    values["race_file"] = race->file;
  }
  values["final_top5"] = format_fixed(t.final_top5, 6);
  values["training_seed"] = std::to_string(result.seed);
  values["macs_m"] = format_fixed(result.macs_m, 6);
  values["params"] = result.params;
  values["images_per_second"] = format_fixed(result.images_per_second, 1);
  values["epochs"] = static_cast<int>(t.history.size());
  values["resumed_from"] = t.resumed_from;
  values["eval_split"] = splits.eval_is_validation ? "validation" : "test";
  values["device"] = device;
  values["model"] = result.model;
  values["frozen_model"] = result.frozen_model;
  values["frozen_check"] = "frozen TorchScript vs LibTorch on " +
                           std::to_string(frozen.check_batch) + " images: max |difference| " +
                           format_number(frozen.max_abs_difference) + ", " +
                           format_number(frozen.relative_difference) + " of the logits' scale";
  values["onnx_model"] = result.onnx_model;
  values["onnx_check"] =
      onnx ? "OpenCV DNN vs LibTorch on " + std::to_string(onnx->check_batch) +
                 " images: max |difference| " + format_number(onnx->max_abs_difference) + ", " +
                 format_number(onnx->relative_difference) + " of the logits' scale"
           : std::string("none: built without ONNX (cmake -DGNAS_ONNX=OFF)");
  values["peak_rss_mb"] = format_fixed(peak_rss_mb(), 1);
  return values;
}

}  // namespace

TrainFinalResult run_train_final(const Config& config, const TrainFinalOptions& options,
                                 spdlog::logger& log) {
  const auto start = Clock::now();
  const auto space_ptr = make_search_space(config);
  const std::string file =
      options.arch_file.empty() ? config.path_to_architecture : options.arch_file;
  std::vector<Architecture> archs;
  int index = options.index;
  std::optional<RaceResult> race;
  if (options.best_labelled) {
    const LabelledSet labelled =
        read_labelled(labelled_data_files(config.path_to_train_data), *space_ptr);
    archs = labelled.archs;
    std::vector<std::size_t> best = within_budgets_best_first(config, *space_ptr, labelled, log);
    index = static_cast<int>(best.front());
    // search.race: the best labels trained once more, the best mean answers (a lookup's labels
    // carry no noise to race against).
    if (config.search.race > 0 && best.size() < 2) {
      log.info("[train] search.race: one labelled architecture within the budgets, no race");
    } else if (config.search.race > 0) {
      const auto labeller = make_labeller(config, *space_ptr, options.resume, log);
      if (labeller->trains()) {
        best.resize(std::min(best.size(), static_cast<std::size_t>(config.search.race)));
        race = run_race(config, *space_ptr, labelled, best, *labeller, log);
        index = static_cast<int>(race->entries[race->winner].index);
      }
    }
  } else {
    archs = read_architectures(file, *space_ptr);
  }
  if (index < 0 || index >= static_cast<int>(archs.size())) {
    throw UsageError("--index (" + std::to_string(index) + "): " + file + " holds " +
                     std::to_string(archs.size()) + " architectures (0-based rows)");
  }
  const Architecture& arch = archs[static_cast<std::size_t>(index)];
  // How the architecture was chosen, for the summary (the pipeline checks it).
  const std::string picked =
      options.best_labelled ? "best_labelled" : "file " + file + " row " + std::to_string(index);
  // What the answer was chosen from: the pipeline skips the step while it is unchanged.
  app::StepRecord record;
  record.inputs =
      options.best_labelled ? labelled_data_files(config.path_to_train_data) : std::vector{file};
  if (const auto table = load_benchmark_table(config, *space_ptr, log)) {
    return lookup_final(config, *space_ptr, *table, arch, picked, record, start, log);
  }
  const SearchSpace& space = *space_ptr;
  const MacroShape& shape = require_macro_shape(space, "train");
  const torch::Device device = resolve_device(config);
  const data::Splits splits = data::load_splits(config);
  log.info("[data] {}", data::describe_splits(splits, config, describe_device(device)));
  TrainFinalResult result;
  result.arch = space.format(arch);
  log.info(
      "[train] final model: {} (row {} of {})", result.arch, index,
      options.best_labelled ? "the labelled architectures of " + config.path_to_train_data : file);
  nn::Network net(shape, arch);
  // One folder (checkpoint, epochs.csv) per final architecture: when the answer changes (another
  // round, another pick), a checkpoint of the previous one is never resumed into it.
  char tag[32];
  std::snprintf(tag, sizeof tag, "final_%016llx",
                static_cast<unsigned long long>(ArchitectureHash{}(arch)));
  // Never a label's seed, so the answer's accuracy is a fresh training, not its label again.
  const std::uint64_t seed = final_training_seed(config);
  TrainRunOptions run;
  run.run = tag;
  run.arch = result.arch;
  run.seed = seed;
  run.resume = options.resume;
  const TrainResult t = train_architecture(shape, arch, config, splits, device, run, log, &net);
  result.model = RunLayout(config).final_model();
  nn::export_torchscript(net, shape, arch, result.model);
  result.frozen_model = RunLayout(config).final_model_frozen();
  const nn::FrozenExport frozen =
      nn::export_frozen_torchscript(net, shape, arch, result.frozen_model, seed);
  // After the TorchScript file: a failed ONNX check never costs the trained model. A build
  // without ONNX (cmake -DGNAS_ONNX=OFF) keeps the TorchScript files only.
  std::optional<nn::OnnxExport> onnx;
  if (kHaveOnnx) {
    result.onnx_model = RunLayout(config).final_model_onnx();
    onnx = nn::export_onnx(net, shape, arch, result.arch, result.onnx_model, seed);
  } else {
    log.info("[train] no ONNX model: this gnas was built without ONNX (cmake -DGNAS_ONNX=OFF)");
  }
  const Cost cost = space.cost(arch);
  result.seed = seed;
  result.best_top1 = t.best_top1;
  result.final_top1 = t.final_top1;
  result.label = training_label(t, config.labels.measure);
  result.macs_m = cost.macs_m;
  result.params = cost.params;
  result.images_per_second = t.images_per_second;
  result.seconds = seconds_since(start);
  log.info("[train] {}: best top-1 {:.4f}, final top-1 {:.4f}; model {}", result.arch,
           result.best_top1, result.final_top1, result.model);
  record.outputs = {result.model, result.frozen_model};
  if (onnx) record.outputs.push_back(result.onnx_model);
  if (race) record.outputs.push_back(race->file);
  app::write_summary(
      config, outputs_name(TrainMode::kFinal),
      final_summary(result, t, picked, splits, describe_device(device), frozen, onnx, race),
      result.seconds, record);
  return result;
}

}  // namespace gnas
