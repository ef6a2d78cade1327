#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/space/latency_table.hpp"

namespace gnas {

struct ArchitectureReport {
  std::string arch;         ///< the space's text form
  double macs_m = 0;        ///< analytic MACs, millions
  std::int64_t params = 0;  ///< parameters
  double latency_ms = 0;    ///< median CPU forward time at batch 1
  double table_latency_ms = -1;  ///< latency_table's prediction; < 0 without a table
};

struct EvaluateArchitecturesResult {
  std::vector<ArchitectureReport> rows;
  std::string output;  ///< the CSV written
  double seconds = 0;
};

/// `evaluate --arch-file PATH`: for every architecture of `arch_file` (the project's CSV or the
/// original's adjacency CSV) the MACs, parameters and measured CPU latency (batch 1, median of
/// latency.repeats runs after latency.warmup); printed as a table on `out`, written to
/// `<log_dir>/evaluate_architectures.csv` and summarised in `<log_dir>/evaluate_architectures_summary.yml`.
/// Throws DataError for a missing or malformed file. `time_latency` false (`--no-latency`):
/// costs only, no network is built or timed (~25 ms an architecture saved), and the CSV has no
/// latency_ms column.
EvaluateArchitecturesResult run_evaluate_architectures(const Config& config,
                                                       const std::string& arch_file,
                                                       spdlog::logger& log, std::ostream& out,
                                                       bool time_latency = true);

struct EvaluatePredictorOptions {
  std::vector<std::string> data;  ///< labelled CSV files; empty: path_to_train_data (or its shards)
  int speed_count = 0;            ///< > 0: also time batched inference on this many sampled archs
};

struct EvaluatePredictorResult {
  RankMetrics metrics;
  std::string predictions;        ///< <log_dir>/evaluate_predictions.csv
  std::string plot;               ///< <log_dir>/evaluate_predictor.svg
  double graphs_per_second = 0;   ///< batched inference speed (speed_count > 0)
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
  std::vector<std::string> data;                ///< as EvaluatePredictorOptions::data
  std::vector<int> sizes{50, 100, 150, 200, 250};  ///< training-set sizes
};

struct LearningCurvePoint {
  int n_train = 0;
  RankMetrics metrics;   ///< on the test split
  double train_seconds = 0;
};

struct LearningCurveResult {
  std::vector<LearningCurvePoint> points;  ///< the sizes that fit in the data, ascending
  std::size_t n_test = 0;
  std::string csv;   ///< <log_dir>/learning_curve.csv (n_train, kendall_tau, spearman, mae, seconds)
  std::string plot;  ///< <log_dir>/learning_curve.svg
  double seconds = 0;
};

/// `evaluate --learning-curve`: holds out the test split as train_predictor does, then for each
/// size n fits config.predictor on the first n remaining labels and reports its test metrics (a
/// line per size on `out`). Sizes beyond the data are skipped. Throws DataError when
/// predictor.test_count is 0 or no size fits.
LearningCurveResult run_learning_curve(const Config& config, const LearningCurveOptions& options,
                                       spdlog::logger& log, std::ostream& out);

struct ProfileLatencyResult {
  std::string output;            ///< the table written
  double fixed_ms = 0;
  double profile_seconds = 0;    ///< timing the table (ops, fixed part, calibration)
  LatencyCalibration fit;        ///< networks 0: not calibrated
  std::size_t check_count = 0;   ///< sampled networks timed whole to check the table
  /// The table against the check networks: mean |table - measured| / measured (fraction), the
  /// share within +-10 %, Spearman; `timed_alone` the same for the ops as timed alone.
  struct Check {
    double mean_abs_error = 0, within_10_percent = 0, spearman = 0;
  } check, timed_alone;
  std::string check_output;      ///< per-network CSV of the check
  double seconds = 0;
};

/// `evaluate --profile-latency [PATH]`: measures the layer-wise space's per-op latency table on
/// this machine (batch 1, latency.runtime, latency.warmup / repeats / threads / statistic),
/// calibrates it on latency.calibration whole networks and writes it to PATH (default
/// <log_dir>/latency_table.csv; format in gnas/space/latency_table.hpp); then times `check_count`
/// other sampled networks and reports how far the table's prediction is from them (and the
/// uncalibrated table's), per network in <log_dir>/latency_check.csv.
/// Throws ConfigError for a space without networks.
ProfileLatencyResult run_profile_latency(const Config& config, const std::string& path,
                                         std::size_t check_count, spdlog::logger& log,
                                         std::ostream& out);

/// One architecture of the comparison.
struct CompareEntry {
  std::string source;    ///< sampled (random draws) | refined (refinement rounds) | random_search | evolution
  std::string arch;
  double macs_m = 0;
  std::int64_t params = 0;
  double accuracy = 0;   ///< fraction
  bool true_accuracy = false;  ///< a measured (or looked-up) label, else the predictor's value
};

/// How far cheap labels can be trusted: their rank agreement with labels of the same
/// architectures from a longer (costlier) recipe.
struct FidelityResult {
  std::size_t n = 0;  ///< architectures labelled by both recipes
  double kendall_tau = 0;
  double spearman = 0;
  double median_difference = 0;  ///< median (long - cheap), fraction: what the cheap recipe loses
  double seconds = 0;
};

/// `evaluate --fidelity FILE`: the labels of path_to_train_data (the cheap recipe; its shards
/// too) against FILE's (a labelled CSV of the same architectures from another recipe, e.g.
/// `train --train-data` with more epochs into another path_to_train_data), over the
/// architectures both hold; prints them and writes <log_dir>/evaluate_fidelity_summary.yml. Throws
/// UsageError when FILE is path_to_train_data itself (a recipe compared with itself), DataError
/// for unreadable files or fewer than 3 shared architectures.
FidelityResult run_fidelity(const Config& config, const std::string& file, spdlog::logger& log,
                            std::ostream& out);

struct CompareResult {
  std::vector<CompareEntry> entries;
  std::string csv;   ///< <log_dir>/compare.csv
  std::string plot;  ///< <log_dir>/compare.svg
  double seconds = 0;
};

/// The files `evaluate --compare` reads (the benchmark table too, when set).
std::vector<std::string> compare_inputs(const Config& config);

/// `evaluate --compare`: the labelled random samples (path_to_train_data; those whose source in
/// path_to_architecture is not `sampled` are marked as refinement rounds'), the random-search
/// baseline's best (<log_dir>/random_search_architecture.csv, when present) and the evolved
/// architecture (path_to_evolution_architecture) on one MACs-vs-accuracy plot, with true
/// accuracies where the labels, the benchmark table or a final training of that architecture
/// (<log_dir>/train_final_summary.yml) have them, else the predicted one (marked). Prints the best
/// sample within the budgets beside the searched ones. Throws DataError for a missing input.
CompareResult run_compare(const Config& config, spdlog::logger& log, std::ostream& out);

}  // namespace gnas
