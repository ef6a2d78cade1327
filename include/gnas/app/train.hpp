#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/common/run_layout.hpp"

namespace gnas {

struct TrainDataOptions {
  Shard shard;
  bool resume = false;  ///< continue an interrupted architecture from its checkpoint
};

struct TrainDataResult {
  std::string output;  ///< the labelled CSV written
  int trained = 0;     ///< architectures labelled by this run
  int skipped = 0;     ///< already labelled (or failed) before this run, or another shard's
  int failed = 0;      ///< diverged in this run (see <log_dir>/train_failures.csv)
  double seconds = 0;
  double peak_rss_mb = 0;
};

/// Architectures of path_to_architecture (those of `shard`) with neither a label in the shard's
/// labelled file nor a recorded failure: what `train --train-data` would still train.
std::size_t count_unlabelled(const Config& config, const Shard& shard = {});

/// `train --train-data --load-architecture`: trains every architecture of path_to_architecture
/// (of this shard) `repeats` times with seeds derived from `seed` (labels.common_random_numbers:
/// one seed per repeat for all); its label is the mean of the best top-1 (fraction). After each
/// architecture, rewrites the labelled CSV atomically with one more row: id, arch,
/// top1_1..top1_R, mean, macs_m, params, seconds, seed, source (architecture.csv's). With
/// labels.agreement_check K, the labelled architectures with id < K are then trained once more
/// into <log_dir>/label_agreement.csv (id, arch, top1_1, top1_check, seed) and the summary
/// reports label_agreement_tau and label_spread_median. Architectures already
/// in the file (or in train_failures.csv) are skipped, so a killed run continues where it
/// stopped. In benchmark mode (benchmark_table set) every top1 is the table's accuracy as a
/// fraction, nothing is trained, and an architecture missing from the table is a DataError.
/// Throws DataError/ConfigError for bad inputs.
TrainDataResult run_train_data(const Config& config, const TrainDataOptions& options,
                               spdlog::logger& log);

struct TrainFinalOptions {
  std::string arch_file;       ///< empty: path_to_architecture
  int index = 0;               ///< row of arch_file
  bool best_labelled = false;  ///< instead: the architecture of path_to_train_data with the best
                               ///< label within the budgets
  bool resume = false;
};

struct TrainFinalResult {
  std::string arch;
  std::uint64_t seed = 0;  ///< of the training (a stream no label uses); 0 in benchmark mode
  double best_top1 = 0;
  double final_top1 = 0;
  double label = 0;  ///< what a label of this training would be (labels.measure), for comparing
  double macs_m = 0;
  std::int64_t params = 0;
  double seconds = 0;
  double images_per_second = 0;
  std::string model;  ///< the TorchScript file; empty in benchmark mode
  std::string
      frozen_model;  ///< the frozen TorchScript file (BN folded, checked); empty in benchmark mode
  std::string onnx_model;  ///< the ONNX file (checked by OpenCV); empty in benchmark mode
  // Benchmark mode (benchmark_table set): the table's accuracy instead of a training.
  double true_accuracy = 0;  ///< fraction
  std::size_t rank = 0;      ///< 1 = the table's best
  double percentile = 0;     ///< share of the table it equals or beats, percent
};

/// `train --load-architecture`: trains one architecture (row `index` of the file) and exports it
/// as TorchScript to <log_dir>/final_model.pt, frozen (BN folded, checked) to
/// <log_dir>/final_model_frozen.pt and as ONNX to <log_dir>/final_model.onnx
/// (nn/onnx_export.hpp: checked by OpenCV's DNN module); writes <log_dir>/train_final_summary.yml.
/// In benchmark mode it looks the architecture up instead (summary: true_accuracy, rank,
/// percentile).
TrainFinalResult run_train_final(const Config& config, const TrainFinalOptions& options,
                                 spdlog::logger& log);

}  // namespace gnas
