#include "gnas/space/search_space.hpp"

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {

std::string SearchSpace::value_label(std::size_t, int value) const {
  return std::to_string(value);
}

NodeAnnotations SearchSpace::node_annotations(const Architecture& arch) const {
  const auto n = static_cast<std::size_t>(graph(arch).num_nodes);
  return {1, std::vector<int>(n, 0), std::vector<float>(n, 0.0f)};
}

Architecture SearchSpace::mutate(const Architecture& arch, double rate, Rng& rng) const {
  Architecture child = arch;
  for (std::size_t i = 0; i < child.genes.size(); ++i) {
    if (rng.bernoulli(rate)) {
      child.genes[i] = static_cast<std::uint8_t>(rng.below(static_cast<std::uint64_t>(gene_values(i))));
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

std::unique_ptr<SearchSpace> make_search_space(const Config& config) {
  if (config.search_space == "layerwise") {
    MacroShape shape = MacroShape::from_config(config);
    std::optional<LatencyTable> latency;
    if (!config.latency_table.empty()) latency = LatencyTable::load(config.latency_table, shape, option_name(config.latency.runtime));
    return std::make_unique<LayerwiseSpace>(std::move(shape), std::move(latency));
  }
  if (!config.latency_table.empty()) {
    throw ConfigError("latency_table (" + config.latency_table + "): latency tables describe the "
                      "layerwise space only, not " + config.search_space);
  }
  if (config.search_space == "nasbench201") {
    return std::make_unique<NasBench201Space>(
        CellNetworkShape{config.input_size, config.input_channels, config.classes});
  }
  throw ConfigError("search_space (" + config.search_space + "): must be one of layerwise, nasbench201");
}

}  // namespace gnas
