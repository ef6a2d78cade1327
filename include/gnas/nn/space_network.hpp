#pragma once

// The network of an architecture of any search space that has networks (the layer-wise space's
// child network, the NAS-Bench-201 network), behind one handle, for code that needs to run,
// differentiate or export it without knowing its space (zero-cost proxies, latency timing, ONNX
// export). The one place that maps a space to its network.

#include <torch/torch.h>

#include <functional>
#include <memory>

#include "gnas/nn/onnx_export.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas::nn {

struct SpaceNetwork {
  std::shared_ptr<torch::nn::Module> module;  ///< parameters, buffers, train/eval, dtype
  /// x [B, C, S, S] -> logits [B, classes]
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  int64_t input_channels = 0;
  int64_t input_size = 0;
  int64_t classes = 0;
  /// Writes the network (current weights) as ONNX checked by OpenCV: export_onnx of
  /// nn/onnx_export.hpp with the architecture's text form, the path and the check's seed.
  std::function<OnnxExport(const std::string& arch_text, const std::string& path,
                           std::uint64_t seed)>
      to_onnx;
  /// The network (current weights) loaded by OpenCV's DNN module, for timing on that runtime.
  std::function<OpenCvRunner()> to_opencv;
};

/// A fresh network of `arch` (valid in `space`), initialised from LibTorch's current random
/// state. Throws ConfigError for a space without networks.
SpaceNetwork build_network(const SearchSpace& space, const Architecture& arch);

}  // namespace gnas::nn
