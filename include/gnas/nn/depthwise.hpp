#pragma once

// Depthwise convolution (groups = channels, no bias) with its own backward pass. LibTorch 1.13's
// CPU backward of dilated depthwise convolutions falls back to a slow path (oneDNN 2.6: 20-230x
// the forward's time, docs/benchmarks.md "Where a training step's time goes"), and the dil_conv
// ops are made of them. Here the forward is LibTorch's; the input gradient is
// a forward convolution of the output gradient with the flipped kernel (zero-inserted for stride
// 2); the weight gradient is a direct sum over the batch in channels-last order. Results equal
// LibTorch's to float rounding (tests/nn/test_depthwise.cpp).

#include <torch/torch.h>

#include <cstdint>

namespace gnas::nn {

/// Whether depthwise_conv2d's backward is the faster one for this shape (bench/depthwise.sh:
/// dilation > 1, 1.1-14x faster than LibTorch's; without dilation LibTorch's is as fast or
/// faster at the large early layers).
bool use_depthwise_backward(int64_t kernel, int64_t stride, int64_t dilation);

/// y = conv2d(x, weight, stride, padding, dilation, groups = C) for x [B, C, H, W] and weight
/// [C, 1, k, k] (square kernel), float or double, any memory format.
torch::Tensor depthwise_conv2d(const torch::Tensor& x, const torch::Tensor& weight, int64_t stride,
                               int64_t padding, int64_t dilation);

}  // namespace gnas::nn
