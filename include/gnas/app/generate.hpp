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

struct RefineResult {
  int round = 0;
  std::vector<Architecture> added;  ///< appended to path_to_architecture, best predicted first
  std::size_t total = 0;            ///< architectures in the file afterwards
};

/// `generate --refine R`, round R of iterative refinement (search.rounds): appends to
/// path_to_architecture the search.per_round architectures of <log_dir>/evolution_explored.csv
/// with the highest predicted accuracy that are neither in the file nor labelled, until the file
/// holds sample_count + R x per_round. A file that already holds that many is left alone, so a
/// repeated call adds nothing; one that misses earlier rounds is a DataError. Round
/// search.rounds + 1 with search.verify > 0 is the verification round (`generate --verify`): it
/// adds search.verify architectures the same way.
RefineResult run_refine(const Config& config, int round, spdlog::logger& log);

}  // namespace gnas
