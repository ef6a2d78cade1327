#pragma once

// The evolutionary search of DESIGN 1.7 over any search space, under hardware constraints, with
// a batched, memoised fitness; and the random-search baseline that spends the same queries.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gnas/space/search_space.hpp"

namespace gnas {

struct Config;

/// Hardware limits an architecture must respect; 0 = no limit.
struct Constraints {
  double macs_m = 0;      ///< millions of MACs
  double params_m = 0;    ///< millions of parameters
  double latency_ms = 0;  ///< ms at batch 1, as the space's latency table predicts

  /// Empty when `cost` is within every limit, else which limit it breaks.
  std::string violation(const Cost& cost) const;
};

/// Fails fast with ConfigError naming the budget key and the smallest value the space allows
/// when no architecture can meet a limit on its own (both limits together are checked while
/// drawing the first population).
void check_feasible(const SearchSpace& space, const Constraints& constraints);

struct EvolutionOptions {
  int population = 20;
  int parents = 10;
  double mutation_prob = 0.1;
  int generations = 1000;
  int max_attempts = 1000;  ///< redraws of one child before falling back to a parent's copy
  std::uint64_t seed = 0;
  bool original = false;    ///< the original's GA (DESIGN 1.7) instead of gnas's engine

  static EvolutionOptions from_config(const Config& config);
};

/// Scores a batch of architectures (higher is better); called once per generation with the
/// architectures never scored before.
using Fitness = std::function<std::vector<double>(const std::vector<Architecture>&)>;

struct Scored {
  Architecture arch;
  double fitness = 0;
  Cost cost;
};

struct GenerationRecord {
  int generation = 0;     ///< 0 = the initial population
  double best = 0;        ///< best fitness seen so far
  double mean = 0;        ///< mean fitness of this generation's population
  std::size_t unique = 0; ///< architectures scored so far
  double seconds = 0;     ///< since the search started
};

struct SearchResult {
  std::vector<Scored> top;               ///< the best seen, best first (the parents' pool)
  std::vector<Scored> explored;          ///< every architecture scored, in scoring order
  std::vector<GenerationRecord> history;
  std::size_t queries = 0;               ///< fitness evaluations (= explored.size())
  std::size_t fallbacks = 0;             ///< children that ran out of attempts (a parent's copy)
  double seconds = 0;

  const Scored& best() const { return top.front(); }
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
std::vector<Scored> pareto_front(std::vector<Scored> explored, CostMeasure measure = CostMeasure::kMacs);

struct ParetoResult {
  SearchResult search;                 ///< the search at the largest budget
  std::vector<double> budgets;         ///< MACs budgets searched, ascending
  std::vector<Scored> best_per_budget;
  std::vector<Scored> explored;        ///< every architecture any search scored, once
  std::vector<Scored> front;           ///< pareto_front(explored)
};

/// Pareto mode: evolve() at `budgets` MACs budgets evenly spaced from the space's minimum up to
/// constraints.macs_m (each with its own seed), and the front over everything they scored.
ParetoResult pareto_search(const SearchSpace& space, const Constraints& constraints, int budgets,
                           const EvolutionOptions& options, const Fitness& fitness);

/// The baseline: `queries` distinct architectures drawn by the space's rule within the
/// constraints (rejection, bounded), scored in batches; same result shape as evolve().
SearchResult random_search(const SearchSpace& space, const Constraints& constraints,
                           std::size_t queries, const EvolutionOptions& options,
                           const Fitness& fitness);

}  // namespace gnas
