#include "gnas/app/evaluate.hpp"

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "gnas/app/summary.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/predictor.hpp"
#include "gnas/predictor/report.hpp"
#include "gnas/predictor/training.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {

EvaluateArchitecturesResult run_evaluate_architectures(const Config& config,
                                                       const std::string& arch_file,
                                                       spdlog::logger& log, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  const auto space = make_search_space(config);
  const auto archs = read_architectures(arch_file, *space);
  const auto* layerwise = dynamic_cast<const LayerwiseSpace*>(space.get());
  log.info("evaluating {} architectures of {}", archs.size(), arch_file);

  EvaluateArchitecturesResult result;
  result.output = join_path(config.log_dir, "evaluate_architectures.csv");
  std::vector<std::vector<std::string>> rows;
  char line[256];
  std::snprintf(line, sizeof line, "%5s  %-*s  %12s  %10s  %11s\n", "#",
                static_cast<int>(space->format(archs[0]).size()), "arch", "MACs (M)", "params",
                "latency ms");
  out << line;
  torch::manual_seed(static_cast<int64_t>(config.seed));
  for (std::size_t i = 0; i < archs.size(); ++i) {
    ArchitectureReport report;
    report.arch = space->format(archs[i]);
    const Cost cost = space->cost(archs[i]);
    report.macs_m = cost.macs_m;
    report.params = cost.params;
    if (layerwise != nullptr) {
      nn::Network net(layerwise->shape(), archs[i]);
      report.latency_ms = nn::measure_latency(net, layerwise->shape(), 1, config.latency.warmup,
                                              config.latency.repeats, config.latency.threads)
                              .median_ms;
    }
    std::snprintf(line, sizeof line, "%5zu  %s  %12.6f  %10lld  %11.3f\n", i, report.arch.c_str(),
                  report.macs_m, static_cast<long long>(report.params), report.latency_ms);
    out << line;
    rows.push_back({report.arch, format_fixed(report.macs_m, 6), std::to_string(report.params),
                    format_fixed(report.latency_ms, 4)});
    result.rows.push_back(std::move(report));
  }
  out.flush();
  write_file_atomic(result.output, format_csv({"arch", "macs_m", "params", "latency_ms"}, rows));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.info("wrote {} in {:.2f} s", result.output, result.seconds);

  YAML::Node values;
  values["mode"] = "architectures";
  values["input"] = arch_file;
  values["output"] = result.output;
  values["count"] = static_cast<int>(result.rows.size());
  values["latency_threads"] = config.latency.threads;
  values["latency_repeats"] = config.latency.repeats;
  app::write_summary(config, "evaluate", values, result.seconds);
  return result;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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
  const Predictor predictor = Predictor::load(config.predictor_pretrained, *space);
  const std::vector<std::string> files =
      options.data.empty() ? labelled_data_files(config.path_to_train_data) : options.data;
  const LabelledSet data = read_labelled(files, *space);
  const PredictorSpec& spec = predictor.spec();
  log.info("[predictor] {} ({} {}, {} network(s)) on {} labelled architectures",
           config.predictor_pretrained, spec.variant, spec.type, spec.members, data.size());

  EvaluatePredictorResult result;
  const std::vector<double> predicted = predictor.predict(*space, data.archs);
  result.metrics = rank_metrics(data.labels, predicted);
  result.predictions = join_path(config.log_dir, "evaluate_predictions.csv");
  result.plot = join_path(config.log_dir, "evaluate_predictor.svg");
  write_predictions_csv(result.predictions, *space, data.archs, data.labels, predicted);
  write_scatter_svg(result.plot, spec.variant + " " + spec.type, data.labels, predicted,
                    result.metrics);
  print_metrics(out, result.metrics);

  if (options.speed_count > 0) {
    Rng rng(config.seed);
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
  values["type"] = spec.type;
  values["variant"] = spec.variant;
  values["count"] = static_cast<int>(data.size());
  add_metric_keys(values, result.metrics);
  values["predictions"] = result.predictions;
  values["plot"] = result.plot;
  if (options.speed_count > 0) {
    values["speed_count"] = options.speed_count;
    values["graphs_per_second"] = format_fixed(result.graphs_per_second, 1);
  }
  app::write_summary(config, "evaluate", values, result.seconds);
  return result;
}

LearningCurveResult run_learning_curve(const Config& config, const LearningCurveOptions& options,
                                       spdlog::logger& log, std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const PredictorConfig& pc = config.predictor;
  if (pc.test_count == 0) {
    throw DataError("predictor.test_count (0): the learning curve needs a test split");
  }
  const std::vector<std::string> files =
      options.data.empty() ? labelled_data_files(config.path_to_train_data) : options.data;
  const TrainTestSplit split = split_train_test(read_labelled(files, *space), pc.test_count,
                                                pc.test_split == "random", config.seed);
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
  out << "learning curve of " << pc.variant << " " << pc.type << ", test split of "
      << result.n_test << " (" << pc.test_split << "):\n";
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
  plot.title = "learning curve: " + pc.variant + " " + pc.type + " (test n = " +
               std::to_string(result.n_test) + ")";
  plot.x_label = "training labels";
  plot.y_label = "Kendall tau on the test split";
  plot.series.push_back(series);
  write_file_atomic(result.plot, render_svg(plot));
  result.seconds = seconds_since(start);

  YAML::Node values;
  values["mode"] = "learning_curve";
  for (const auto& f : files) values["data"].push_back(f);
  values["type"] = pc.type;
  values["variant"] = pc.variant;
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
  app::write_summary(config, "evaluate", values, result.seconds);
  return result;
}

}  // namespace gnas
