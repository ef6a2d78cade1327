#include "gnas/search/evolution.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "gnas/common/clock.hpp"
#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/stop.hpp"

namespace gnas {
namespace {

// Scores architectures once each: a batch's new members go to the fitness in one call.
class Scorer {
 public:
  Scorer(const SearchSpace& space, const Fitness& fitness, SearchResult& result)
      : space_(space), fitness_(fitness), result_(result) {}

  std::vector<Scored> score(const std::vector<Architecture>& batch) {
    std::vector<Architecture> fresh;
    for (const auto& arch : batch) {
      if (index_.count(arch)) continue;
      index_.emplace(arch, result_.explored.size() + fresh.size());
      fresh.push_back(arch);
    }
    if (!fresh.empty()) {
      const std::vector<double> values = fitness_(fresh);
      if (values.size() != fresh.size()) {
        throw Error("the fitness returned " + std::to_string(values.size()) + " values for " +
                    std::to_string(fresh.size()) + " architectures");
      }
      for (std::size_t i = 0; i < fresh.size(); ++i) {
        result_.explored.push_back({fresh[i], values[i], space_.cost(fresh[i])});
      }
      result_.queries = result_.explored.size();
    }
    std::vector<Scored> out;
    out.reserve(batch.size());
    for (const auto& arch : batch) out.push_back(result_.explored[index_.at(arch)]);
    return out;
  }

 private:
  const SearchSpace& space_;
  const Fitness& fitness_;
  SearchResult& result_;
  std::unordered_map<Architecture, std::size_t, ArchitectureHash> index_;
};

bool complies(const SearchSpace& space, const Constraints& constraints, const Architecture& arch) {
  return space.is_valid(arch) && constraints.violation(space.cost(arch)).empty();
}

// Best first; ties broken by the genome so that results do not depend on arrival order.
bool better(const Scored& a, const Scored& b) {
  return a.fitness != b.fitness ? a.fitness > b.fitness : a.arch < b.arch;
}

void merge_top(std::vector<Scored>& top, const std::vector<Scored>& candidates, std::size_t k) {
  for (const auto& c : candidates) {
    const bool known = std::any_of(top.begin(), top.end(), [&](const Scored& t) { return t.arch == c.arch; });
    if (!known) top.push_back(c);
  }
  std::sort(top.begin(), top.end(), better);
  if (top.size() > k) top.resize(k);
}

// `count` compliant draws by the space's rule (each at most max_attempts tries); when draws run
// out, the cheapest compliant architecture stands in, so a tight budget still gets a population.
std::vector<Architecture> first_population(const SearchSpace& space, const Constraints& constraints,
                                           std::size_t count, int max_attempts, Rng& rng) {
  std::vector<Architecture> population;
  std::vector<Architecture> fallback;
  for (const CostMeasure measure : {CostMeasure::kMacs, CostMeasure::kParams, CostMeasure::kLatency}) {
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
      throw ConfigError("macs_budget (" + format_number(constraints.macs_m) + "), params_budget (" +
                        format_number(constraints.params_m) + ") and latency_budget_ms (" +
                        format_number(constraints.latency_ms) + "): no architecture of the space met " +
                        "all of them in " + std::to_string(max_attempts) + " draws, and neither the " +
                        "cheapest by MACs, nor by parameters, nor by latency does; relax one of them");
    }
    population.push_back(fallback[i % fallback.size()]);
  }
  return population;
}

// Folds one generation (or batch) into the pool of the best and the history.
void record_generation(SearchResult& result, int generation, const std::vector<Scored>& members,
                       std::size_t pool, Clock::time_point start) {
  merge_top(result.top, members, pool);
  double sum = 0;
  for (const auto& m : members) sum += m.fitness;
  result.history.push_back({generation, result.top.front().fitness,
                            sum / static_cast<double>(members.size()), result.explored.size(),
                            seconds_since(start)});
}

// DESIGN 1.7, the original's GA; `result` holds the scored first population.
void evolve_original(const SearchSpace& space, const Constraints& constraints,
                     const EvolutionOptions& options, Scorer& scorer, SearchResult& result, Rng& rng,
                     Clock::time_point start) {
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

std::string Constraints::violation(const Cost& cost) const {
  if (macs_m > 0 && cost.macs_m > macs_m) {
    return format_fixed(cost.macs_m, 6) + " M MACs > macs_budget " + format_number(macs_m);
  }
  if (params_m > 0 && static_cast<double>(cost.params) / 1e6 > params_m) {
    return std::to_string(cost.params) + " parameters > params_budget " + format_number(params_m) + " M";
  }
  if (latency_ms > 0 && cost.latency_ms > latency_ms) {
    return format_fixed(cost.latency_ms, 4) + " ms > latency_budget_ms " + format_number(latency_ms);
  }
  return {};
}

void check_feasible(const SearchSpace& space, const Constraints& constraints) {
  if (!space.has_cost()) {
    if (constraints.macs_m > 0 || constraints.params_m > 0 || constraints.latency_ms > 0) {
      throw ConfigError("search_space (" + space.name() + "): has no cost model, so macs_budget, " +
                        "params_budget and latency_budget_ms cannot apply; set them to 0");
    }
    return;
  }
  if (constraints.latency_ms > 0) {
    if (!space.has_latency()) {
      throw ConfigError("latency_budget_ms (" + format_number(constraints.latency_ms) +
                        "): needs latency_table (evaluate --profile-latency measures one)");
    }
    const double least = space.cost(space.cheapest(CostMeasure::kLatency)).latency_ms;
    if (least > constraints.latency_ms) {
      throw ConfigError("latency_budget_ms (" + format_number(constraints.latency_ms) + "): must be >= " +
                        format_fixed(least, 4) + ", the lowest latency (ms) any architecture of the " +
                        "space has by the latency table");
    }
  }
  if (constraints.macs_m > 0 && space.min_macs_m() > constraints.macs_m) {
    throw ConfigError("macs_budget (" + format_number(constraints.macs_m) + "): must be >= " +
                      format_fixed(space.min_macs_m(), 6) +
                      ", the fewest MACs (millions) any architecture of the space has");
  }
  if (constraints.params_m > 0) {
    const double least = static_cast<double>(space.cost(space.cheapest(CostMeasure::kParams)).params) / 1e6;
    if (least > constraints.params_m) {
      throw ConfigError("params_budget (" + format_number(constraints.params_m) + "): must be >= " +
                        format_fixed(least, 6) +
                        ", the fewest parameters (millions) any architecture of the space has");
    }
  }
}

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

  record_generation(result, 0,
                    scorer.score(first_population(space, constraints, population,
                                                  options.max_attempts, rng)),
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
        Architecture child = i < crossed
                                 ? space.crossover(a, result.top[rng.below(result.top.size())].arch, rng)
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
    throw ConfigError("evolution.pareto: needs a search space with a cost model and macs_budget > 0 "
                      "(the front spans budgets up to it); search_space " + space.name() +
                      ", macs_budget " + format_number(constraints.macs_m));
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
    throw_if_stop_requested("in the random search after " + std::to_string(drawn.size() - batch.size()) +
                            " architectures");
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
    throw ConfigError("macs_budget (" + format_number(constraints.macs_m) + "): random search drew " +
                      "no architecture within the constraints in " + std::to_string(attempts) +
                      " draws; raise the budget or evolution.max_attempts");
  }
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace gnas
