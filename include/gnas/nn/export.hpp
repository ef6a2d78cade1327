#pragma once

#include <cstdint>
#include <string>

#include "gnas/nn/network.hpp"

namespace gnas::nn {

/// The largest accepted max |exported - LibTorch| over a check batch's logits, relative to
/// max |LibTorch logit| (the frozen TorchScript here, ONNX in OpenCV in onnx_export.hpp).
constexpr double kExportTolerance = 1e-4;

/// Writes `net` (its current weights and BatchNorm statistics) to `path` as a TorchScript module
/// whose forward maps float [B, input_channels, input_size, input_size] -> logits [B, classes]
/// in eval mode. It loads with torch::jit::load (C++) and torch.jit.load (Python) without gnas.
/// Written atomically. Throws Error when the file cannot be written.
void export_torchscript(Network& net, const MacroShape& shape, const Architecture& arch,
                        const std::string& path);

struct FrozenExport {
  std::string path;
  int64_t check_batch = 0;
  double max_abs_difference = 0;   ///< max |frozen - LibTorch| over the check logits
  double relative_difference = 0;  ///< the same over max |LibTorch logit|
};

/// The deploy-ready form of the same module: every BatchNorm folded into its convolutions (as
/// the ONNX export folds them), eval mode, frozen (torch::jit::freeze: weights as constants,
/// the graph optimised for inference), written to `path` after its logits on
/// `check_batch` standard-normal images drawn from `seed` are compared with `net`'s (eval mode,
/// restored after). Atomic: a difference above kExportTolerance is a DataError (exit 2) and
/// nothing is written.
FrozenExport export_frozen_torchscript(Network& net, const MacroShape& shape,
                                       const Architecture& arch, const std::string& path,
                                       std::uint64_t seed, int64_t check_batch = 4);

}  // namespace gnas::nn
