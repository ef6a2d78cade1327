#include "gnas/nn/batch_norm_folding.hpp"

#include <algorithm>

#include "gnas/common/errors.hpp"

namespace gnas::nn {

namespace {
constexpr double kBatchNormEps = 1e-5;
}  // namespace

const torch::Tensor& BatchNormFolder::tensor(const std::string& name) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) throw Error("export: the network has no tensor " + name);
  return it->second;
}

void BatchNormFolder::conv(const std::string& out, const std::string& weight) {
  const torch::Tensor w = tensor(weight).to(torch::kFloat32).clone();
  convs_.push_back({weight, w, torch::zeros({w.size(0)}, torch::kFloat32)});
  sources_[out] = {{convs_.size() - 1, 0}};
}

void BatchNormFolder::concat(const std::string& out, const std::string& a, const std::string& b) {
  // channels of out: a's convolutions first, then b's, each at its offset
  const auto sa = sources_.find(a), sb = sources_.find(b);
  if (sa == sources_.end() || sb == sources_.end() || uses_[a] != 1 || uses_[b] != 1) return;
  auto& parts = sources_[out];
  int64_t offset = 0;
  for (const auto* side : {&sa->second, &sb->second}) {
    for (const auto& [index, o] : *side) parts.push_back({index, offset + o});
    for (const auto& [index, o] : *side)
      offset = std::max(offset, o + convs_[index].weight.size(0));
  }
}

bool BatchNormFolder::foldable(const std::string& x) {
  return sources_.count(x) > 0 && uses_[x] == 0;
}

std::pair<torch::Tensor, torch::Tensor> BatchNormFolder::affine(const std::string& prefix) const {
  const torch::Tensor scale =
      (tensor(prefix + ".weight") / torch::sqrt(tensor(prefix + ".running_var") + kBatchNormEps))
          .to(torch::kFloat32);
  const torch::Tensor shift =
      (tensor(prefix + ".bias") - tensor(prefix + ".running_mean") * scale).to(torch::kFloat32);
  return {scale, shift};
}

void BatchNormFolder::fold(const std::string& x, const std::string& prefix) {
  if (!foldable(x))
    throw Error("export: BatchNorm " + prefix + " does not follow a convolution of its own");
  const auto [scale, shift] = affine(prefix);
  const auto it = sources_.find(x);
  for (const auto& [index, offset] : it->second) {
    Conv& c = convs_[index];
    const int64_t n = c.weight.size(0);
    const torch::Tensor s = scale.narrow(0, offset, n), b = shift.narrow(0, offset, n);
    c.weight.mul_(s.view({n, 1, 1, 1}));
    c.bias = c.bias * s + b;
  }
}

}  // namespace gnas::nn
