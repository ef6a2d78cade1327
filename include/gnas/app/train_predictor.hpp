#pragma once

#include <spdlog/logger.h>

#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/predictor/metrics.hpp"

namespace gnas {

struct TrainPredictorResult {
  RankMetrics metrics;      ///< on the test split (all 0 without one)
  std::size_t n_train = 0;  ///< labels trained on (validation included)
  std::size_t n_test = 0;
  std::string predictor;     ///< the file saved
  std::string predictions;   ///< <log_dir>/predictions.csv ("" without a test split)
  double train_seconds = 0;  ///< fitting alone
  double seconds = 0;
};

/// `train_predictor`: reads the labelled architectures (`data_files`, or when empty
/// path_to_train_data or its shard files), holds out predictor.test_count of them, fits the
/// predictor config.predictor describes, saves it to path_to_save_predictor, and for the test
/// split writes <log_dir>/predictions.csv (arch, true, predicted), the scatter plot
/// <log_dir>/train_predictor_scatter.svg and the metrics in <log_dir>/train_predictor_summary.yml.
/// Throws DataError for missing or malformed data or too few labels.
TrainPredictorResult run_train_predictor(const Config& config,
                                         const std::vector<std::string>& data_files,
                                         spdlog::logger& log);

}  // namespace gnas
