#pragma once

#include <spdlog/logger.h>

#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/architecture.hpp"

namespace gnas {

struct GenerateResult {
  std::vector<Architecture> archs;  ///< distinct, in draw order
  double macs_min_m = 0;
  double macs_median_m = 0;
  double macs_max_m = 0;
  double seconds = 0;
};

/// The `generate` step: draws `sample_count` distinct architectures (DESIGN 1.4; within
/// macs_budget when sampling.within_budget), writes path_to_architecture (id, arch, macs_m,
/// params) and `<log_dir>/generate_summary.yml`, and logs MACs min/median/max and how often each
/// op was chosen per layer. Throws ConfigError for an infeasible budget, Error when the draws run
/// out (sampling.max_attempts).
GenerateResult run_generate(const Config& config, spdlog::logger& log);

}  // namespace gnas
