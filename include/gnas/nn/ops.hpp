#pragma once

// The candidate operations of DESIGN 1.2 as LibTorch modules. Every op maps
// [B, in_channels, H, W] -> [B, out_channels, (H - 1) / stride + 1, (W - 1) / stride + 1],
// so the ops of one layer can be summed for any input size, odd ones included.
// Child names follow the original's state dict (`op.1`, `conv_1`, ...), so its tensors load.

#include <torch/torch.h>

#include <cstdint>
#include <memory>

#include "gnas/space/op_kind.hpp"

namespace gnas::nn {

/// While alive, counts the MACs of every convolution run through run_conv on this thread, per
/// image of the batch (output elements x kH x kW x C_in / groups). Probes do not nest.
class MacsProbe {
 public:
  MacsProbe();
  ~MacsProbe();
  MacsProbe(const MacsProbe&) = delete;
  MacsProbe& operator=(const MacsProbe&) = delete;
  std::int64_t macs() const { return macs_; }
  void add(std::int64_t macs) { macs_ += macs; }

 private:
  std::int64_t macs_ = 0;
};

/// conv(x), counted by the active MacsProbe if any.
torch::Tensor run_conv(torch::nn::Conv2dImpl& conv, const torch::Tensor& x);

/// While alive, collects the binary activation codes of every ReLU / ReLU6 output passed to
/// record_activation on this thread (the NWOT proxy): with c the [B, units] 0/1 codes of one
/// activation, kernel() accumulates c c^T + (1 - c)(1 - c)^T, a [B, B] float64 matrix of the
/// number of units on which two images agree. Probes do not nest.
class ActivationProbe {
 public:
  ActivationProbe();
  ~ActivationProbe();
  ActivationProbe(const ActivationProbe&) = delete;
  ActivationProbe& operator=(const ActivationProbe&) = delete;
  const torch::Tensor& kernel() const { return kernel_; }
  void add(const torch::Tensor& activation);

 private:
  torch::Tensor kernel_;
};

/// `activation` (a ReLU's output), recorded by the active ActivationProbe if any.
torch::Tensor record_activation(torch::Tensor activation);

struct CandidateOpOptions {
  CandidateOpOptions(OpKind kind, int64_t in_channels, int64_t out_channels, int64_t stride)
      : kind_(kind), in_channels_(in_channels), out_channels_(out_channels), stride_(stride) {}
  TORCH_ARG(OpKind, kind);
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  /// 1 or 2.
  TORCH_ARG(int64_t, stride);
};

/// Base of the candidate ops: x [B, C_in, H, W] -> [B, C_out, H', W'].
class CandidateOpImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
};

/// skip with stride 1 and C_in == C_out.
class IdentityOpImpl : public CandidateOpImpl {
 public:
  torch::Tensor forward(const torch::Tensor& x) override { return x; }
};

/// skip with stride 1 and C_in != C_out: one 1x1 conv, no BN. Child: `op`.
class SkipConvImpl : public CandidateOpImpl {
 public:
  explicit SkipConvImpl(const CandidateOpOptions& options);
  torch::Tensor forward(const torch::Tensor& x) override;

 private:
  torch::nn::Conv2d op_{nullptr};
};

/// skip with stride 2: ReLU; two 1x1 stride-2 convs to C_out / 2 (the second on x shifted by one
/// pixel, zero-padded back to x's size); concatenated; BN. Children: `conv_1`, `conv_2`, `bn`.
class FactorizedReduceImpl : public CandidateOpImpl {
 public:
  explicit FactorizedReduceImpl(const CandidateOpOptions& options);
  torch::Tensor forward(const torch::Tensor& x) override;

 private:
  torch::nn::Conv2d conv_1_{nullptr};
  torch::nn::Conv2d conv_2_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};

/// sep_conv_kxk: ReLU, dw kxk stride s, 1x1 C_in->C_in, BN, ReLU, dw kxk, 1x1 C_in->C_out, BN.
/// Child: Sequential `op` (indices 0..7 as listed).
class SepConvImpl : public CandidateOpImpl {
 public:
  explicit SepConvImpl(const CandidateOpOptions& options);
  torch::Tensor forward(const torch::Tensor& x) override;

 private:
  torch::nn::Sequential op_{nullptr};
};

/// dil_conv_kxk: ReLU, dw kxk stride s dilation 2, 1x1 C_in->C_out, BN. Child: Sequential `op`.
class DilConvImpl : public CandidateOpImpl {
 public:
  explicit DilConvImpl(const CandidateOpOptions& options);
  torch::Tensor forward(const torch::Tensor& x) override;

 private:
  torch::nn::Sequential op_{nullptr};
};

/// The module for one op of one layer.
std::shared_ptr<CandidateOpImpl> make_candidate_op(const CandidateOpOptions& options);

}  // namespace gnas::nn
