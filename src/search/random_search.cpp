#include "gnas/search/random_search.hpp"

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gnas/common/clock.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

SearchResult random_search(const SearchSpace& space, const Constraints& constraints,
                           std::size_t queries, const EvolutionOptions& options,
                           const Fitness& fitness) {
  const auto start = Clock::now();
  check_feasible(space, constraints);
  Rng rng(derive_seed(options.seed, SeedPurpose::kRandomSearch));
  SearchResult result;
  Scorer scorer(space, fitness, result);
  const auto batch_size = static_cast<std::size_t>(options.population);
  std::unordered_set<Architecture, ArchitectureHash> drawn;
  const std::size_t attempts = queries * static_cast<std::size_t>(options.max_attempts);
  std::vector<Architecture> batch;
  int generation = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    throw_if_stop_requested("in the random search after " +
                            std::to_string(drawn.size() - batch.size()) + " architectures");
    record_generation(result, generation++, scorer.score(batch),
                      static_cast<std::size_t>(options.parents), start);
    batch.clear();
  };
  for (std::size_t attempt = 0; attempt < attempts && drawn.size() < queries; ++attempt) {
    Architecture arch = space.sample(rng);
    if (drawn.count(arch) || !complies(space, constraints, arch)) continue;
    drawn.insert(arch);
    batch.push_back(std::move(arch));
    if (batch.size() == batch_size) flush();
  }
  flush();
  if (result.explored.empty()) {
    throw ConfigError("macs_budget (" + format_number(constraints.macs_m) +
                      "): random search drew " + "no architecture within the constraints in " +
                      std::to_string(attempts) +
                      " draws; raise the budget or evolution.max_attempts");
  }
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace gnas
