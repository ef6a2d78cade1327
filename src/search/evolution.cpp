#include "gnas/search/evolution.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "gnas/common/clock.hpp"
#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"

namespace gnas {
namespace {

// `count` compliant draws by the space's rule (each at most max_attempts tries); when draws run
// out, the cheapest compliant architecture stands in, so a tight budget still gets a population.
std::vector<Architecture> first_population(const SearchSpace& space, const Constraints& constraints,
                                           std::size_t count, int max_attempts, Rng& rng) {
  std::vector<Architecture> population;
  std::vector<Architecture> fallback;
  for (const CostMeasure measure :
       {CostMeasure::kMacs, CostMeasure::kParams, CostMeasure::kLatency}) {
    const Architecture cheap = space.cheapest(measure);
    if (complies(space, constraints, cheap)) fallback.push_back(cheap);
  }
  for (std::size_t i = 0; i < count; ++i) {
    bool found = false;
    for (int attempt = 0; attempt < max_attempts && !found; ++attempt) {
      Architecture arch = space.sample(rng);
      if (complies(space, constraints, arch)) {
        population.push_back(std::move(arch));
        found = true;
      }
    }
    if (found) continue;
    if (fallback.empty()) {
      throw ConfigError(
          "macs_budget (" + format_number(constraints.macs_m) + "), params_budget (" +
          format_number(constraints.params_m) + ") and latency_budget_ms (" +
          format_number(constraints.latency_ms) + "): no architecture of the space met " +
          "all of them in " + std::to_string(max_attempts) + " draws, and neither the " +
          "cheapest by MACs, nor by parameters, nor by latency does; relax one of them");
    }
    population.push_back(fallback[i % fallback.size()]);
  }
  return population;
}

// DESIGN 1.7, the original's GA; `result` holds the scored first population.
void evolve_original(const SearchSpace& space, const Constraints& constraints,
                     const EvolutionOptions& options, Scorer& scorer, SearchResult& result,
                     Rng& rng, Clock::time_point start) {
  const auto population = static_cast<std::size_t>(options.population);
  const auto pool = static_cast<std::size_t>(options.parents);
  std::vector<Scored> current = result.explored;
  const std::size_t keep = std::max<std::size_t>(1, population / 2);
  const std::size_t genes = space.gene_count();
  for (int generation = 1; generation <= options.generations; ++generation) {
    throw_if_stop_requested("in the search at generation " + std::to_string(generation));
    std::sort(current.begin(), current.end(), better);
    current.resize(std::min(keep, current.size()));
    std::vector<Architecture> children;
    for (std::size_t i = current.size(); i < population; ++i) {
      bool found = false;
      for (int attempt = 0; attempt < options.max_attempts && !found; ++attempt) {
        const Architecture& a = current[rng.below(current.size())].arch;
        const Architecture& b = current[rng.below(current.size())].arch;
        Architecture child = a;
        const auto cut = static_cast<long>(rng.below(genes));
        std::copy(b.genes.begin() + cut, b.genes.end(), child.genes.begin() + cut);
        child = space.mutate(child, options.mutation_prob, rng);
        if (complies(space, constraints, child)) {
          children.push_back(std::move(child));
          found = true;
        }
      }
      if (!found) {
        children.push_back(current[rng.below(current.size())].arch);
        ++result.fallbacks;
      }
    }
    const std::vector<Scored> scored = scorer.score(children);
    current.insert(current.end(), scored.begin(), scored.end());
    record_generation(result, generation, scored, pool, start);
  }
}

}  // namespace

EvolutionOptions EvolutionOptions::from_config(const Config& config) {
  EvolutionOptions o;
  o.population = config.evolution.population;
  o.parents = config.evolution.parents;
  o.mutation_prob = config.evolution.mutation_prob;
  o.generations = config.evolution.generations;
  o.max_attempts = config.evolution.max_attempts;
  o.seed = config.seed;
  o.original = config.evolution.variant == EvolutionVariant::kOriginal;
  return o;
}

SearchResult evolve(const SearchSpace& space, const Constraints& constraints,
                    const EvolutionOptions& options, const Fitness& fitness) {
  const auto start = Clock::now();
  check_feasible(space, constraints);
  Rng rng(derive_seed(options.seed, SeedPurpose::kEvolution));
  SearchResult result;
  Scorer scorer(space, fitness, result);
  const auto population = static_cast<std::size_t>(options.population);
  const auto pool = static_cast<std::size_t>(options.parents);

  record_generation(
      result, 0,
      scorer.score(first_population(space, constraints, population, options.max_attempts, rng)),
      pool, start);

  if (options.original) {
    evolve_original(space, constraints, options, scorer, result, rng, start);
    result.seconds = seconds_since(start);
    return result;
  }
  const std::size_t crossed = population / 2;
  for (int generation = 1; generation <= options.generations; ++generation) {
    throw_if_stop_requested("in the search at generation " + std::to_string(generation));
    std::vector<Architecture> children;
    children.reserve(population);
    for (std::size_t i = 0; i < population; ++i) {
      const Architecture* first = nullptr;
      bool found = false;
      for (int attempt = 0; attempt < options.max_attempts && !found; ++attempt) {
        const Architecture& a = result.top[rng.below(result.top.size())].arch;
        first = &a;
        Architecture child =
            i < crossed ? space.crossover(a, result.top[rng.below(result.top.size())].arch, rng)
                        : space.mutate(a, options.mutation_prob, rng);
        if (complies(space, constraints, child)) {
          children.push_back(std::move(child));
          found = true;
        }
      }
      if (!found) {  // parents always comply
        children.push_back(*first);
        ++result.fallbacks;
      }
    }
    record_generation(result, generation, scorer.score(children), pool, start);
  }
  result.seconds = seconds_since(start);
  return result;
}

std::vector<Scored> pareto_front(std::vector<Scored> explored, CostMeasure measure) {
  const auto cost_of = [measure](const Scored& s) {
    switch (measure) {
      case CostMeasure::kParams: return static_cast<double>(s.cost.params);
      case CostMeasure::kLatency: return s.cost.latency_ms;
      case CostMeasure::kMacs: break;
    }
    return s.cost.macs_m;
  };
  std::sort(explored.begin(), explored.end(), [&](const Scored& a, const Scored& b) {
    if (cost_of(a) != cost_of(b)) return cost_of(a) < cost_of(b);
    return better(a, b);
  });
  std::vector<Scored> front;
  for (auto& s : explored) {
    if (front.empty() || s.fitness > front.back().fitness) front.push_back(std::move(s));
  }
  return front;
}

ParetoResult pareto_search(const SearchSpace& space, const Constraints& constraints, int budgets,
                           const EvolutionOptions& options, const Fitness& fitness) {
  if (!space.has_cost() || constraints.macs_m <= 0) {
    throw ConfigError(
        "evolution.pareto: needs a search space with a cost model and macs_budget > 0 "
        "(the front spans budgets up to it); search_space " +
        space.name() + ", macs_budget " + format_number(constraints.macs_m));
  }
  ParetoResult result;
  std::unordered_set<Architecture, ArchitectureHash> seen;
  const double lo = space.min_macs_m();
  for (int i = 1; i <= budgets; ++i) {
    Constraints at = constraints;
    at.macs_m = lo + (constraints.macs_m - lo) * i / budgets;
    EvolutionOptions o = options;
    o.seed = derive_seed(options.seed, SeedPurpose::kParetoBudget, static_cast<std::uint64_t>(i));
    result.search = evolve(space, at, o, fitness);
    result.budgets.push_back(at.macs_m);
    result.best_per_budget.push_back(result.search.best());
    for (const auto& e : result.search.explored) {
      if (seen.insert(e.arch).second) result.explored.push_back(e);
    }
  }
  result.front = pareto_front(result.explored);
  return result;
}

}  // namespace gnas
