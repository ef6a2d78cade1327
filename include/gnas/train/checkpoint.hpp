#pragma once

// A training's checkpoint (the network, the optimizer, the data stream's generator and the epochs
// so far, tagged with the architecture and seed) and its per-epoch CSV: what `--resume` continues
// from.

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "gnas/nn/network.hpp"

namespace gnas {

struct EpochRecord {
  int epoch = 0;  ///< 1-based
  double lr = 0;
  double train_loss = 0;  ///< mean over the epoch's images
  double train_top1 = 0;  ///< fraction, on the augmented training batches
  double eval_top1 = 0;   ///< fraction, on the evaluation split
  double eval_top5 = 0;
  double seconds = 0;            ///< the epoch's wall time, evaluation included
  double images_per_second = 0;  ///< training images per second of the training phase
  double eval_loss = 0;  ///< mean cross-entropy on the evaluation split (no label smoothing)
};

/// What a checkpoint belongs to: a checkpoint of another architecture or seed is refused.
struct CheckpointTag {
  std::string arch;  ///< text form
  std::uint64_t seed = 0;
};

/// Writes the checkpoint atomically (a temporary file, then a rename). Throws Error when the file
/// cannot be replaced.
void save_checkpoint(const std::string& path, nn::Network& net, torch::optim::Optimizer& optimizer,
                     const at::Generator& generator, const std::vector<EpochRecord>& history,
                     const CheckpointTag& tag);

/// Loads a checkpoint into net, optimizer and generator; returns its epochs. Throws DataError
/// for a file that is not a gnas checkpoint or one of another architecture or seed.
std::vector<EpochRecord> load_checkpoint(const std::string& path, nn::Network& net,
                                         torch::optim::Optimizer& optimizer,
                                         at::Generator& generator, const CheckpointTag& tag,
                                         torch::Device device);

/// Writes the epochs as CSV (epoch, lr, train_loss, train_top1, eval_top1, eval_top5, seconds,
/// images_per_second), atomically.
void write_epochs_csv(const std::string& path, const std::vector<EpochRecord>& history);

}  // namespace gnas
