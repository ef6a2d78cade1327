#pragma once

// Hardware budgets an architecture must respect (macs_budget, params_budget, latency_budget_ms):
// what the search, the random-search baseline and the final pick all check.

#include <string>

#include "gnas/space/search_space.hpp"

namespace gnas {

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

/// Whether `arch` is valid in `space` and within every limit.
bool complies(const SearchSpace& space, const Constraints& constraints, const Architecture& arch);

}  // namespace gnas
