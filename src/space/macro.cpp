#include "gnas/space/macro.hpp"

namespace gnas {

MacroShape MacroShape::from_config(const Config& config) {
  MacroShape shape;
  shape.ops = config.ops_name;
  shape.layers = config.l_cfgs;
  shape.input_size = config.input_size;
  shape.input_channels = config.input_channels;
  shape.classes = config.classes;
  shape.stem_channels = config.stem_channels;
  shape.head_channels = config.head_channels;
  return shape;
}

int MacroShape::in_channels(std::size_t l) const {
  return l == 0 ? stem_channels : layers[l - 1].out_channels;
}

int MacroShape::feature_size(std::size_t l) const {
  // Every candidate op pads so that the output is (size - 1) / stride + 1, like a 3x3 conv
  // with padding 1 (the factorized reduce pads its shifted half to match).
  int size = input_size;
  for (std::size_t i = 0; i < l; ++i) size = conv_output_size(size, 3, layers[i].stride, 1, 1);
  return size;
}

int conv_output_size(int size, int kernel, int stride, int padding, int dilation) {
  return (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

namespace {

std::int64_t conv_macs(int out_size, int c_out, int kernel, int c_in_per_group) {
  return static_cast<std::int64_t>(out_size) * out_size * c_out * kernel * kernel * c_in_per_group;
}

std::int64_t conv_params(int c_out, int kernel, int c_in_per_group) {
  return static_cast<std::int64_t>(c_out) * kernel * kernel * c_in_per_group;
}

}  // namespace

PartCost op_cost(OpKind kind, int c_in, int c_out, int stride, int size) {
  const int k = op_kernel(kind);
  PartCost cost;
  switch (kind) {
    case OpKind::kSkip: {
      if (stride == 1 && c_in == c_out) return cost;  // identity
      const int out = conv_output_size(size, 1, stride, 0, 1);
      if (stride == 1) {  // 1x1 conv, no BN
        cost.macs = conv_macs(out, c_out, 1, c_in);
        cost.params = conv_params(c_out, 1, c_in);
        return cost;
      }
      // Factorized reduce: two 1x1 stride-2 convs to c_out / 2 each, then BN(c_out).
      cost.macs = 2 * conv_macs(out, c_out / 2, 1, c_in);
      cost.params = 2 * conv_params(c_out / 2, 1, c_in) + 2 * c_out;
      return cost;
    }
    case OpKind::kSepConv3:
    case OpKind::kSepConv5:
    case OpKind::kSepConv7: {
      const int out = conv_output_size(size, k, stride, k / 2, 1);
      cost.macs = 2 * conv_macs(out, c_in, k, 1) + conv_macs(out, c_in, 1, c_in) +
                  conv_macs(out, c_out, 1, c_in);
      cost.params = 2 * conv_params(c_in, k, 1) + conv_params(c_in, 1, c_in) + 2 * c_in +
                    conv_params(c_out, 1, c_in) + 2 * c_out;
      return cost;
    }
    case OpKind::kDilConv3:
    case OpKind::kDilConv5: {
      const int out = conv_output_size(size, k, stride, k - 1, 2);
      cost.macs = conv_macs(out, c_in, k, 1) + conv_macs(out, c_out, 1, c_in);
      cost.params = conv_params(c_in, k, 1) + conv_params(c_out, 1, c_in) + 2 * c_out;
      return cost;
    }
  }
  return cost;
}

MacroCost macro_cost(const MacroShape& shape) {
  MacroCost cost;
  const int head_size = shape.feature_size(shape.layers.size());
  const int last_channels = shape.in_channels(shape.layers.size());
  cost.stem_head.macs = conv_macs(shape.input_size, shape.stem_channels, 3, shape.input_channels) +
                        conv_macs(head_size, shape.head_channels, 1, last_channels);
  cost.stem_head.params =
      conv_params(shape.stem_channels, 3, shape.input_channels) + 2 * shape.stem_channels +
      conv_params(shape.head_channels, 1, last_channels) + 2 * shape.head_channels +
      static_cast<std::int64_t>(shape.head_channels) * shape.classes + shape.classes;
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    std::vector<PartCost> layer;
    for (OpKind kind : shape.ops) {
      layer.push_back(op_cost(kind, shape.in_channels(l), shape.layers[l].out_channels,
                              shape.layers[l].stride, shape.feature_size(l)));
    }
    cost.ops.push_back(std::move(layer));
  }
  return cost;
}

}  // namespace gnas
