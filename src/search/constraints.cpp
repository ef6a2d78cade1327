#include "gnas/search/constraints.hpp"

#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

std::string Constraints::violation(const Cost& cost) const {
  if (macs_m > 0 && cost.macs_m > macs_m) {
    return format_fixed(cost.macs_m, 6) + " M MACs > macs_budget " + format_number(macs_m);
  }
  if (params_m > 0 && static_cast<double>(cost.params) / 1e6 > params_m) {
    return std::to_string(cost.params) + " parameters > params_budget " + format_number(params_m) +
           " M";
  }
  if (latency_ms > 0 && cost.latency_ms > latency_ms) {
    return format_fixed(cost.latency_ms, 4) + " ms > latency_budget_ms " +
           format_number(latency_ms);
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
      throw ConfigError("latency_budget_ms (" + format_number(constraints.latency_ms) +
                        "): must be >= " + format_fixed(least, 4) +
                        ", the lowest latency (ms) any architecture of the " +
                        "space has by the latency table");
    }
  }
  if (constraints.macs_m > 0 && space.min_macs_m() > constraints.macs_m) {
    throw ConfigError("macs_budget (" + format_number(constraints.macs_m) +
                      "): must be >= " + format_fixed(space.min_macs_m(), 6) +
                      ", the fewest MACs (millions) any architecture of the space has");
  }
  if (constraints.params_m > 0) {
    const double least =
        static_cast<double>(space.cost(space.cheapest(CostMeasure::kParams)).params) / 1e6;
    if (least > constraints.params_m) {
      throw ConfigError("params_budget (" + format_number(constraints.params_m) +
                        "): must be >= " + format_fixed(least, 6) +
                        ", the fewest parameters (millions) any architecture of the space has");
    }
  }
}

bool complies(const SearchSpace& space, const Constraints& constraints, const Architecture& arch) {
  return space.is_valid(arch) && constraints.violation(space.cost(arch)).empty();
}

}  // namespace gnas
