#include "gnas/space/search_space.hpp"

#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

std::string SearchSpace::value_label(std::size_t, int value) const { return std::to_string(value); }

Architecture SearchSpace::from_adjacency(const std::vector<float>&) const {
  throw DataError("adjacency-matrix files exist only for the layerwise space, not for " + name());
}

NodeAnnotations SearchSpace::node_annotations(const Architecture& arch) const {
  const auto n = static_cast<std::size_t>(graph(arch).num_nodes);
  return {1, std::vector<int>(n, 0), std::vector<float>(n, 0.0f)};
}

Architecture SearchSpace::mutate(const Architecture& arch, double rate, Rng& rng) const {
  Architecture child = arch;
  for (std::size_t i = 0; i < child.genes.size(); ++i) {
    if (rng.bernoulli(rate)) {
      child.genes[i] =
          static_cast<std::uint8_t>(rng.below(static_cast<std::uint64_t>(gene_values(i))));
    }
  }
  return child;
}

Architecture SearchSpace::crossover(const Architecture& a, const Architecture& b, Rng& rng) const {
  const std::size_t n = a.genes.size();
  if (n < 2) return a;
  const std::size_t cut = 1 + static_cast<std::size_t>(rng.below(n - 1));
  Architecture child = a;
  std::copy(b.genes.begin() + static_cast<long>(cut), b.genes.end(),
            child.genes.begin() + static_cast<long>(cut));
  return child;
}

Architecture sample_within_budget(const SearchSpace& space, double macs_budget, int max_attempts,
                                  Rng& rng) {
  if (macs_budget <= 0) return space.sample(rng);  // 0 = no budget
  const double minimum = space.min_macs_m();
  if (macs_budget < minimum) {
    throw ConfigError("macs_budget (" + format_number(macs_budget) +
                      "): must be >= " + format_fixed(minimum, 6) +
                      ", the fewest MACs (millions) any architecture of the space has");
  }
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    Architecture arch = space.sample(rng);
    if (space.cost(arch).macs_m <= macs_budget) return arch;
  }
  throw Error("no architecture within macs_budget (" + format_number(macs_budget) + ") in " +
              std::to_string(max_attempts) +
              " draws (sampling.max_attempts); raise the budget or the attempts");
}

const MacroShape& require_macro_shape(const SearchSpace& space, const std::string& what) {
  const MacroShape* shape = space.macro_shape();
  if (shape == nullptr) {
    throw ConfigError("search_space (" + space.name() + "): " + what +
                      " needs the layer-wise macro "
                      "network, which this space does not have");
  }
  return *shape;
}

}  // namespace gnas
