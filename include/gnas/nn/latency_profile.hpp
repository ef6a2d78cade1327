#pragma once

// `evaluate --profile-latency`: measures the per-op latency table of the layer-wise space on
// this machine with LibTorch (batch 1, eval mode, no autograd).

#include "gnas/space/latency_table.hpp"

namespace gnas::nn {

/// Times every candidate op of every layer alone on its input shape, one element-wise add per
/// layer, and the fixed part (a whole network of the cheapest architecture minus its ops): the
/// median of `repeats` runs after `warmup`, with `threads` intra-op threads (0 = leave the
/// setting). `origin` names the result in messages.
LatencyTable profile_latency(const MacroShape& shape, int warmup, int repeats, int threads,
                             const std::string& origin);

}  // namespace gnas::nn
