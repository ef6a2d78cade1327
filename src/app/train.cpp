#include "gnas/app/train.hpp"

#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/benchmark/table.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/data/dataset.hpp"
#include "gnas/nn/export.hpp"
#include "gnas/nn/onnx_export.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/search/evolution.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/train/device.hpp"
#include "gnas/train/trainer.hpp"
#include "gnas/common/stop.hpp"

namespace gnas {

namespace {

namespace fs = std::filesystem;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Between architectures: hands the heap's free pages back to the system, so that the process's
// memory follows the network in training (docs/benchmarks.md, memory).
void release_free_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

const LayerwiseSpace& layerwise(const SearchSpace& space) {
  const auto* l = dynamic_cast<const LayerwiseSpace*>(&space);
  if (l == nullptr) {
    throw ConfigError("search_space (" + space.name() + "): train builds networks of the layerwise "
                      "space only");
  }
  return *l;
}

std::vector<std::string> train_data_header(int repeats) {
  std::vector<std::string> header{"id", "arch"};
  for (int r = 1; r <= repeats; ++r) header.push_back("top1_" + std::to_string(r));
  for (const char* c : {"mean", "macs_m", "params", "seconds", "seed", "source"}) header.emplace_back(c);
  return header;
}

// The seed of repeat `r` (0-based) of architecture `id`: its own, or with
// labels.common_random_numbers the repeat's seed shared by every architecture.
std::uint64_t label_seed(const Config& config, std::size_t id, int r) {
  return derive_seed(config.seed, SeedPurpose::kLabelTraining,
                     config.labels.common_random_numbers ? 0 : id, static_cast<std::uint64_t>(r));
}

// The rows of an existing file with this run's columns; none when there is no file. A file
// written before the `source` column gets it, as `unrecorded`.
std::vector<std::vector<std::string>> existing_rows(const std::string& path,
                                                    const std::vector<std::string>& header) {
  if (!fs::exists(path)) return {};
  CsvTable table = read_csv(path);
  if (table.header.size() + 1 == header.size() &&
      std::equal(table.header.begin(), table.header.end(), header.begin())) {
    for (auto& row : table.rows) row.emplace_back("unrecorded");
    return table.rows;
  }
  if (table.header != header) {
    std::string have, want;
    for (const auto& h : table.header) have += (have.empty() ? "" : ",") + h;
    for (const auto& h : header) want += (want.empty() ? "" : ",") + h;
    throw DataError(path + ": has the columns " + have + " but this run writes " + want +
                    " (did `repeats` change?); move the file away or restore the setting");
  }
  return table.rows;
}

// Trains architecture `arch` once; the caller seeds nothing.
TrainResult train_once(const Config& config, const LayerwiseSpace& space, const Architecture& arch,
                       const data::Splits& splits, torch::Device device, const std::string& run,
                       std::uint64_t seed, bool resume, bool keep_checkpoint, spdlog::logger& log,
                       nn::Network* trained = nullptr) {
  torch::manual_seed(seed);
  nn::Network net(space.shape(), arch);
  net->to(device);
  TrainRunOptions options;
  options.run = run;
  options.arch = space.format(arch);
  options.seed = seed;
  options.resume = resume;
  options.keep_checkpoint = keep_checkpoint;
  TrainResult result = train_network(net, config, splits, device, options, log);
  if (trained != nullptr) *trained = net;
  return result;
}

void log_data(const data::Splits& splits, const Config& config, const torch::Device& device,
              spdlog::logger& log) {
  log.info("[data] {}: {} training images, {} {} images of {}x{}x{}; device {}", option_name(config.dataset),
           splits.train.size(), splits.eval.size(), splits.eval_is_validation ? "validation" : "test",
           config.input_channels, config.input_size, config.input_size, describe_device(device));
}

std::optional<BenchmarkTable> load_table(const Config& config, const SearchSpace& space,
                                         spdlog::logger& log) {
  if (config.benchmark_table.empty()) return std::nullopt;
  BenchmarkTable table = BenchmarkTable::load(config.benchmark_table, space);
  log.info("[train] benchmark mode: {} accuracies of {} (best {:.4f} %)", table.size(),
           table.path(), table.best());
  return table;
}

// Benchmark mode's final "training": the table's accuracy and its rank.
TrainFinalResult lookup_final(const Config& config, const SearchSpace& space,
                              const BenchmarkTable& table, const Architecture& arch,
                              const std::string& picked, const app::StepRecord& record,
                              Clock::time_point start, spdlog::logger& log) {
  TrainFinalResult result;
  result.arch = space.format(arch);
  const double percent = table.accuracy(arch, result.arch);
  result.best_top1 = result.final_top1 = result.true_accuracy = percent / 100.0;
  result.rank = table.rank(percent);
  result.percentile = table.percentile(percent);
  const Cost cost = space.cost(arch);
  result.macs_m = cost.macs_m;
  result.params = cost.params;
  result.seconds = seconds_since(start);
  log.info("[train] {}: true accuracy {:.4f} %, rank {} of {} (best {:.4f} %, percentile {:.2f})",
           result.arch, percent, result.rank, table.size(), table.best(), result.percentile);
  YAML::Node values;
  values["mode"] = "final_lookup";
  values["arch"] = result.arch;
  values["picked"] = picked;
  values["best_top1"] = format_fixed(result.best_top1, 6);
  values["final_top1"] = format_fixed(result.final_top1, 6);
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

}  // namespace

namespace {

const std::vector<std::string> kAgreementHeader{"id", "arch", "top1_1", "top1_check", "seed"};

// labels.agreement_check: the labelled architectures of this shard with id < K trained once more,
// with the seed of repeat index `repeats` (one no label used), into label_agreement.csv; rows
// already there are kept, so a killed check continues where it stopped.
void run_agreement_check(const Config& config, const SearchSpace& space,
                         const std::vector<Architecture>& archs,
                         const std::vector<std::vector<std::string>>& labelled,
                         const TrainDataOptions& options, spdlog::logger& log) {
  const std::string path = RunLayout(config).label_agreement(options.shard);
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> done;
  if (fs::exists(path)) {
    const CsvTable existing = read_csv(path);
    if (existing.header != kAgreementHeader) {
      throw DataError(path + ": unexpected columns (want id,arch,top1_1,top1_check,seed); move it away");
    }
    rows = existing.rows;
    for (const auto& row : rows) done.insert(row[1]);
  }
  std::vector<const std::vector<std::string>*> todo;
  for (const auto& row : labelled) {
    const auto id = static_cast<std::size_t>(std::stoul(row[0]));
    if (id < static_cast<std::size_t>(config.labels.agreement_check) && !done.count(row[1])) todo.push_back(&row);
  }
  if (todo.empty()) return;
  log.info("[train] labels.agreement_check: {} architectures trained once more with a fresh seed", todo.size());
  const torch::Device device = resolve_device(config);
  const data::Splits splits = data::load_splits(config);
  for (std::size_t n = 0; n < todo.size(); ++n) {
    const auto& row = *todo[n];
    const auto id = static_cast<std::size_t>(std::stoul(row[0]));
    const std::uint64_t seed = label_seed(config, id, config.repeats);
    const std::string run = "train/arch" + std::to_string(id) + "_check";
    double top1 = 0;
    try {
      top1 = train_once(config, layerwise(space), archs[id], splits, device, run, seed, options.resume,
                        false, log).best_top1;
    } catch (const TrainingDiverged& e) {
      log.error("[train] agreement check: {}", e.what());
      continue;
    }
    rows.push_back({row[0], row[1], row[2], format_fixed(top1, 6), std::to_string(seed)});
    write_file_atomic(path, format_csv(kAgreementHeader, rows));
    release_free_memory();
    log.info("[train] agreement check {}/{} arch {}: {:.4f} (label's first training {})", n + 1,
             todo.size(), id, top1, row[2]);
  }
}

}  // namespace

std::optional<LabelAgreement> measure_label_agreement(const Config& config) {
  std::vector<double> first, second;
  std::string from;
  const auto add = [&](const CsvTable& table, const std::string& a, const std::string& b) {
    const auto ca = table.find_column(a), cb = table.find_column(b);
    if (!ca || !cb) return;
    for (const auto& row : table.rows) {
      first.push_back(parse_double(row[*ca], a));
      second.push_back(parse_double(row[*cb], b));
    }
  };
  std::vector<std::string> files;
  try {
    files = labelled_data_files(config.path_to_train_data);
  } catch (const DataError&) {
    // no label file (yet): every training of this run may have diverged
  }
  for (const auto& file : files) add(read_csv(file), "top1_1", "top1_2");
  from = "repeats";
  if (first.size() < 3 && fs::is_directory(config.log_dir)) {
    first.clear();
    second.clear();
    // label_agreement.csv and every shard's label_agreement.shardKofN.csv
    const std::string agreement_stem = fs::path(RunLayout(config).label_agreement({})).stem().string();
    for (const auto& entry : fs::directory_iterator(config.log_dir)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(agreement_stem, 0) == 0 && entry.path().extension() == ".csv") {
        add(read_csv(entry.path().string()), "top1_1", "top1_check");
      }
    }
    from = "agreement_check";
  }
  if (first.size() < 3) return std::nullopt;
  LabelAgreement a;
  a.from = from;
  a.n = first.size();
  a.kendall_tau = kendall_tau(first, second);
  a.spearman = spearman(first, second);
  std::vector<double> spread;
  for (std::size_t i = 0; i < first.size(); ++i) spread.push_back(std::abs(first[i] - second[i]));
  a.median_spread = median(spread);
  return a;
}

namespace {

const std::vector<std::string> kFailureHeader{"id", "arch", "repeat", "seed", "message"};

// What a shard's files already hold: its labelled rows, its recorded failures, and the
// architectures (text) of both, which are not trained again.
struct LabelState {
  std::vector<std::vector<std::string>> rows, failures;
  std::set<std::string> done;
  std::string failures_path;
};

LabelState read_label_state(const Config& config, const Shard& shard) {
  const RunLayout layout(config);
  LabelState state;
  state.rows = existing_rows(layout.train_data(shard), train_data_header(config.repeats));
  for (const auto& row : state.rows) state.done.insert(row[1]);
  state.failures_path = layout.train_failures(shard);
  if (fs::exists(state.failures_path)) {
    const CsvTable failed = read_csv(state.failures_path);
    if (failed.header != kFailureHeader) throw DataError(state.failures_path + ": unexpected columns");
    state.failures = failed.rows;
    for (const auto& row : state.failures) state.done.insert(row[1]);
  }
  return state;
}

}  // namespace

std::size_t count_unlabelled(const Config& config, const Shard& shard) {
  const auto space = make_search_space(config);
  const auto archs = read_architectures(config.path_to_architecture, *space);
  const LabelState state = read_label_state(config, shard);
  std::size_t missing = 0;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(shard.count)) != shard.index) continue;
    missing += !state.done.count(space->format(archs[i]));
  }
  return missing;
}

TrainDataResult run_train_data(const Config& config, const TrainDataOptions& options,
                               spdlog::logger& log) {
  const auto start = Clock::now();
  const auto space_ptr = make_search_space(config);
  const SearchSpace& space = *space_ptr;
  const std::optional<BenchmarkTable> table = load_table(config, space, log);
  const auto archs = read_architectures(config.path_to_architecture, space);
  const std::vector<std::string> sources =
      read_architecture_sources(config.path_to_architecture, static_cast<std::size_t>(config.sample_count));
  TrainDataResult result;
  result.output = RunLayout(config).train_data(options.shard);
  const auto header = train_data_header(config.repeats);
  LabelState state = read_label_state(config, options.shard);
  auto& rows = state.rows;
  auto& failures = state.failures;
  const auto& done = state.done;
  const std::string& failures_path = state.failures_path;
  const std::vector<std::string>& failure_header = kFailureHeader;

  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(options.shard.count)) != options.shard.index) continue;
    if (done.count(space.format(archs[i]))) {
      ++result.skipped;
      continue;
    }
    todo.push_back(i);
  }
  log.info("[train] {} architectures in {}; shard {}/{}: {} to label{}, {} already done",
           archs.size(), config.path_to_architecture, options.shard.index, options.shard.count,
           todo.size(), table ? " from the benchmark table" : "", result.skipped);
  if (!todo.empty()) {
    // Benchmark mode looks labels up: no device, no data set.
    const torch::Device device = table ? torch::Device(torch::kCPU) : resolve_device(config);
    const data::Splits splits = table ? data::Splits{} : data::load_splits(config);
    if (!table) log_data(splits, config, device, log);
    for (std::size_t n = 0; n < todo.size(); ++n) {
      const std::size_t id = todo[n];
      throw_if_stop_requested("before architecture " + std::to_string(id) + " (" +
                              std::to_string(rows.size()) + " labels are in " + result.output + ")");
      const Architecture& arch = archs[id];
      const std::string text = space.format(arch);
      const auto arch_start = Clock::now();
      std::vector<std::string> row{std::to_string(id), text};
      double sum = 0;
      bool diverged = false;
      for (int r = 0; r < config.repeats && !diverged; ++r) {
        const std::uint64_t seed = label_seed(config, id, r);
        const std::string run = "train/arch" + std::to_string(id) + "_r" + std::to_string(r + 1);
        try {
          const double top1 = table ? table->accuracy(arch, text) / 100.0
                                    : train_once(config, layerwise(space), arch, splits, device,
                                                 run, seed, options.resume, false, log)
                                          .best_top1;
          row.push_back(format_fixed(top1, 6));
          sum += top1;
        } catch (const TrainingDiverged& e) {
          log.error("[train] {}", e.what());
          failures.push_back({std::to_string(id), text, std::to_string(r + 1), std::to_string(seed),
                              e.what()});
          write_file_atomic(failures_path, format_csv(failure_header, failures));
          diverged = true;
        }
      }
      if (diverged) {
        ++result.failed;
        continue;
      }
      const Cost cost = space.cost(arch);
      const double mean = sum / config.repeats;
      const double seconds = seconds_since(arch_start);
      for (const std::string& v : {format_fixed(mean, 6), format_fixed(cost.macs_m, 6),
                                   std::to_string(cost.params), format_fixed(seconds, 2),
                                   std::to_string(label_seed(config, id, 0)), sources.at(id)}) {
        row.push_back(v);
      }
      rows.push_back(std::move(row));
      write_file_atomic(result.output, format_csv(header, rows));
      ++result.trained;
      if (table) continue;
      release_free_memory();
      log.info("[train] {}/{} arch {} ({}): label {:.4f}, {:.1f} s, peak RSS {:.0f} MB", n + 1,
               todo.size(), id, text, mean, seconds, peak_rss_mb());
    }
  }
  if (config.labels.agreement_check > 0 && !table) {
    run_agreement_check(config, space, archs, rows, options, log);
  }
  result.seconds = seconds_since(start);
  result.peak_rss_mb = peak_rss_mb();
  YAML::Node values;
  values["mode"] = table ? "train_data_lookup" : "train_data";
  if (table) values["benchmark_table"] = table->path();
  values["output"] = result.output;
  values["shard"] = std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count);
  values["trained"] = result.trained;
  values["skipped"] = result.skipped;
  values["failed"] = result.failed;
  values["labelled"] = static_cast<int>(rows.size());
  values["peak_rss_mb"] = format_fixed(result.peak_rss_mb, 1);
  if (const auto agreement = measure_label_agreement(config)) {
    values["label_agreement_tau"] = format_fixed(agreement->kendall_tau, 4);
    values["label_agreement_spearman"] = format_fixed(agreement->spearman, 4);
    values["label_agreement_n"] = static_cast<int>(agreement->n);
    values["label_agreement_from"] = agreement->from;
    values["label_spread_median"] = format_fixed(agreement->median_spread, 4);
    log.info("[train] label agreement ({}, {} architectures): Kendall tau {:.3f}, median |difference| "
             "{:.2f} points; a predictor cannot rank better than the labels agree", agreement->from,
             agreement->n, agreement->kendall_tau, 100 * agreement->median_spread);
  }
  app::write_summary(config, outputs_name(TrainMode::kLabels), values, result.seconds,
                     {{config.path_to_architecture}, {result.output}});
  return result;
}

TrainFinalResult run_train_final(const Config& config, const TrainFinalOptions& options,
                                 spdlog::logger& log) {
  const auto start = Clock::now();
  const auto space_ptr = make_search_space(config);
  const std::string file = options.arch_file.empty() ? config.path_to_architecture : options.arch_file;
  std::vector<Architecture> archs;
  int index = options.index;
  if (options.best_labelled) {
    const LabelledSet labelled = read_labelled(labelled_data_files(config.path_to_train_data), *space_ptr);
    archs = labelled.archs;
    // The answer must meet the budgets: random samples (sampling.within_budget false) need not.
    const Constraints constraints{config.macs_budget, config.params_budget, config.latency_budget_ms};
    index = -1;
    std::size_t within = 0;
    for (std::size_t i = 0; i < archs.size(); ++i) {
      if (!constraints.violation(space_ptr->cost(archs[i])).empty()) continue;
      ++within;
      if (index < 0 || labelled.labels[i] > labelled.labels[static_cast<std::size_t>(index)]) index = static_cast<int>(i);
    }
    if (index < 0) {
      throw DataError(config.path_to_train_data + ": none of the " + std::to_string(archs.size()) +
                      " labelled architectures meets the budgets (macs_budget " +
                      format_number(config.macs_budget) + ", params_budget " + format_number(config.params_budget) +
                      ", latency_budget_ms " + format_number(config.latency_budget_ms) + "); --best-labelled has no answer");
    }
    log.info("[train] the best labelled architecture within the budgets: {} (label {:.4f}; {} of {} "
             "labels within the budgets)", space_ptr->format(archs[static_cast<std::size_t>(index)]),
             labelled.labels[static_cast<std::size_t>(index)], within, labelled.size());
  } else {
    archs = read_architectures(file, *space_ptr);
  }
  if (index < 0 || index >= static_cast<int>(archs.size())) {
    throw UsageError("--index (" + std::to_string(index) + "): " + file + " holds " +
                     std::to_string(archs.size()) + " architectures (0-based rows)");
  }
  const Architecture& arch = archs[static_cast<std::size_t>(index)];
  // How the architecture was chosen, for the summary (the pipeline checks it).
  const std::string picked = options.best_labelled ? "best_labelled" : "file " + file + " row " + std::to_string(index);
  // What the answer was chosen from: the pipeline skips the step while it is unchanged.
  app::StepRecord record;
  record.inputs = options.best_labelled ? labelled_data_files(config.path_to_train_data) : std::vector{file};
  if (const auto table = load_table(config, *space_ptr, log)) {
    return lookup_final(config, *space_ptr, *table, arch, picked, record, start, log);
  }
  const LayerwiseSpace& space = layerwise(*space_ptr);
  const torch::Device device = resolve_device(config);
  const data::Splits splits = data::load_splits(config);
  log_data(splits, config, device, log);
  TrainFinalResult result;
  result.arch = space.format(arch);
  log.info("[train] final model: {} (row {} of {})", result.arch, index,
           options.best_labelled ? "the labelled architectures of " + config.path_to_train_data : file);
  nn::Network net(space.shape(), arch);
  // One folder (checkpoint, epochs.csv) per final architecture: when the answer changes (another
  // round, another pick), a checkpoint of the previous one is never resumed into it.
  char tag[32];
  std::snprintf(tag, sizeof tag, "final_%016llx",
                static_cast<unsigned long long>(ArchitectureHash{}(arch)));
  // A stream no label and no agreement check uses (they take repeat indices 0 .. repeats), so the
  // answer's accuracy is a fresh training, not its label again.
  const std::uint64_t seed = derive_seed(config.seed, SeedPurpose::kLabelTraining, 0,
                                         static_cast<std::uint64_t>(config.repeats) + 1);
  const TrainResult t = train_once(config, space, arch, splits, device, tag, seed, options.resume,
                                   true, log, &net);
  result.model = RunLayout(config).final_model();
  nn::export_torchscript(net, space.shape(), arch, result.model);
  result.frozen_model = RunLayout(config).final_model_frozen();
  const nn::FrozenExport frozen = nn::export_frozen_torchscript(net, space.shape(), arch, result.frozen_model, seed);
  // After the TorchScript file: a failed ONNX check never costs the trained model.
  result.onnx_model = RunLayout(config).final_model_onnx();
  const nn::OnnxExport onnx = nn::export_onnx(net, space.shape(), arch, result.arch, result.onnx_model, seed);
  const Cost cost = space.cost(arch);
  result.seed = seed;
  result.best_top1 = t.best_top1;
  result.final_top1 = t.final_top1;
  result.macs_m = cost.macs_m;
  result.params = cost.params;
  result.images_per_second = t.images_per_second;
  result.seconds = seconds_since(start);
  log.info("[train] {}: best top-1 {:.4f}, final top-1 {:.4f}; model {}", result.arch,
           result.best_top1, result.final_top1, result.model);
  YAML::Node values;
  values["mode"] = "final";
  values["arch"] = result.arch;
  values["picked"] = picked;
  values["best_top1"] = format_fixed(result.best_top1, 6);
  values["final_top1"] = format_fixed(result.final_top1, 6);
  values["final_top5"] = format_fixed(t.final_top5, 6);
  values["seed"] = std::to_string(seed);
  values["macs_m"] = format_fixed(result.macs_m, 6);
  values["params"] = result.params;
  values["images_per_second"] = format_fixed(result.images_per_second, 1);
  values["epochs"] = static_cast<int>(t.history.size());
  values["resumed_from"] = t.resumed_from;
  values["eval_split"] = splits.eval_is_validation ? "validation" : "test";
  values["device"] = describe_device(device);
  values["model"] = result.model;
  values["frozen_model"] = result.frozen_model;
  values["frozen_check"] = "frozen TorchScript vs LibTorch on " + std::to_string(frozen.check_batch) +
                           " images: max |difference| " + format_number(frozen.max_abs_difference) + ", " +
                           format_number(frozen.relative_difference) + " of the logits' scale";
  values["onnx_model"] = result.onnx_model;
  values["onnx_check"] = "OpenCV DNN vs LibTorch on " + std::to_string(onnx.check_batch) +
                         " images: max |difference| " + format_number(onnx.max_abs_difference) + ", " +
                         format_number(onnx.relative_difference) + " of the logits' scale";
  values["peak_rss_mb"] = format_fixed(peak_rss_mb(), 1);
  record.outputs = {result.model, result.frozen_model, result.onnx_model};
  app::write_summary(config, outputs_name(TrainMode::kFinal), values, result.seconds, record);
  return result;
}

}  // namespace gnas
