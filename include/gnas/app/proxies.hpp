#pragma once

#include <spdlog/logger.h>

#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

struct ProxiesOptions {
  std::string arch_file;          ///< architectures to score; empty: path_to_architecture
  std::vector<std::string> data;  ///< labelled CSV files; non-empty: rank agreement with them
};

/// One proxy's rank agreement with the labels of the scored architectures that have one.
struct ProxyAgreement {
  std::string proxy;  ///< a proxies.names entry, or params / macs_m
  std::size_t n = 0;  ///< labelled architectures with a finite score
  double spearman = 0;
  double kendall_tau = 0;
};

struct ProxiesResult {
  std::vector<std::string> columns;         ///< params, macs_m, then config.proxies.names
  std::vector<std::vector<double>> scores;  ///< per architecture, `columns` order (NaN/inf kept)
  std::vector<ProxyAgreement> agreement;    ///< with options.data only
  bool stand_in = false;                    ///< the minibatch is seeded noise (benchmark mode)
  std::string output;                       ///< <log_dir>/proxies.csv
  double archs_per_second = 0;
  double seconds = 0;
};

/// Zero-cost scores of architectures: params, macs_m, then config.proxies.names.
struct ProxyScores {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> scores;  ///< per architecture, `columns` order (NaN/inf kept)
  bool stand_in = false;                    ///< the minibatch is seeded noise (benchmark mode)
  double archs_per_second = 0;
};

/// Scores `archs` (valid in `space`) as `evaluate --proxies` does (same minibatch, same seed).
ProxyScores score_architectures(const Config& config, const SearchSpace& space,
                                const std::vector<Architecture>& archs, spdlog::logger& log);

/// A score as the CSVs write it: the number, or nan / inf / -inf.
std::string format_score(double v);

/// Per architecture, the mean over config.proxies.names of its rank fraction in that proxy
/// (1 = the highest score of all, 0 = the lowest; a non-finite score ranks lowest): the proxies'
/// ensemble vote, which no single proxy's scale dominates.
std::vector<double> ensemble_rank(const ProxyScores& scores);

/// `evaluate --proxies [--arch-file PATH] [--data FILE...]`: scores every architecture of the file
/// with config.proxies.names on one seeded minibatch of proxies.batch_size training images of the
/// configured data set, every network initialised from the same seed. In benchmark mode
/// (benchmark_table set: the table's images are not here) the minibatch is a documented
/// stand-in, seeded standard-normal images with uniform labels, and the summary says so. Writes
/// <log_dir>/proxies.csv (`arch,params,macs_m,<proxy>...`, non-finite scores as nan / inf / -inf)
/// and <log_dir>/evaluate_proxies_summary.yml; with `data`, each column's Spearman and Kendall tau
/// against the labels (over finite scores), also printed on `out`. Throws ConfigError for a
/// space without networks, DataError for missing or malformed files (the data set's included).
ProxiesResult run_proxies(const Config& config, const ProxiesOptions& options, spdlog::logger& log,
                          std::ostream& out);

}  // namespace gnas
