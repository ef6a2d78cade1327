#pragma once

// The network of an architecture of any search space that has networks (the layer-wise space's
// child network, the NAS-Bench-201 network), behind one handle, for code that only needs to run
// and differentiate it (zero-cost proxies).

#include <torch/torch.h>

#include <functional>
#include <memory>

#include "gnas/space/search_space.hpp"

namespace gnas::nn {

struct SpaceNetwork {
  std::shared_ptr<torch::nn::Module> module;  ///< parameters, buffers, train/eval, dtype
  /// x [B, C, S, S] -> logits [B, classes]
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  int64_t input_channels = 0;
  int64_t input_size = 0;
  int64_t classes = 0;
};

/// A fresh network of `arch` (valid in `space`), initialised from LibTorch's current random
/// state. Throws ConfigError for a space without networks.
SpaceNetwork build_network(const SearchSpace& space, const Architecture& arch);

}  // namespace gnas::nn
