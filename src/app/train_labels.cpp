// `train --train-data`: every architecture of path_to_architecture (of this shard) labelled by
// the Labeller into the LabelStore, then the agreement check, then the summary.

#include <spdlog/logger.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "gnas/app/label_agreement.hpp"
#include "gnas/app/label_store.hpp"
#include "gnas/app/labeller.hpp"
#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/app/train.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/parallel.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/train/device.hpp"

namespace gnas {

namespace {

YAML::Node labels_summary(const Config& config, const TrainDataOptions& options,
                          const TrainDataResult& result, const LabelStore& store,
                          const Labeller& labeller, spdlog::logger& log) {
  YAML::Node values;
  labeller.describe(values);
  values["output"] = result.output;
  values["shard"] = std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count);
  values["trained"] = result.trained;
  values["skipped"] = result.skipped;
  values["failed"] = result.failed;
  values["labelled"] = static_cast<int>(store.rows().size());
  values["peak_rss_mb"] = format_fixed(result.peak_rss_mb, 1);
  if (const auto agreement = measure_label_agreement(config)) {
    values["label_agreement_tau"] = format_fixed(agreement->kendall_tau, 4);
    values["label_agreement_spearman"] = format_fixed(agreement->spearman, 4);
    values["label_agreement_n"] = static_cast<int>(agreement->n);
    values["label_agreement_from"] = agreement->from;
    values["label_spread_median"] = format_fixed(agreement->median_spread, 4);
    log.info(
        "[train] label agreement ({}, {} architectures): Kendall tau {:.3f}, median |difference| "
        "{:.2f} points; a predictor cannot rank better than the labels agree",
        agreement->from, agreement->n, agreement->kendall_tau, 100 * agreement->median_spread);
  }
  return values;
}

}  // namespace

std::size_t count_unlabelled(const Config& config, const Shard& shard) {
  const auto space = make_search_space(config);
  const auto archs = read_architectures(config.path_to_architecture, *space);
  const LabelStore store(config, shard);
  std::size_t missing = 0;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(shard.count)) != shard.index) continue;
    missing += !store.done(space->format(archs[i]));
  }
  return missing;
}

TrainDataResult run_train_data(const Config& config, const TrainDataOptions& options,
                               spdlog::logger& log) {
  const auto start = Clock::now();
  const auto space_ptr = make_search_space(config);
  const SearchSpace& space = *space_ptr;
  const std::unique_ptr<Labeller> labeller = make_labeller(config, space, options.resume, log);
  const auto archs = read_architectures(config.path_to_architecture, space);
  const std::vector<std::string> sources = read_architecture_sources(
      config.path_to_architecture, static_cast<std::size_t>(config.sample_count));
  LabelStore store(config, options.shard);
  TrainDataResult result;
  result.output = store.path();

  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(options.shard.count)) != options.shard.index)
      continue;
    if (store.done(space.format(archs[i]))) {
      ++result.skipped;
      continue;
    }
    todo.push_back(i);
  }
  log.info("[train] {} architectures in {}; shard {}/{}: {} to label{}, {} already done",
           archs.size(), config.path_to_architecture, options.shard.index, options.shard.count,
           todo.size(), labeller->trains() ? "" : " from the benchmark table", result.skipped);
  // Each architecture is trained by one slot of the labeller (trainings_per_device on each of
  // ngpu devices); what they share (the store, the counts, the log's order) goes under `record`.
  std::mutex record;
  std::size_t finished = 0;
  const int slots = std::min<int>(labeller->slots(), static_cast<int>(todo.size()));
  if (slots > 1) {
    // The most MACs first: the trainings left for the end are the short ones, so no slot idles
    // long while the last one trains (the labels do not depend on the order).
    std::vector<double> macs(archs.size());
    for (const std::size_t id : todo) macs[id] = space.cost(archs[id]).macs_m;
    std::stable_sort(todo.begin(), todo.end(),
                     [&](std::size_t a, std::size_t b) { return macs[a] > macs[b]; });
    log.info("[train] {} trainings at once, the most MACs first", slots);
  }
  for_each_concurrently(todo.size(), slots, [&](std::size_t n, int slot) {
    const std::size_t id = todo[n];
    std::size_t labelled = 0;
    {
      const std::lock_guard<std::mutex> lock(record);
      labelled = store.rows().size();
    }
    throw_if_stop_requested("before architecture " + std::to_string(id) + " (" +
                            std::to_string(labelled) + " labels are in " + result.output + ")");
    const Architecture& arch = archs[id];
    const std::string text = space.format(arch);
    const auto arch_start = Clock::now();
    LabelStore::Row row{std::to_string(id), text};
    double sum = 0;
    for (int r = 0; r < config.repeats; ++r) {
      const std::uint64_t seed = label_seed(config, id, r);
      const std::string run = "train/arch" + std::to_string(id) + "_r" + std::to_string(r + 1);
      try {
        const double top1 = labeller->label(arch, text, run, seed, slot);
        row.push_back(format_fixed(top1, 6));
        sum += top1;
      } catch (const TrainingDiverged& e) {
        const std::lock_guard<std::mutex> lock(record);
        log.error("[train] {}", e.what());
        store.add_failure(id, text, r + 1, seed, e.what());
        ++result.failed;
        ++finished;
        return;
      }
    }
    const Cost cost = space.cost(arch);
    const double mean = sum / config.repeats;
    const double seconds = seconds_since(arch_start);
    for (const std::string& v :
         {format_fixed(mean, 6), format_fixed(cost.macs_m, 6), std::to_string(cost.params),
          format_fixed(seconds, 2), std::to_string(label_seed(config, id, 0)), sources.at(id)}) {
      row.push_back(v);
    }
    const std::lock_guard<std::mutex> lock(record);
    store.add_label(std::move(row));
    ++result.trained;
    ++finished;
    if (!labeller->trains()) return;
    release_free_memory();
    log.info("[train] {}/{} arch {} ({}): label {:.4f}, {:.1f} s, peak RSS {:.0f} MB", finished,
             todo.size(), id, text, mean, seconds, peak_rss_mb());
  });
  if (config.labels.agreement_check > 0 && labeller->trains()) {
    run_agreement_check(config, space, archs, store, options.shard, *labeller, log);
  }
  result.seconds = seconds_since(start);
  result.peak_rss_mb = peak_rss_mb();
  app::write_summary(config, outputs_name(TrainMode::kLabels) + options.shard.suffix(),
                     labels_summary(config, options, result, store, *labeller, log), result.seconds,
                     {{config.path_to_architecture}, {result.output}});
  return result;
}

}  // namespace gnas
