#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"

namespace gnas {

struct ArchitectureReport {
  std::string arch;         ///< the space's text form
  double macs_m = 0;        ///< analytic MACs, millions
  std::int64_t params = 0;  ///< parameters
  double latency_ms = 0;    ///< median CPU forward time at batch 1
};

struct EvaluateArchitecturesResult {
  std::vector<ArchitectureReport> rows;
  std::string output;  ///< the CSV written
  double seconds = 0;
};

/// `evaluate --arch-file PATH`: for every architecture of `arch_file` (the project's CSV or the
/// original's adjacency CSV) the MACs, parameters and measured CPU latency (batch 1, median of
/// latency.repeats runs after latency.warmup); printed as a table on `out`, written to
/// `<log_dir>/evaluate_architectures.csv` and summarised in `<log_dir>/evaluate_summary.yml`.
/// Throws DataError for a missing or malformed file.
EvaluateArchitecturesResult run_evaluate_architectures(const Config& config,
                                                       const std::string& arch_file,
                                                       spdlog::logger& log, std::ostream& out);

}  // namespace gnas
