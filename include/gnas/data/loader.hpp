#pragma once

// Batches of one split with no per-image work: the split lives on the training device as one
// uint8 tensor; each batch is gathered, randomly cropped (zero padding) and flipped, scaled to
// [0, 1] and normalised by batched tensor ops there. Every random draw comes from the caller's
// CPU generator, so a seed gives the same batches on CPU and CUDA, and a checkpoint of the
// generator resumes them exactly.

#include <ATen/core/Generator.h>
#include <torch/torch.h>

#include <utility>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/data/dataset.hpp"

namespace gnas::data {

class Loader {
 public:
  /// `train`: shuffled batches with augmentation (and a last batch of one image dropped, as
  /// BatchNorm cannot train on it); otherwise the split in order, unaugmented.
  Loader(const Dataset& data, const Config& config, torch::Device device, bool train);

  /// Batches of the coming epoch; shuffles when training.
  int64_t start_epoch(at::Generator& generator);
  int64_t num_batches() const { return num_batches_; }
  int64_t num_images() const { return images_.size(0); }
  /// Where the images and the batches are.
  const torch::Device& device() const { return device_; }

  /// Batch i of the epoch: images float [B, C, S, S] normalised (channels-last when the config
  /// asks for it), labels int64 [B], both on the device.
  std::pair<torch::Tensor, torch::Tensor> batch(int64_t i, at::Generator& generator) const;

 private:
  torch::Tensor images_;  // uint8 [N, C, S, S] on the device
  torch::Tensor labels_;  // int64 [N] on the device
  torch::Tensor mean_;    // float [1, C, 1, 1]
  torch::Tensor std_;     // float [1, C, 1, 1]
  torch::Tensor order_;   // int64 [N] on the device
  torch::Device device_;
  bool train_;
  int batch_size_;
  int crop_padding_;
  bool flip_;
  bool channels_last_;
  int64_t num_batches_ = 0;
};

}  // namespace gnas::data
