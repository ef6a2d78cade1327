#pragma once

// Training one architecture with the config's recipe (DESIGN 1.5): optimizer from optim_state,
// step or cosine schedule, label-smoothing cross-entropy, top-1/top-5 after every epoch, a
// per-epoch CSV and an atomic checkpoint after every epoch (train/checkpoint.hpp) that --resume
// continues from.

#include <ATen/core/Generator.h>
#include <spdlog/logger.h>
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/data/dataset.hpp"
#include "gnas/data/loader.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/space/macro.hpp"
#include "gnas/train/checkpoint.hpp"

namespace gnas {

struct TrainRunOptions {
  std::string run;   ///< names <log_dir>/<run>/epochs.csv and <write_dir>/<run>/checkpoint.pt
  std::string arch;  ///< text form, recorded in the checkpoint
  std::uint64_t seed =
      0;  ///< shuffling and augmentation (train_network's caller seeds the initial weights)
  bool resume = false;          ///< continue from the run's checkpoint when there is one
  bool keep_checkpoint = true;  ///< false: delete the checkpoint once the training is complete
};

struct TrainResult {
  double best_top1 = 0;   ///< best eval top-1 over all epochs, fraction in [0, 1]
  double final_top1 = 0;  ///< eval top-1 after the last epoch
  double final_top5 = 0;
  int resumed_from = 0;          ///< epochs already done by the checkpoint resumed from (0: none)
  double seconds = 0;            ///< wall time of this call
  double images_per_second = 0;  ///< training images per second over this call's epochs
  std::vector<EpochRecord> history;  ///< every epoch, resumed ones included
};

/// Learning rate of 0-based `epoch` under the config's schedule; `batches_per_epoch` matters for
/// cosine_original only (the original sets T_max = epochs x batches but steps once per epoch).
double learning_rate(const Config& config, int epoch, int64_t batches_per_epoch = 1);

/// Trains `net` (already on `device`, weights initialised by the caller) for config.epochs.
/// Throws TrainingDiverged on a non-finite loss, DataError for a checkpoint of another
/// architecture or seed, Error when files cannot be written.
TrainResult train_network(nn::Network& net, const Config& config, const data::Splits& splits,
                          torch::Device device, const TrainRunOptions& options,
                          spdlog::logger& log);

/// The label a training gives by labels.measure: its best top-1, or exp(-the last epoch's mean
/// training loss), or exp(-the last epoch's mean evaluation loss), in (0, 1]; DataError when that
/// evaluation loss is unknown (a history resumed from a checkpoint that did not record it).
double training_label(const TrainResult& result, LabelMeasure measure);

/// One training of `arch` from scratch: LibTorch seeded with options.seed, the macro network of
/// `shape` built on `device` and trained by train_network; `trained`, when given, receives it.
TrainResult train_architecture(const MacroShape& shape, const Architecture& arch,
                               const Config& config, const data::Splits& splits,
                               torch::Device device, const TrainRunOptions& options,
                               spdlog::logger& log, nn::Network* trained = nullptr);

/// What one evaluation measured: top-1 and top-5 (fractions) and the mean cross-entropy (no
/// label smoothing).
struct Evaluation {
  double top1 = 0;
  double top5 = 0;
  double loss = 0;
};

/// `net` on every batch of `loader`, in eval mode, the forward passes in `precision`
/// (mixed_precision).
Evaluation evaluate_accuracy(nn::Network& net, data::Loader& loader, at::Generator& generator,
                             MixedPrecision precision = MixedPrecision::kNone);

/// Replaces every BatchNorm layer's running statistics with the plain average over the first
/// `batches` batches of `loader` (train mode, no gradients, the weights as they are): statistics
/// of the current weights instead of running averages that lag behind weights a large learning
/// rate moves fast (labels.bn_recalibration). The layers' momentum is restored afterwards.
void recalibrate_batchnorm(nn::Network& net, data::Loader& loader, int64_t batches,
                           at::Generator& generator);

/// <write_dir>/<run>/checkpoint.pt
std::string checkpoint_path(const Config& config, const std::string& run);

}  // namespace gnas
