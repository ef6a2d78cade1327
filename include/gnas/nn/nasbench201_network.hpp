#pragma once

// The NAS-Bench-201 network (DESIGN 1.8) as a LibTorch module: the cost model of benchmark mode
// and the network the zero-cost proxies score. Every convolution runs through run_conv, so a
// MacsProbe counts it.

#include <torch/torch.h>

#include <vector>

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/space/architecture.hpp"

namespace gnas::nn {

/// ReLU, Conv(kxk, stride, padding k/2, no bias), BN. Children: `conv`, `bn`.
class ReluConvBnImpl : public torch::nn::Module {
 public:
  ReluConvBnImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride);
  /// [B, C_in, H, W] -> [B, C_out, H / stride, W / stride]
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ReluConvBn);

/// One cell: node j = sum over i < j of op(i -> j)(node i); returns node 3. Edge e's module is
/// `edges.<e>` when its op has weights (nor_conv_1x1, nor_conv_3x3).
class CellImpl : public torch::nn::Module {
 public:
  CellImpl(const Architecture& arch, int64_t channels);
  /// [B, C, H, W] -> [B, C, H, W]
  torch::Tensor forward(const torch::Tensor& x);

 private:
  std::vector<int> ops_;
  std::vector<ReluConvBn> convs_;  ///< per edge; empty for weight-free ops
};
TORCH_MODULE(Cell);

/// ReLU-Conv3x3(stride 2)-BN, ReLU-Conv3x3-BN, plus AvgPool2d(2, 2) + Conv1x1 (no BN) as the
/// shortcut. Children: `conv_a`, `conv_b`, `downsample`.
class ResidualReductionImpl : public torch::nn::Module {
 public:
  ResidualReductionImpl(int64_t in_channels, int64_t out_channels);
  /// [B, C_in, H, W] -> [B, C_out, H / 2, W / 2] (H, W even)
  torch::Tensor forward(const torch::Tensor& x);

 private:
  ReluConvBn conv_a_{nullptr}, conv_b_{nullptr};
  torch::nn::Conv2d downsample_{nullptr};
};
TORCH_MODULE(ResidualReduction);

class NasBench201NetworkImpl : public torch::nn::Module {
 public:
  /// `arch` must be valid in a NasBench201Space (throws DataError otherwise).
  NasBench201NetworkImpl(const CellNetworkShape& shape, const Architecture& arch);
  /// x [B, input_channels, input_size, input_size] float -> logits [B, classes].
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr};
  torch::nn::ModuleList cells_{nullptr};
  std::vector<std::shared_ptr<torch::nn::Module>> blocks_;
  torch::nn::BatchNorm2d last_bn_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(NasBench201Network);

}  // namespace gnas::nn
