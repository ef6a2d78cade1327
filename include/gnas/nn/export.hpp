#pragma once

#include <string>

#include "gnas/nn/network.hpp"

namespace gnas::nn {

/// Writes `net` (its current weights and BatchNorm statistics) to `path` as a TorchScript module
/// whose forward maps float [B, input_channels, input_size, input_size] -> logits [B, classes]
/// in eval mode. It loads with torch::jit::load (C++) and torch.jit.load (Python) without gnas.
/// Written atomically. Throws Error when the file cannot be written.
void export_torchscript(Network& net, const MacroShape& shape, const Architecture& arch,
                        const std::string& path);

}  // namespace gnas::nn
