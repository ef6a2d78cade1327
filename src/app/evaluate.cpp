#include "gnas/app/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/benchmark/table.hpp"
#include "gnas/nn/latency_profile.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/search/evolution.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/nn/space_network.hpp"
#include "gnas/predictor/graph_features.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/predictor.hpp"
#include "gnas/predictor/report.hpp"
#include "gnas/predictor/training.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {

EvaluateArchitecturesResult run_evaluate_architectures(const Config& config,
                                                       const std::string& arch_file,
                                                       spdlog::logger& log, std::ostream& out,
                                                       bool time_latency) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const auto archs = read_architectures(arch_file, *space);
  log.info("evaluating {} architectures of {}", archs.size(), arch_file);

  EvaluateArchitecturesResult result;
  result.output = join_path(config.log_dir, "evaluate_architectures.csv");
  std::vector<std::vector<std::string>> rows;
  char line[256];
  std::snprintf(line, sizeof line, "%5s  %-*s  %12s  %10s  %11s\n", "#",
                static_cast<int>(space->format(archs[0]).size()), "arch", "MACs (M)", "params",
                "latency ms");
  out << line;
  torch::manual_seed(static_cast<int64_t>(derive_seed(config.seed, SeedPurpose::kEvaluate)));
  std::optional<nn::LatencyTimer> timer;
  if (time_latency) timer.emplace(config.latency);  // one network at a time: a file may hold thousands
  for (std::size_t i = 0; i < archs.size(); ++i) {
    ArchitectureReport report;
    report.arch = space->format(archs[i]);
    const Cost cost = space->cost(archs[i]);
    report.macs_m = cost.macs_m;
    report.params = cost.params;
    report.table_latency_ms = cost.latency_ms;
    if (time_latency) {
      report.latency_ms = timer->time_ms(timer->network(*space, archs[i]));
      std::snprintf(line, sizeof line, "%5zu  %s  %12.6f  %10lld  %11.3f\n", i, report.arch.c_str(),
                    report.macs_m, static_cast<long long>(report.params), report.latency_ms);
    } else {
      std::snprintf(line, sizeof line, "%5zu  %s  %12.6f  %10lld  %11s\n", i, report.arch.c_str(),
                    report.macs_m, static_cast<long long>(report.params), "-");
    }
    out << line;
    rows.push_back({report.arch, format_fixed(report.macs_m, 6), std::to_string(report.params)});
    if (time_latency) rows.back().push_back(format_fixed(report.latency_ms, 4));
    if (space->has_latency()) rows.back().push_back(format_fixed(report.table_latency_ms, 4));
    result.rows.push_back(std::move(report));
  }
  out.flush();
  std::vector<std::string> header{"arch", "macs_m", "params"};
  if (time_latency) header.emplace_back("latency_ms");
  if (space->has_latency()) header.emplace_back("table_latency_ms");
  write_file_atomic(result.output, format_csv(header, rows));
  result.seconds = seconds_since(start);
  log.info("wrote {} in {:.2f} s", result.output, result.seconds);

  YAML::Node values;
  values["mode"] = "architectures";
  values["input"] = arch_file;
  values["output"] = result.output;
  values["count"] = static_cast<int>(result.rows.size());
  values["latency_timed"] = time_latency;
  values["latency_runtime"] = option_name(config.latency.runtime);
  values["latency_statistic"] = option_name(config.latency.statistic);
  values["latency_threads"] = config.latency.threads;
  values["latency_repeats"] = config.latency.repeats;
  app::write_summary(config, outputs_name(EvaluateMode::kArchitectures), values, result.seconds);
  return result;
}

namespace {

void print_metrics(std::ostream& out, const RankMetrics& m) {
  char line[256];
  std::snprintf(line, sizeof line,
                "n %zu  kendall_tau %.4f  spearman %.4f  mae %.4f  precision@5 %.2f  "
                "precision@10 %.2f\n",
                m.count, m.kendall_tau, m.spearman, m.mae, m.precision_at_5, m.precision_at_10);
  out << line;
}

}  // namespace

EvaluatePredictorResult run_evaluate_predictor(const Config& config,
                                               const EvaluatePredictorOptions& options,
                                               spdlog::logger& log, std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  load_feature_cache(config.predictor.feature_cache, *space);
  const Predictor predictor = Predictor::load(config.predictor_pretrained, *space);
  const std::vector<std::string> files =
      options.data.empty() ? labelled_data_files(config.path_to_train_data) : options.data;
  const LabelledSet data = read_labelled(files, *space);
  const PredictorSpec& spec = predictor.spec();
  log.info("[predictor] {} ({} {}, {} network(s)) on {} labelled architectures",
           config.predictor_pretrained, option_name(spec.variant), option_name(spec.type), spec.members, data.size());

  EvaluatePredictorResult result;
  const std::vector<double> predicted = predictor.predict(*space, data.archs);
  result.metrics = rank_metrics(data.labels, predicted);
  result.predictions = join_path(config.log_dir, "evaluate_predictions.csv");
  result.plot = join_path(config.log_dir, "evaluate_predictor.svg");
  write_predictions_csv(result.predictions, *space, data.archs, data.labels, predicted);
  write_scatter_svg(result.plot, option_name(spec.variant) + " " + option_name(spec.type), data.labels, predicted,
                    result.metrics);
  print_metrics(out, result.metrics);

  if (options.speed_count > 0) {
    Rng rng(derive_seed(config.seed, SeedPurpose::kEvaluate));
    std::vector<Architecture> archs;
    for (int i = 0; i < options.speed_count; ++i) archs.push_back(space->sample(rng));
    predictor.predict(*space, std::vector<Architecture>(archs.begin(), archs.begin() + 1));
    const auto timed = Clock::now();
    predictor.predict(*space, archs);
    result.graphs_per_second = options.speed_count / seconds_since(timed);
    char line[128];
    std::snprintf(line, sizeof line, "inference: %d architectures, %.0f graphs/s\n",
                  options.speed_count, result.graphs_per_second);
    out << line;
  }
  out.flush();
  result.seconds = seconds_since(start);
  log.info("wrote {} and {} in {:.2f} s", result.predictions, result.plot, result.seconds);

  YAML::Node values;
  values["mode"] = "predictor";
  values["predictor"] = config.predictor_pretrained;
  for (const auto& f : files) values["data"].push_back(f);
  values["type"] = option_name(spec.type);
  values["variant"] = option_name(spec.variant);
  values["count"] = static_cast<int>(data.size());
  add_metric_keys(values, result.metrics);
  values["predictions"] = result.predictions;
  values["plot"] = result.plot;
  if (options.speed_count > 0) {
    values["speed_count"] = options.speed_count;
    values["graphs_per_second"] = format_fixed(result.graphs_per_second, 1);
  }
  app::write_summary(config, outputs_name(EvaluateMode::kPredictor), values, result.seconds);
  save_feature_cache(config.predictor.feature_cache, *space);
  return result;
}

LearningCurveResult run_learning_curve(const Config& config, const LearningCurveOptions& options,
                                       spdlog::logger& log, std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  load_feature_cache(config.predictor.feature_cache, *space);
  const PredictorConfig& pc = config.predictor;
  if (pc.test_count == 0) {
    throw DataError("predictor.test_count (0): the learning curve needs a test split");
  }
  const std::vector<std::string> files =
      options.data.empty() ? labelled_data_files(config.path_to_train_data) : options.data;
  const TrainTestSplit split = split_train_test(read_labelled(files, *space), pc.test_count,
                                                pc.test_split == TestSplit::kRandom, config.seed);
  std::vector<int> sizes;
  for (const int n : options.sizes) {
    if (n >= 2 && static_cast<std::size_t>(n) <= split.train.size()) sizes.push_back(n);
  }
  std::sort(sizes.begin(), sizes.end());
  if (sizes.empty()) {
    throw DataError("learning curve: no training-set size fits the " +
                    std::to_string(split.train.size()) + " labels left after the test split");
  }
  LearningCurveResult result;
  result.n_test = split.test.size();
  out << "learning curve of " << option_name(pc.variant) << " " << option_name(pc.type)
      << ", test split of " << result.n_test << " (" << option_name(pc.test_split) << "):\n";
  std::vector<std::vector<std::string>> rows;
  PlotSeries series{"Kendall tau", {}, {}, true};
  for (const int n : sizes) {
    std::vector<std::size_t> first(static_cast<std::size_t>(n));
    std::iota(first.begin(), first.end(), 0);
    const FitResult fit = fit_predictor(pc, config.seed, *space, split.train.subset(first), log);
    LearningCurvePoint point{n, rank_metrics(split.test.labels, fit.predictor.predict(*space, split.test.archs)),
                             fit.seconds};
    char line[160];
    std::snprintf(line, sizeof line, "  n_train %4d  kendall_tau %.4f  spearman %.4f  (%.1f s)\n", n,
                  point.metrics.kendall_tau, point.metrics.spearman, point.train_seconds);
    out << line;
    out.flush();
    rows.push_back({std::to_string(n), format_fixed(point.metrics.kendall_tau, 6),
                    format_fixed(point.metrics.spearman, 6), format_fixed(point.metrics.mae, 6),
                    format_fixed(point.train_seconds, 3)});
    series.x.push_back(n);
    series.y.push_back(point.metrics.kendall_tau);
    result.points.push_back(point);
  }
  result.csv = join_path(config.log_dir, "learning_curve.csv");
  result.plot = join_path(config.log_dir, "learning_curve.svg");
  write_file_atomic(result.csv,
                    format_csv({"n_train", "kendall_tau", "spearman", "mae", "seconds"}, rows));
  Plot plot;
  plot.title = "learning curve: " + option_name(pc.variant) + " " + option_name(pc.type) + " (test n = " +
               std::to_string(result.n_test) + ")";
  plot.x_label = "training labels";
  plot.y_label = "Kendall tau on the test split";
  plot.series.push_back(series);
  write_file_atomic(result.plot, render_svg(plot));
  result.seconds = seconds_since(start);

  YAML::Node values;
  values["mode"] = "learning_curve";
  for (const auto& f : files) values["data"].push_back(f);
  values["type"] = option_name(pc.type);
  values["variant"] = option_name(pc.variant);
  values["n_test"] = static_cast<int>(result.n_test);
  for (const auto& p : result.points) {
    YAML::Node point;
    point["n_train"] = p.n_train;
    point["kendall_tau"] = format_fixed(p.metrics.kendall_tau, 6);
    point["spearman"] = format_fixed(p.metrics.spearman, 6);
    point["train_seconds"] = format_fixed(p.train_seconds, 3);
    values["points"].push_back(point);
  }
  values["output"] = result.csv;
  values["plot"] = result.plot;
  app::write_summary(config, outputs_name(EvaluateMode::kLearningCurve), values, result.seconds);
  save_feature_cache(config.predictor.feature_cache, *space);
  return result;
}

namespace {

// The CPU's model name (Linux), for the record of where a latency table was measured.
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return trim(line.substr(line.find(':') + 1));
  }
  return "unknown";
}

}  // namespace

ProfileLatencyResult run_profile_latency(const Config& config, const std::string& path,
                                         std::size_t check_count, spdlog::logger& log,
                                         std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const auto* layerwise = dynamic_cast<const LayerwiseSpace*>(space.get());
  if (layerwise == nullptr) {
    throw ConfigError("search_space (" + space->name() + "): --profile-latency measures the "
                      "layerwise space's ops; this space has no networks to time");
  }
  const MacroShape& shape = layerwise->shape();
  ProfileLatencyResult result;
  result.output = path.empty() ? join_path(config.log_dir, "latency_table.csv") : path;
  result.check_output = join_path(config.log_dir, "latency_check.csv");
  torch::manual_seed(static_cast<int64_t>(derive_seed(config.seed, SeedPurpose::kEvaluate)));
  log.info("[latency] timing {} ops x {} layers on {}, {} of {} runs after {} ({} threads); calibration on {} networks",
           shape.ops.size(), shape.layers.size(), option_name(config.latency.runtime), option_name(config.latency.statistic),
           config.latency.repeats, config.latency.warmup, config.latency.threads, config.latency.calibration);
  const nn::LatencyProfile profile =
      nn::profile_latency(shape, config.latency, config.seed, result.output, check_count);
  const std::vector<Architecture>& check = profile.check;
  const LatencyTable& table = profile.table();
  write_file_atomic(result.output, table.to_csv());
  result.profile_seconds = profile.seconds;
  result.fixed_ms = table.fixed_ms();
  result.fit = profile.fit;
  out << table.to_csv();
  if (profile.calibrated) {
    char line[240];
    std::snprintf(line, sizeof line,
                  "calibration on %zu networks: fixed %.4f ms, ops x %.4f, %+.4f ms per op beyond a layer's first; "
                  "mean |error| on them %.1f %%\n",
                  profile.fit.networks, profile.fit.fixed_ms, profile.fit.scale, profile.fit.per_extra_op_ms,
                  100 * profile.fit.mean_abs_error);
    out << line;
  }

  if (profile.steal_share > 0.02) {
    log.warn("[latency] the hypervisor took {:.0f} % of the CPU while timing (steal, /proc/stat): the "
             "latencies are less reliable than on a quiet machine; compare the check below",
             100 * profile.steal_share);
  }

  // The check: the other networks, timed whole, against both tables.
  const LayerwiseSpace with_table(shape, table), timed_alone(shape, profile.timed);
  const std::vector<double>& measured = profile.check_ms;
  std::vector<double> predicted, alone;
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < check.size(); ++i) {
    predicted.push_back(with_table.cost(check[i]).latency_ms);
    alone.push_back(timed_alone.cost(check[i]).latency_ms);
    rows.push_back({with_table.format(check[i]), format_fixed(measured[i], 4), format_fixed(predicted[i], 4),
                    format_fixed(alone[i], 4), format_fixed((predicted[i] - measured[i]) / measured[i], 4)});
  }
  result.check_count = check_count;
  const auto check_of = [&measured](const std::vector<double>& p) {
    ProfileLatencyResult::Check c;
    std::size_t within = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double error = std::abs(p[i] - measured[i]) / measured[i];
      c.mean_abs_error += error;
      within += error <= 0.1;
    }
    c.mean_abs_error /= static_cast<double>(p.size());
    c.within_10_percent = static_cast<double>(within) / static_cast<double>(p.size());
    c.spearman = p.size() > 1 ? rank_metrics(measured, p).spearman : 0;
    return c;
  };
  if (check_count == 0) std::filesystem::remove(result.check_output);  // it checked another table
  if (check_count > 0) {
    write_file_atomic(result.check_output,
                      format_csv({"arch", "measured_ms", "table_ms", "timed_alone_ms", "error"}, rows));
    result.check = check_of(predicted);
    result.timed_alone = check_of(alone);
    char line[300];
    const auto print = [&](const char* what, const ProfileLatencyResult::Check& c) {
      std::snprintf(line, sizeof line,
                    "check on %zu other sampled networks: %s vs measured latency, mean |error| %.1f %%, "
                    "%.0f %% within +-10 %%, Spearman %.3f\n",
                    check_count, what, 100 * c.mean_abs_error, 100 * c.within_10_percent, c.spearman);
      out << line;
    };
    print(profile.calibrated ? "table" : "table (not calibrated)", result.check);
    if (profile.calibrated) print("ops as timed alone", result.timed_alone);
  }
  result.seconds = seconds_since(start);
  log.info("[latency] wrote {} (fixed part {:.3f} ms); profiling's share {:.1f} s, {:.1f} s in all", result.output,
           result.fixed_ms, result.profile_seconds, result.seconds);
  YAML::Node values;
  values["mode"] = "profile_latency";
  values["output"] = result.output;
  values["device"] = "cpu: " + cpu_model();
  values["runtime"] = option_name(config.latency.runtime);
  values["statistic"] = option_name(config.latency.statistic);
  values["threads"] = config.latency.threads;
  values["warmup"] = config.latency.warmup;
  values["repeats"] = config.latency.repeats;
  values["fixed_ms"] = format_fixed(result.fixed_ms, 4);
  values["profile_seconds"] = format_fixed(result.profile_seconds, 2);
  if (profile.steal_share >= 0) values["cpu_steal_share"] = format_fixed(profile.steal_share, 4);
  values["calibration_networks"] = static_cast<int>(result.fit.networks);
  if (profile.calibrated) {
    values["calibration_fixed_ms"] = format_fixed(result.fit.fixed_ms, 4);
    values["calibration_scale"] = format_fixed(result.fit.scale, 4);
    values["calibration_per_extra_op_ms"] = format_fixed(result.fit.per_extra_op_ms, 4);
    values["calibration_mean_abs_error"] = format_fixed(result.fit.mean_abs_error, 4);
  }
  values["check_count"] = static_cast<int>(result.check_count);
  if (check_count > 0) {
    values["check_output"] = result.check_output;
    values["check_mean_abs_error"] = format_fixed(result.check.mean_abs_error, 4);
    values["check_within_10_percent"] = format_fixed(result.check.within_10_percent, 4);
    values["check_spearman"] = format_fixed(result.check.spearman, 4);
    values["check_timed_alone_mean_abs_error"] = format_fixed(result.timed_alone.mean_abs_error, 4);
    values["check_timed_alone_within_10_percent"] = format_fixed(result.timed_alone.within_10_percent, 4);
    values["check_timed_alone_spearman"] = format_fixed(result.timed_alone.spearman, 4);
  }
  app::write_summary(config, outputs_name(EvaluateMode::kProfileLatency), values, result.seconds);
  return result;
}

namespace {

// The searched architecture of a step's CSV (first row: arch, predicted).
std::optional<std::pair<Architecture, double>> searched(const std::string& path, const SearchSpace& space,
                                                        bool required) {
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
  return std::make_pair(arch, parse_double(csv.rows[0][csv.column("predicted")], where + ": predicted"));
}

}  // namespace

FidelityResult run_fidelity(const Config& config, const std::string& file, spdlog::logger& log,
                            std::ostream& out) {
  const auto start = Clock::now();
  std::error_code ignored;
  if (file == config.path_to_train_data ||
      (std::filesystem::exists(file) && std::filesystem::equivalent(file, config.path_to_train_data, ignored))) {
    throw UsageError("--fidelity (" + file + "): is path_to_train_data itself; give the labels of "
                     "the longer recipe (e.g. train --train-data --set epochs=... --set "
                     "path_to_train_data=OTHER.csv)");
  }
  const auto space = make_search_space(config);
  const LabelledSet cheap = read_labelled(labelled_data_files(config.path_to_train_data), *space);
  const LabelledSet reference = read_labelled({file}, *space);
  std::unordered_map<Architecture, double, ArchitectureHash> long_label;
  for (std::size_t i = 0; i < reference.size(); ++i) long_label[reference.archs[i]] = reference.labels[i];
  std::vector<double> a, b, difference;
  for (std::size_t i = 0; i < cheap.size(); ++i) {
    const auto it = long_label.find(cheap.archs[i]);
    if (it == long_label.end()) continue;
    a.push_back(cheap.labels[i]);
    b.push_back(it->second);
    difference.push_back(it->second - cheap.labels[i]);
  }
  if (a.size() < 3) {
    throw DataError("--fidelity: " + config.path_to_train_data + " and " + file + " share " +
                    std::to_string(a.size()) + " architectures; a rank agreement needs 3");
  }
  FidelityResult result;
  result.n = a.size();
  result.kendall_tau = kendall_tau(a, b);
  result.spearman = spearman(a, b);
  result.median_difference = median(difference);
  result.seconds = seconds_since(start);
  out << "fidelity: " << result.n << " architectures; Kendall tau " << format_fixed(result.kendall_tau, 4)
      << ", Spearman " << format_fixed(result.spearman, 4) << ", median (long - cheap) "
      << format_fixed(100 * result.median_difference, 2) << " points\n";
  log.info("[fidelity] {} vs {}: {} architectures, Kendall tau {:.4f}", config.path_to_train_data,
           file, result.n, result.kendall_tau);
  YAML::Node values;
  values["mode"] = "fidelity";
  values["cheap"] = config.path_to_train_data;
  values["long"] = file;
  values["n"] = static_cast<int>(result.n);
  values["kendall_tau"] = format_fixed(result.kendall_tau, 4);
  values["spearman"] = format_fixed(result.spearman, 4);
  values["median_difference"] = format_fixed(result.median_difference, 6);
  app::write_summary(config, outputs_name(EvaluateMode::kFidelity), values, result.seconds);
  return result;
}

std::vector<std::string> compare_inputs(const Config& config) {
  const RunLayout layout(config);
  std::vector<std::string> inputs{config.path_to_architecture, config.path_to_evolution_architecture,
                                  layout.random_search_architecture(),
                                  layout.summary(outputs_name(TrainMode::kFinal))};
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
  const auto entry = [&](const std::string& source, const Architecture& arch, double predicted) {
    CompareEntry e;
    e.source = source;
    e.arch = space->format(arch);
    const Cost cost = space->cost(arch);
    e.macs_m = cost.macs_m;
    e.params = cost.params;
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
    const auto sources =
        read_architecture_sources(config.path_to_architecture, static_cast<std::size_t>(config.sample_count));
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
  const Constraints constraints{config.macs_budget, config.params_budget, config.latency_budget_ms};
  const CompareEntry* best_sample = nullptr;
  for (const auto& e : result.entries) {
    if (e.source != "sampled" || !constraints.violation(space->cost(space->parse(e.arch))).empty()) continue;
    if (best_sample == nullptr || e.accuracy > best_sample->accuracy) best_sample = &e;
  }
  const bool costed = space->has_cost();
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : result.entries) {
    rows.push_back({e.source, e.arch, format_fixed(e.macs_m, 6), std::to_string(e.params),
                    format_fixed(e.accuracy, 6), e.true_accuracy ? "true" : "predicted"});
  }
  result.csv = RunLayout(config).compare_csv();
  write_file_atomic(result.csv, format_csv({"source", "arch", "macs_m", "params", "accuracy", "kind"}, rows));

  // A space without a cost model is plotted against the samples' accuracy rank instead of MACs.
  Plot plot{"sampled, random-search and evolved architectures", costed ? "MACs (millions)" : "sample, by accuracy",
            "accuracy (true, or predicted where marked)", {}, false, 640, 480};
  PlotSeries samples{"random samples (true)", {}, {}, false};
  PlotSeries refined{"refinement rounds (true)", {}, {}, false};
  std::vector<const CompareEntry*> sorted;
  for (const auto& e : result.entries) {
    if (e.source == "sampled") sorted.push_back(&e);
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->accuracy < b->accuracy; });
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
    plot.series.push_back({"best sample within budget", {costed ? best_sample->macs_m : right - 1}, {best_sample->accuracy}, false, 7});
  }
  for (const auto& e : result.entries) {
    if (e.source == "sampled" || e.source == "refined") continue;
    plot.series.push_back({(e.source == "evolution" ? "evolved (" : "random search (") +
                               std::string(e.true_accuracy ? "true" : "predicted") + ")",
                           {costed ? e.macs_m : right}, {e.accuracy}, false, 7});
  }
  result.plot = RunLayout(config).compare_svg();
  write_file_atomic(result.plot, render_svg(plot));

  char line[400];
  const auto print = [&](const char* what, const CompareEntry& e) {
    std::snprintf(line, sizeof line, "%-28s %s  accuracy %.4f (%s)  %.3f M MACs  %lld params\n", what,
                  e.arch.c_str(), e.accuracy, e.true_accuracy ? "true" : "predicted", e.macs_m,
                  static_cast<long long>(e.params));
    out << line;
  };
  if (best_sample != nullptr) print("best sample within budget", *best_sample);
  const CompareEntry* best_refined = nullptr;
  for (const auto& e : result.entries) {
    if (e.source == "refined" && (best_refined == nullptr || e.accuracy > best_refined->accuracy)) best_refined = &e;
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
