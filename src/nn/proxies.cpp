#include "gnas/nn/proxies.hpp"

#include <algorithm>
#include <cmath>

#include "gnas/common/errors.hpp"
#include "gnas/nn/ops.hpp"
#include "gnas/nn/space_network.hpp"

namespace gnas::nn {
namespace {

SpaceNetwork fresh(const SearchSpace& space, const Architecture& arch, std::uint64_t seed) {
  torch::manual_seed(seed);
  return build_network(space, arch);
}

// Conv and linear weights: the tensors the gradient-based proxies sum over (not BN's).
std::vector<torch::Tensor> weights(const SpaceNetwork& net) {
  std::vector<torch::Tensor> out;
  for (const auto& p : net.module->parameters()) {
    if (p.dim() > 1) out.push_back(p);
  }
  return out;
}

void backward_loss(SpaceNetwork& net, const torch::Tensor& images, const torch::Tensor& labels) {
  net.module->zero_grad();
  torch::nn::functional::cross_entropy(net.forward(images), labels).backward();
}

double synflow(const SearchSpace& space, const Architecture& arch, std::uint64_t seed) {
  SpaceNetwork net = fresh(space, arch, seed);
  net.module->to(torch::kFloat64);
  net.module->eval();
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net.module->parameters()) p.abs_();
  }
  const torch::Tensor ones =
      torch::ones({1, net.input_channels, net.input_size, net.input_size}, torch::kFloat64);
  net.forward(ones).sum().backward();
  double score = 0;
  for (const auto& p : net.module->parameters()) {
    if (p.grad().defined()) score += (p * p.grad()).sum().item<double>();
  }
  return score;
}

double nwot(SpaceNetwork& net, const ProxyBatch& batch) {
  net.module->train();
  torch::NoGradGuard no_grad;
  ActivationProbe probe;
  net.forward(batch.images);
  if (!probe.kernel().defined()) return std::nan("");
  return std::get<1>(torch::slogdet(probe.kernel())).item<double>();
}

struct GradientScores {
  double grad_norm = 0, snip = 0, zico = 0;
};

// Every tensor's entries flattened into one float64 vector (zeros for an undefined gradient).
torch::Tensor flatten(const std::vector<torch::Tensor>& tensors,
                      const std::vector<torch::Tensor>& shapes) {
  std::vector<torch::Tensor> parts;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    parts.push_back(tensors[i].defined() ? tensors[i].detach().reshape(-1)
                                         : torch::zeros({shapes[i].numel()}, shapes[i].options()));
  }
  return torch::cat(parts).to(torch::kFloat64);
}

// One backward pass per half of the batch: zico compares the halves' gradients; grad_norm and
// snip use their mean (the gradient of the mean loss when BN normalises each half on its own).
// All weights are scored at once on flattened vectors, with per-tensor sums by index_add.
GradientScores gradient_scores(SpaceNetwork& net, const ProxyBatch& batch) {
  net.module->train();
  const int64_t half = batch.images.size(0) / 2;
  const std::vector<torch::Tensor> ws = weights(net);
  std::vector<torch::Tensor> halves;
  for (int64_t part = 0; part < 2; ++part) {
    backward_loss(net, batch.images.narrow(0, part * half, half),
                  batch.labels.narrow(0, part * half, half));
    std::vector<torch::Tensor> grads;
    for (const auto& w : ws) grads.push_back(w.grad());
    halves.push_back(flatten(grads, ws));
  }
  torch::NoGradGuard no_grad;
  std::vector<int64_t> sizes;
  for (const auto& w : ws) sizes.push_back(w.numel());
  const auto n = static_cast<int64_t>(ws.size());
  const torch::Tensor segment =
      torch::repeat_interleave(torch::arange(n), torch::tensor(sizes, torch::kInt64));
  const auto per_tensor = [&](const torch::Tensor& v) {
    return torch::zeros({n}, torch::kFloat64).index_add_(0, segment, v);
  };
  const torch::Tensor& g1 = halves[0];
  const torch::Tensor& g2 = halves[1];
  const torch::Tensor mean = (g1 + g2) / 2;
  GradientScores out;
  out.grad_norm = per_tensor(mean.square()).sqrt().sum().item<double>();
  out.snip = (flatten(ws, ws) * mean).abs().sum().item<double>();
  // Per entry mean |g| / std g over the two halves (population std of two values: |g1 - g2| / 2),
  // entries without spread left out; per tensor the log of the sum, tensors summing to 0 left out.
  const torch::Tensor sd = (g1 - g2).abs() / 2;
  const torch::Tensor ratio = ((g1.abs() + g2.abs()) / 2 / sd).masked_fill(sd == 0, 0);
  const torch::Tensor sums = per_tensor(ratio);
  out.zico = sums.masked_select(sums != 0).log().sum().item<double>();
  return out;
}

}  // namespace

std::vector<double> score_proxies(const SearchSpace& space, const Architecture& arch,
                                  const ProxyBatch& batch, const std::vector<ProxyKind>& kinds,
                                  std::uint64_t seed) {
  const auto wants = [&](ProxyKind k) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
  };
  double nwot_score = 0;
  GradientScores gradients;
  if (wants(ProxyKind::kNwot) || wants(ProxyKind::kGradNorm) || wants(ProxyKind::kSnip) ||
      wants(ProxyKind::kZico)) {
    SpaceNetwork net = fresh(space, arch, seed);  // nwot's forward leaves the weights as they are
    if (wants(ProxyKind::kNwot)) nwot_score = nwot(net, batch);
    if (wants(ProxyKind::kGradNorm) || wants(ProxyKind::kSnip) || wants(ProxyKind::kZico)) {
      gradients = gradient_scores(net, batch);
    }
  }
  std::vector<double> out;
  for (const ProxyKind kind : kinds) {
    switch (kind) {
      case ProxyKind::kSynflow: out.push_back(synflow(space, arch, seed)); break;
      case ProxyKind::kNwot: out.push_back(nwot_score); break;
      case ProxyKind::kGradNorm: out.push_back(gradients.grad_norm); break;
      case ProxyKind::kSnip: out.push_back(gradients.snip); break;
      case ProxyKind::kZico: out.push_back(gradients.zico); break;
    }
  }
  return out;
}

}  // namespace gnas::nn
