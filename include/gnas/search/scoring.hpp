#pragma once

// What a search returns, and how it scores: each architecture once, a batch's new members in one
// call of the fitness.

#include <chrono>
#include <cstddef>
#include <functional>
#include <unordered_map>
#include <vector>

#include "gnas/common/clock.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

/// Scores a batch of architectures (higher is better); called once per generation with the
/// architectures never scored before.
using Fitness = std::function<std::vector<double>(const std::vector<Architecture>&)>;

struct Scored {
  Architecture arch;
  double fitness = 0;
  Cost cost;
};

struct GenerationRecord {
  int generation = 0;      ///< 0 = the initial population
  double best = 0;         ///< best fitness seen so far
  double mean = 0;         ///< mean fitness of this generation's population
  std::size_t unique = 0;  ///< architectures scored so far
  double seconds = 0;      ///< since the search started
};

struct SearchResult {
  std::vector<Scored> top;       ///< the best seen, best first (the parents' pool)
  std::vector<Scored> explored;  ///< every architecture scored, in scoring order
  std::vector<GenerationRecord> history;
  std::size_t queries = 0;    ///< fitness evaluations (= explored.size())
  std::size_t fallbacks = 0;  ///< children that ran out of attempts (a parent's copy)
  double seconds = 0;

  const Scored& best() const { return top.front(); }
};

// Scores architectures once each: a batch's new members go to the fitness in one call.
class Scorer {
 public:
  Scorer(const SearchSpace& space, const Fitness& fitness, SearchResult& result)
      : space_(space), fitness_(fitness), result_(result) {}

  /// The scored form of every member of `batch`, in its order; the members never scored before
  /// go to the fitness in one call and are appended to the result's `explored`. Throws Error when
  /// the fitness returns another number of values.
  std::vector<Scored> score(const std::vector<Architecture>& batch);

 private:
  const SearchSpace& space_;
  const Fitness& fitness_;
  SearchResult& result_;
  std::unordered_map<Architecture, std::size_t, ArchitectureHash> index_;
};

/// Best first; ties broken by the genome so that results do not depend on arrival order.
bool better(const Scored& a, const Scored& b);

/// Folds one generation (or batch) of scored members into the pool of the best `pool` and the
/// history.
void record_generation(SearchResult& result, int generation, const std::vector<Scored>& members,
                       std::size_t pool, Clock::time_point start);

}  // namespace gnas
