#pragma once

// The evolutionary search of DESIGN 1.7 over any search space, under hardware constraints
// (search/constraints.hpp), with a batched, memoised fitness (search/scoring.hpp); and its Pareto
// mode.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gnas/search/constraints.hpp"
#include "gnas/search/scoring.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

struct Config;

struct EvolutionOptions {
  int population = 20;
  int parents = 10;
  double mutation_prob = 0.1;
  int generations = 1000;
  int max_attempts = 1000;  ///< redraws of one child before falling back to a parent's copy
  std::uint64_t seed = 0;
  bool original = false;  ///< the original's GA (DESIGN 1.7) instead of gnas's engine

  static EvolutionOptions from_config(const Config& config);
};

/// DESIGN 1.7: a first population drawn by the space's rule within the constraints; then each
/// generation P/2 children by single-point crossover of two parents and P/2 by mutating one,
/// parents drawn uniformly from the best `parents` architectures seen so far. A child that is
/// invalid or breaks a constraint is redrawn (at most max_attempts times, then a copy of a parent,
/// which always complies). Deterministic for a given seed and fitness.
/// With options.original, the original's GA: each generation keeps the best P/2 of the current
/// population as parents and adds P/2 children, each a single-point crossover of two random
/// parents (cut uniform in [0, genes)) followed by mutation. The answer is the best seen.
SearchResult evolve(const SearchSpace& space, const Constraints& constraints,
                    const EvolutionOptions& options, const Fitness& fitness);

/// The architectures of `explored` that no other beats on both counts: sorted by `measure`, each
/// with a higher fitness than every cheaper one (ties in cost: the fitter; equal points once).
std::vector<Scored> pareto_front(std::vector<Scored> explored,
                                 CostMeasure measure = CostMeasure::kMacs);

struct ParetoResult {
  SearchResult search;          ///< the search at the largest budget
  std::vector<double> budgets;  ///< MACs budgets searched, ascending
  std::vector<Scored> best_per_budget;
  std::vector<Scored> explored;  ///< every architecture any search scored, once
  std::vector<Scored> front;     ///< pareto_front(explored)
};

/// Pareto mode: evolve() at `budgets` MACs budgets evenly spaced from the space's minimum up to
/// constraints.macs_m (each with its own seed), and the front over everything they scored.
ParetoResult pareto_search(const SearchSpace& space, const Constraints& constraints, int budgets,
                           const EvolutionOptions& options, const Fitness& fitness);

}  // namespace gnas
