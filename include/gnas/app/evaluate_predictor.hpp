#pragma once

// `evaluate --predictor` and `evaluate --learning-curve`: a predictor's ranking quality on labels.

#include <spdlog/logger.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/predictor/metrics.hpp"

namespace gnas {

struct EvaluatePredictorOptions {
  std::vector<std::string> data;  ///< labelled CSV files; empty: path_to_train_data (or its shards)
  int speed_count = 0;            ///< > 0: also time batched inference on this many sampled archs
};

struct EvaluatePredictorResult {
  RankMetrics metrics;
  std::string predictions;       ///< <log_dir>/evaluate_predictions.csv
  std::string plot;              ///< <log_dir>/evaluate_predictor.svg
  double graphs_per_second = 0;  ///< batched inference speed (speed_count > 0)
  double seconds = 0;
};

/// `evaluate --predictor [--data FILE...]`: loads predictor_pretrained (a gnas predictor or the
/// original's weights), predicts every labelled architecture of the data and reports Kendall tau,
/// Spearman, MAE and precision@5/@10 on `out`; writes the predictions, an SVG scatter plot of
/// predicted vs true accuracy (tau in the title) and the summary (mode: predictor). Throws
/// DataError for missing or malformed files or a predictor of another search space.
EvaluatePredictorResult run_evaluate_predictor(const Config& config,
                                               const EvaluatePredictorOptions& options,
                                               spdlog::logger& log, std::ostream& out);

struct LearningCurveOptions {
  std::vector<std::string> data;                   ///< as EvaluatePredictorOptions::data
  std::vector<int> sizes{50, 100, 150, 200, 250};  ///< training-set sizes
};

struct LearningCurvePoint {
  int n_train = 0;
  RankMetrics metrics;  ///< on the test split
  double train_seconds = 0;
};

struct LearningCurveResult {
  std::vector<LearningCurvePoint> points;  ///< the sizes that fit in the data, ascending
  std::size_t n_test = 0;
  std::string csv;  ///< <log_dir>/learning_curve.csv (n_train, kendall_tau, spearman, mae, seconds)
  std::string plot;  ///< <log_dir>/learning_curve.svg
  double seconds = 0;
};

/// `evaluate --learning-curve`: holds out the test split as train_predictor does, then for each
/// size n fits config.predictor on the first n remaining labels and reports its test metrics (a
/// line per size on `out`). Sizes beyond the data are skipped. Throws DataError when
/// predictor.test_count is 0 or no size fits.
LearningCurveResult run_learning_curve(const Config& config, const LearningCurveOptions& options,
                                       spdlog::logger& log, std::ostream& out);

}  // namespace gnas
