#pragma once

// Zero-cost proxies: scores of an untrained network that rank architectures without training
// (Abdelfattah et al., ICLR 2021; Mellor et al., ICML 2021; Li et al., ICLR 2023). Every proxy
// scores a fresh network initialised from the same seed, so architectures are compared under
// common random numbers:
//  - synflow: data-free; float64 copy with |weights|, eval mode, an all-ones input of one image;
//    sum over weights of w * d(sum of logits)/dw;
//  - nwot: log |det K|, K = sum over ReLU outputs of c c^T + (1 - c)(1 - c)^T with c the
//    images' binary activation codes (train mode, no gradients);
//  - zico: gradients g1, g2 of the cross-entropy of the two halves of the batch (train mode); per
//    conv / linear weight tensor, log(sum over its entries with non-zero spread of
//    mean |g| / std g), summed;
//  - grad_norm: sum over conv / linear weights of ||g||_2, g = (g1 + g2) / 2;
//  - snip: sum over conv / linear weights of |w * g|.
// nwot, zico, grad_norm and snip share one network (nwot's forward pass changes no weight), so
// the five cost one batch-1 float64 pass, one forward pass and two half-batch backward passes.
// A score can be NaN or infinite (e.g. a network whose output does not depend on its input);
// it is returned as it is.

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas::nn {

using ::gnas::ProxyKind;  // declared with the config's options; option_name() names one

/// The minibatch the data-dependent proxies score on.
struct ProxyBatch {
  torch::Tensor images;  ///< float [B, C, S, S], normalised as for training; B >= 2
  torch::Tensor labels;  ///< int64 [B]
};

/// The scores of `kinds` (that order) for `arch` of `space`, each on a fresh network initialised
/// with torch::manual_seed(seed). Throws ConfigError for a space without networks.
std::vector<double> score_proxies(const SearchSpace& space, const Architecture& arch,
                                  const ProxyBatch& batch, const std::vector<ProxyKind>& kinds,
                                  std::uint64_t seed);

}  // namespace gnas::nn
