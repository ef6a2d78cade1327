#pragma once

// BatchNorm folding for the exporters that write a network without BatchNorm nodes (ONNX, the
// frozen TorchScript): a writer reports each convolution it writes, each concatenation and each
// use of a value; a BatchNorm that follows a convolution, or a concatenation of convolutions,
// is then folded into their weights and biases (w' = w g / sqrt(v + eps), b' = beta - mean g /
// sqrt(v + eps)), and the writer emits the folded tensors at the end.

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace gnas::nn {

class BatchNormFolder {
 public:
  /// A convolution of the network with its folded weight and bias (zeros until a fold).
  struct Conv {
    std::string name;  ///< the weight's name in the network (e.g. "first.conv.weight")
    torch::Tensor weight, bias;
  };

  /// `tensors`: the network's parameters and buffers by name (the BatchNorms' are read here).
  explicit BatchNormFolder(std::map<std::string, torch::Tensor> tensors)
      : tensors_(std::move(tensors)) {}

  /// The tensor `name` of the network; throws Error naming it when there is none.
  const torch::Tensor& tensor(const std::string& name) const;
  /// `out` is the output of a convolution with weight `weight` (float copy kept for folding).
  void conv(const std::string& out, const std::string& weight);
  /// `out` = concat(a, b) along channels.
  void concat(const std::string& out, const std::string& a, const std::string& b);
  /// `value` is an input of a node the writer emitted.
  void use(const std::string& value) { ++uses_[value]; }
  /// Whether a BatchNorm on `x` can be folded: `x` is made by convolutions used nowhere else.
  bool foldable(const std::string& x);
  /// Folds the eval-mode BatchNorm2d under `prefix` (eps 1e-5) into the convolutions that make
  /// `x`. Throws Error when it is not foldable.
  void fold(const std::string& x, const std::string& prefix);
  /// The BatchNorm under `prefix` as y = x * scale + shift, per channel: {scale, shift}, float [C].
  std::pair<torch::Tensor, torch::Tensor> affine(const std::string& prefix) const;

  const std::vector<Conv>& convs() const { return convs_; }

 private:
  std::map<std::string, torch::Tensor> tensors_;
  std::vector<Conv> convs_;
  std::map<std::string, std::vector<std::pair<std::size_t, int64_t>>>
      sources_;  // value -> (conv, channel offset)
  std::map<std::string, int> uses_;
};

}  // namespace gnas::nn
