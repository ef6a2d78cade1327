#pragma once

// The macro network of the layer-wise space (DESIGN 1.1) as plain numbers: channel counts,
// feature-map sizes and the exact analytic MACs and parameter count of every part (DESIGN 1.3).
// Shared by the search space (costs) and the LibTorch network (shapes).

#include <cstdint>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/op_kind.hpp"

namespace gnas {

struct MacroShape {
  std::vector<OpKind> ops;          ///< candidate ops in gene order (ops_name)
  std::vector<LayerConfig> layers;  ///< search layers (l_cfgs)
  int input_size = 32;              ///< input height = width
  int input_channels = 3;
  int classes = 100;
  int stem_channels = 16;
  int head_channels = 1280;

  /// From the config's ops_name, l_cfgs, input_size, input_channels, classes, stem/head channels.
  /// Throws ConfigError for an unknown op name.
  static MacroShape from_config(const Config& config);

  /// Input channels of search layer l (the stem's output for l = 0).
  int in_channels(std::size_t l) const;
  /// Input feature-map size of search layer l; l = layers.size() gives the head's input size.
  int feature_size(std::size_t l) const;
};

/// Output size of a convolution: floor((size + 2 padding - dilation (kernel - 1) - 1) / stride)
/// + 1.
int conv_output_size(int size, int kernel, int stride, int padding, int dilation);

/// MACs and parameters of one part of the network, batch 1.
struct PartCost {
  std::int64_t macs = 0;
  std::int64_t params = 0;
};

/// Cost of op `kind` mapping c_in -> c_out channels with `stride` on a size x size input.
/// MACs count every Conv2d: output elements x kH x kW x C_in / groups. Parameters count conv
/// weights and BatchNorm weight + bias (no biases on convs).
PartCost op_cost(OpKind kind, int c_in, int c_out, int stride, int size);

/// Analytic costs of every part of a macro network.
struct MacroCost {
  PartCost stem_head;                      ///< stem conv+BN, head conv+BN, classifier
  std::vector<std::vector<PartCost>> ops;  ///< [layer][op in gene order]
};

MacroCost macro_cost(const MacroShape& shape);

}  // namespace gnas
