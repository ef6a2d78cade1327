#pragma once

// Image classification data held whole in memory as one uint8 tensor per split.
// Readers: the CIFAR-10/100 binary distributions and (Fashion-)MNIST IDX files, gzip or not.

#include <torch/torch.h>

#include <string>

#include "gnas/common/config.hpp"

namespace gnas::data {

struct Dataset {
  torch::Tensor images;  ///< uint8 [N, C, S, S], S = the config's input_size (zero-padded)
  torch::Tensor labels;  ///< int64 [N], each in [0, classes)
  int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

struct Splits {
  Dataset train;
  Dataset eval;  ///< the validation split when train_portion < 1, else test
  bool eval_is_validation = false;
};

/// The config's data set (dataset, dataset_dir, input_size, input_channels, classes), with
/// train_subset, test_subset and train_portion applied (seeded by `seed`).
/// Throws ConfigError when the data set contradicts the config (channels, classes, input_size)
/// and DataError naming the file for a missing, truncated or mis-sized file.
Splits load_splits(const Config& config);

/// "fashion_mnist: 2400 training images, 600 validation images of 1x28x28; device cpu (2 threads)",
/// for the log of a step that trains on `splits`.
std::string describe_splits(const Splits& splits, const Config& config, const std::string& device);

/// One split of a CIFAR binary distribution under `dataset_dir` (cifar-10-batches-bin/ or
/// cifar-100-binary/, fine labels). Images [N, 3, 32, 32].
Dataset read_cifar(const std::string& dataset_dir, bool cifar100, bool train);

/// An IDX image file (magic 2051, [N, rows, cols] uint8) with its IDX label file (magic 2049),
/// each gzip-compressed or not. Images [N, 1, rows, cols].
Dataset read_idx(const std::string& images_path, const std::string& labels_path);

/// `data` with its images at size x size: smaller ones zero-padded (centred), larger ones
/// area-downscaled (each pixel the mean of the pixels it covers: reduced-resolution training,
/// EcoNAS-style). Throws ConfigError for images larger than `size` in one side only.
Dataset fit_images(const Dataset& data, int size);

/// Rows `index` (int64 [M]) of `data`.
Dataset select(const Dataset& data, const torch::Tensor& index);

}  // namespace gnas::data
