#pragma once

// The baseline the evolution is measured against: as many architectures drawn at random within the
// constraints as the search scores.

#include <cstddef>

#include "gnas/search/constraints.hpp"
#include "gnas/search/evolution.hpp"
#include "gnas/search/scoring.hpp"

namespace gnas {

/// The baseline: `queries` distinct architectures drawn by the space's rule within the
/// constraints (rejection, bounded), scored in batches; same result shape as evolve().
SearchResult random_search(const SearchSpace& space, const Constraints& constraints,
                           std::size_t queries, const EvolutionOptions& options,
                           const Fitness& fitness);

}  // namespace gnas
