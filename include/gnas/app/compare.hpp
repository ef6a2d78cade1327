#pragma once

// `evaluate --compare`: the random samples, the random-search baseline and the searched answer side
// by side.

#include <spdlog/logger.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"

namespace gnas {

/// One architecture of the comparison.
struct CompareEntry {
  std::string
      source;  ///< sampled (random draws) | refined (refinement rounds) | random_search | evolution
  std::string arch;
  double macs_m = 0;
  std::int64_t params = 0;
  double accuracy = 0;         ///< fraction
  bool true_accuracy = false;  ///< a measured (or looked-up) label, else the predictor's value
  bool within_budgets = true;  ///< meets macs_budget, params_budget and latency_budget_ms
};

struct CompareResult {
  std::vector<CompareEntry> entries;
  std::string csv;   ///< <log_dir>/compare.csv
  std::string plot;  ///< <log_dir>/compare.svg
  double seconds = 0;
};

/// The files `evaluate --compare` reads (the benchmark table too, when set).
std::vector<std::string> compare_inputs(const Config& config);

/// `evaluate --compare`: the labelled random samples (path_to_train_data; those whose source in
/// path_to_architecture is not `sampled` are marked as refinement rounds'), the random-search
/// baseline's best (<log_dir>/random_search_architecture.csv, when present) and the evolved
/// architecture (path_to_evolution_architecture) on one MACs-vs-accuracy plot, with true
/// accuracies where the labels, the benchmark table or a final training of that architecture
/// (<log_dir>/train_final_summary.yml) have them, else the predicted one (marked). Prints the best
/// sample within the budgets beside the searched ones. Throws DataError for a missing input.
CompareResult run_compare(const Config& config, spdlog::logger& log, std::ostream& out);

}  // namespace gnas
