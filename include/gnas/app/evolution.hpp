#pragma once

#include <spdlog/logger.h>

#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/search/evolution.hpp"

namespace gnas {

struct EvolutionRunResult {
  SearchResult search;
  std::string output;  ///< path_to_evolution_architecture
};

/// The files a search reads: predictor_pretrained and latency_table (when set).
std::vector<std::string> evolution_inputs(const Config& config);

/// `evolution`: loads predictor_pretrained, checks the budgets (macs_budget, params_budget) are
/// feasible, runs the evolutionary search (or, with `random_search`, the baseline spending as
/// many predictor queries: population x (generations + 1)) and writes the best architecture to
/// path_to_evolution_architecture (id, arch, predicted, macs_m, params), the pool of the best to
/// <log_dir>/evolution_topk.csv, the per-generation record to <log_dir>/evolution_history.csv,
/// every architecture scored to <log_dir>/evolution_explored.csv, two SVG plots and the summary.
/// Throws ConfigError for an infeasible budget, DataError for a missing or foreign predictor.
EvolutionRunResult run_evolution(const Config& config, bool random_search, spdlog::logger& log);

}  // namespace gnas
