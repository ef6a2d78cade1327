#pragma once

// One description of each space's network forward pass for the exporters: the layer-wise child
// network (DESIGN 1.1, the module names of network.hpp) and the NAS-Bench-201 network (the
// module names of nasbench201_network.hpp). A walk asks a NetworkWriter for each primitive, so
// TorchScript (export.hpp) and ONNX (onnx_export.hpp) are written from the same walk. Values are
// the writer's names.

#include <string>

#include "gnas/space/architecture.hpp"
#include "gnas/space/macro.hpp"
#include "gnas/space/op_kind.hpp"

namespace gnas::nn {

class NetworkWriter {
 public:
  virtual ~NetworkWriter() = default;
  /// conv2d without bias; `weight` names the module's parameter (e.g. "first.conv.weight").
  virtual std::string conv(const std::string& x, const std::string& weight, int stride, int padding,
                           int dilation, int groups) = 0;
  /// eval-mode BatchNorm2d with the parameters and buffers under `prefix` (eps 1e-5).
  virtual std::string batch_norm(const std::string& x, const std::string& prefix) = 0;
  virtual std::string relu(const std::string& x) = 0;
  /// clamp to [0, 6]
  virtual std::string relu6(const std::string& x) = 0;
  virtual std::string add(const std::string& a, const std::string& b) = 0;
  /// concatenation along channels
  virtual std::string concat(const std::string& a, const std::string& b) = 0;
  /// x[:, :, 1:, 1:] zero-padded back to x's size at the bottom and right (factorized reduce)
  virtual std::string shift(const std::string& x) = 0;
  /// mean over height and width: [B, C, H, W] -> [B, C]
  virtual std::string global_mean(const std::string& x) = 0;
  /// x W^T + b with `prefix`.weight and `prefix`.bias
  virtual std::string linear(const std::string& x, const std::string& prefix) = 0;
  /// average pooling over kernel x kernel windows; padded positions are not counted
  virtual std::string avg_pool(const std::string& x, int kernel, int stride, int padding) = 0;
  /// zeros of x's shape
  virtual std::string zero(const std::string& x) = 0;
};

/// Writes one candidate op of kind `kind` on `x`, its parameters under `prefix` (the op
/// module's names, e.g. "stages.0.ops.1"), and returns its output's value.
std::string write_candidate_op(NetworkWriter& w, const std::string& x, const std::string& prefix,
                               OpKind kind, int c_in, int c_out, int stride);

/// Writes the forward pass of `arch` (valid in the layer-wise space of `shape`) on input `x` and
/// returns the logits' value.
std::string write_layerwise_network(NetworkWriter& w, const MacroShape& shape,
                                    const Architecture& arch, const std::string& x);

/// The same for a cell `arch` of the NAS-Bench-201 space (its network's stem, 3 stages of 5 cells
/// with the residual reductions between them, BN + ReLU, pooling, classifier).
std::string write_nasbench201_network(NetworkWriter& w, const Architecture& arch,
                                      const std::string& x);

}  // namespace gnas::nn
