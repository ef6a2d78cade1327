#pragma once

#include <spdlog/logger.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"

namespace gnas {

struct ReportResult {
  std::string output;               ///< <log_dir>/report.html
  std::vector<std::string> linked;  ///< files the page links to, relative to log_dir
  double seconds = 0;
  /// The answer's retrained label against the random samples' labels: the share (%) it equals or
  /// beats and how many; and against the agreement check's trainings from its own seed (paired).
  std::optional<double> beats_random_samples;
  std::size_t random_samples = 0;
  std::optional<double> beats_paired_checks;
  std::size_t paired_checks = 0;
  /// The same against those random samples only that meet the budgets, as the answer must.
  std::optional<double> beats_random_samples_within;
  std::size_t random_samples_within = 0;
  std::optional<double> beats_paired_checks_within;
  std::size_t paired_checks_within = 0;
  /// The answer's seed's common shift: the mean (and its standard error) over the agreement
  /// check's trainings from that seed of (the training's label - the architecture's label), and
  /// the shares of the random samples the answer less that shift equals or beats.
  std::optional<double> seed_shift;
  double seed_shift_se = 0;
  std::size_t seed_shift_pairs = 0;
  std::optional<double> beats_random_samples_seed_corrected;
  std::optional<double> beats_random_samples_within_seed_corrected;
};

/// The files whose content the report shows: run.yml, compare.csv and the steps' summaries.
std::vector<std::string> report_inputs(const Config& config);

/// `evaluate --report`: one static page, <log_dir>/report.html (no server, no external assets),
/// from what the steps left in log_dir: the run's key numbers (label budget, predictor quality,
/// the searched architecture's cost and accuracy against the best random sample and the
/// random-search baseline), the plots the steps wrote (inlined SVG: predicted vs true, the
/// comparison, the evolution curve, Pareto fronts) and per-architecture training curves
/// (<log_dir>/training_curves.svg, written here from every epochs.csv), then links to every file
/// of the run, and <log_dir>/evaluate_report_summary.yml. Missing pieces are named on the page, not
/// invented. Throws DataError when log_dir holds no step output at all.
ReportResult run_report(const Config& config, spdlog::logger& log);

}  // namespace gnas
