#include "gnas/app/train_predictor.hpp"

#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <memory>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/graph_features.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/report.hpp"
#include "gnas/predictor/training.hpp"
#include "gnas/registry/search_spaces.hpp"

namespace gnas {

TrainPredictorResult run_train_predictor(const Config& config,
                                         const std::vector<std::string>& data_files,
                                         spdlog::logger& log) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  load_feature_cache(config.predictor.feature_cache, *space);
  const std::vector<std::string> files =
      data_files.empty() ? labelled_data_files(config.path_to_train_data) : data_files;
  const LabelledSet data = read_labelled(files, *space);
  const PredictorConfig& pc = config.predictor;
  const TrainTestSplit split =
      split_train_test(data, pc.test_count, pc.test_split == TestSplit::kRandom, config.seed);
  log.info("[predictor] {} labelled architectures from {} file(s): {} to train, {} to test ({})",
           data.size(), files.size(), split.train.size(), split.test.size(),
           option_name(pc.test_split));

  FitResult fit = fit_predictor(pc, config.seed, *space, split.train, log);
  TrainPredictorResult result;
  result.n_train = split.train.size();
  result.n_test = split.test.size();
  result.train_seconds = fit.seconds;
  result.predictor = config.path_to_save_predictor;
  fit.predictor.save(result.predictor);
  log.info("[predictor] trained in {:.2f} s; saved {}", fit.seconds, result.predictor);

  YAML::Node values;
  values["type"] = option_name(pc.type);
  values["variant"] = option_name(pc.variant);
  values["predictor"] = result.predictor;
  values["n_train"] = static_cast<int>(result.n_train);
  values["n_test"] = static_cast<int>(result.n_test);
  values["n_validation"] = static_cast<int>(fit.members.front().n_validation);
  values["train_seconds"] = format_fixed(fit.seconds, 3);
  for (const auto& m : fit.members) {
    values["epochs"].push_back(m.epochs);
    values["best_epoch"].push_back(m.best_epoch);
  }
  if (!split.test.archs.empty()) {
    const std::vector<double> predicted = fit.predictor.predict(*space, split.test.archs);
    result.metrics = rank_metrics(split.test.labels, predicted);
    result.predictions = RunLayout(config).predictions_csv();
    write_predictions_csv(result.predictions, *space, split.test.archs, split.test.labels,
                          predicted);
    write_scatter_svg(RunLayout(config).predictor_scatter_svg(),
                      option_name(pc.variant) + " " + option_name(pc.type) + ", test split",
                      split.test.labels, predicted, result.metrics);
    add_metric_keys(values, result.metrics);
    log.info(
        "[predictor] test split: Kendall tau {:.4f}, Spearman {:.4f}, MAE {:.4f}, "
        "precision@5 {:.2f}, precision@10 {:.2f}",
        result.metrics.kendall_tau, result.metrics.spearman, result.metrics.mae,
        result.metrics.precision_at_5, result.metrics.precision_at_10);
  }
  // predictor.test_repeats: R - 1 more random splits, each fitted from its own seed, so the
  // summary says how much the first split's tau owes to which labels it held out.
  if (pc.test_repeats > 1 && !split.test.archs.empty()) {
    std::vector<double> taus{result.metrics.kendall_tau};
    spdlog::logger quiet("predictor_split", std::make_shared<spdlog::sinks::null_sink_mt>());
    for (int r = 1; r < pc.test_repeats; ++r) {
      const std::uint64_t seed =
          derive_seed(config.seed, SeedPurpose::kTestSplit, static_cast<std::uint64_t>(r));
      const TrainTestSplit other = split_train_test(data, pc.test_count, true, seed);
      const FitResult refit = fit_predictor(pc, seed, *space, other.train, quiet);
      taus.push_back(
          rank_metrics(other.test.labels, refit.predictor.predict(*space, other.test.archs))
              .kendall_tau);
    }
    const double sd = sample_sd(taus);
    values["test_repeats"] = pc.test_repeats;
    values["kendall_tau_mean"] = format_fixed(mean(taus), 6);
    values["kendall_tau_sd"] = format_fixed(sd, 6);
    log.info("[predictor] {} random splits of {} held out: Kendall tau {:.4f} +- {:.4f}",
             pc.test_repeats, split.test.size(), mean(taus), sd);
  }
  result.seconds = seconds_since(start);
  app::write_summary(config, std::string(kTrainPredictorName), values, result.seconds,
                     {files, {result.predictor}});
  save_feature_cache(config.predictor.feature_cache, *space);
  return result;
}

}  // namespace gnas
