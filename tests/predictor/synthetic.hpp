#pragma once

// Labelled data with a known ranking for predictor tests: distinct sampled architectures of the
// layer-wise space, labelled by a fixed function of their ops (no training, no ../shared).

#include <string>
#include <unordered_set>
#include <vector>

#include "gnas/common/csv.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas::test {

/// Accuracy fraction: rises with MACs, and each layer gains most from its first two ops.
inline double synthetic_accuracy(const LayerwiseSpace& space, const Architecture& arch) {
  double acc = 0.30 + 0.012 * space.cost(arch).macs_m;
  for (std::size_t l = 0; l < space.num_layers(); ++l) {
    int used = 0;
    for (std::size_t k = 0; k < space.num_ops(); ++k) used += space.uses(arch, l, k);
    acc += 0.02 * std::min(used, 2) - 0.004 * used + (space.uses(arch, l, 0) ? 0.01 : 0.0);
  }
  return acc;
}

/// `count` distinct architectures drawn with `seed`, labelled by synthetic_accuracy.
inline LabelledSet synthetic_set(const LayerwiseSpace& space, int count, std::uint64_t seed) {
  Rng rng(seed);
  LabelledSet set;
  std::unordered_set<Architecture, ArchitectureHash> seen;
  while (static_cast<int>(set.size()) < count) {
    Architecture arch = space.sample(rng);
    if (!seen.insert(arch).second) continue;
    set.labels.push_back(synthetic_accuracy(space, arch));
    set.archs.push_back(std::move(arch));
  }
  return set;
}

/// The train step's CSV for rows [begin, end) of `set`; labels times `scale` (100 = percents).
inline std::string labelled_csv(const LayerwiseSpace& space, const LabelledSet& set,
                                std::size_t begin, std::size_t end, double scale = 1) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = begin; i < end; ++i) {
    const double y = set.labels[i] * scale;
    const Cost cost = space.cost(set.archs[i]);
    rows.push_back({std::to_string(i), space.format(set.archs[i]), format_fixed(y, 6),
                    format_fixed(y, 6), format_fixed(y, 6), format_fixed(cost.macs_m, 6),
                    std::to_string(cost.params), "1.0", "7"});
  }
  return format_csv(
      {"id", "arch", "top1_1", "top1_2", "mean", "macs_m", "params", "seconds", "seed"}, rows);
}

}  // namespace gnas::test
