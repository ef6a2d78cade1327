#pragma once

// An architecture as a search space sees it: a fixed-length genome of small integers. What a
// gene means belongs to the space (the layer-wise space: one bit per (layer, op); NAS-Bench-201:
// one op index per cell edge), so evolution can cross and mutate genomes of any space.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace gnas {

struct Architecture {
  std::vector<std::uint8_t> genes;

  bool operator==(const Architecture& o) const { return genes == o.genes; }
  bool operator!=(const Architecture& o) const { return genes != o.genes; }
  bool operator<(const Architecture& o) const { return genes < o.genes; }
};

/// FNV-1a over the genes: for unordered containers of architectures.
struct ArchitectureHash {
  std::size_t operator()(const Architecture& a) const noexcept {
    std::uint64_t h = 1469598103934665603ULL;
    for (std::uint8_t g : a.genes) {
      h ^= g;
      h *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(h);
  }
};

}  // namespace gnas
