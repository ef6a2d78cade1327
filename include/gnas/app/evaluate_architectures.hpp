#pragma once

// `evaluate --arch-file PATH`: costs and measured latency of the architectures of a file.

#include <spdlog/logger.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"

namespace gnas {

struct ArchitectureReport {
  std::string arch;              ///< the space's text form
  double macs_m = 0;             ///< analytic MACs, millions
  std::int64_t params = 0;       ///< parameters
  double latency_ms = 0;         ///< median CPU forward time at batch 1
  double table_latency_ms = -1;  ///< latency_table's prediction; < 0 without a table
};

struct EvaluateArchitecturesResult {
  std::vector<ArchitectureReport> rows;
  std::string output;  ///< the CSV written
  double seconds = 0;
};

/// `evaluate --arch-file PATH`: for every architecture of `arch_file` (the project's CSV or the
/// original's adjacency CSV) the MACs, parameters and measured CPU latency (batch 1, median of
/// latency.repeats runs after latency.warmup); printed as a table on `out`, written to
/// `<log_dir>/evaluate_architectures.csv` and summarised in
/// `<log_dir>/evaluate_architectures_summary.yml`. Throws DataError for a missing or malformed
/// file. `time_latency` false (`--no-latency`): costs only, no network is built or timed (~25 ms an
/// architecture saved), and the CSV has no latency_ms column.
EvaluateArchitecturesResult run_evaluate_architectures(const Config& config,
                                                       const std::string& arch_file,
                                                       spdlog::logger& log, std::ostream& out,
                                                       bool time_latency = true);

}  // namespace gnas
