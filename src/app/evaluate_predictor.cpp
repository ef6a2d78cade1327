#include "gnas/app/evaluate_predictor.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/graph_features.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/predictor/predictor.hpp"
#include "gnas/predictor/report.hpp"
#include "gnas/predictor/training.hpp"
#include "gnas/registry/search_spaces.hpp"

namespace gnas {

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
           config.predictor_pretrained, option_name(spec.variant), option_name(spec.type),
           spec.members, data.size());

  EvaluatePredictorResult result;
  const std::vector<double> predicted = predictor.predict(*space, data.archs);
  result.metrics = rank_metrics(data.labels, predicted);
  result.predictions = join_path(config.log_dir, "evaluate_predictions.csv");
  result.plot = join_path(config.log_dir, "evaluate_predictor.svg");
  write_predictions_csv(result.predictions, *space, data.archs, data.labels, predicted);
  write_scatter_svg(result.plot, option_name(spec.variant) + " " + option_name(spec.type),
                    data.labels, predicted, result.metrics);
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
    LearningCurvePoint point{
        n, rank_metrics(split.test.labels, fit.predictor.predict(*space, split.test.archs)),
        fit.seconds};
    char line[160];
    std::snprintf(line, sizeof line, "  n_train %4d  kendall_tau %.4f  spearman %.4f  (%.1f s)\n",
                  n, point.metrics.kendall_tau, point.metrics.spearman, point.train_seconds);
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
  plot.title = "learning curve: " + option_name(pc.variant) + " " + option_name(pc.type) +
               " (test n = " + std::to_string(result.n_test) + ")";
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

}  // namespace gnas
