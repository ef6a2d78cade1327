#pragma once

// Rank and error metrics of predicted against true accuracies, written once for every step that
// reports them (train_predictor, evaluate, benchmark mode).

#include <cstddef>
#include <vector>

namespace gnas {

/// Kendall's tau-b: (concordant - discordant) / sqrt((n0 - ties_x) (n0 - ties_y)), n0 = n(n-1)/2,
/// ties counted as pairs tied in x (resp. y). 0 when either side is constant or n < 2.
/// Throws Error when the sizes differ.
double kendall_tau(const std::vector<double>& x, const std::vector<double>& y);

/// Spearman's rho: Pearson correlation of the ranks, tied values sharing their mean rank.
/// 0 when either side is constant or n < 2. Throws Error when the sizes differ.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

/// Mean absolute error. 0 for empty input. Throws Error when the sizes differ.
double mean_absolute_error(const std::vector<double>& truth, const std::vector<double>& predicted);

/// Share of the true top-k (highest `truth`) that is also in the predicted top-k (highest
/// `predicted`); k is capped at n. Ties are broken by position (earlier first), so the answer is
/// deterministic. 0 for empty input. Throws Error when the sizes differ.
double precision_at_k(const std::vector<double>& truth, const std::vector<double>& predicted,
                      std::size_t k);

/// Ranks 1..n of `v`, ties sharing their mean rank.
std::vector<double> average_ranks(const std::vector<double>& v);

/// Every metric the predictor steps report.
struct RankMetrics {
  double kendall_tau = 0;
  double spearman = 0;
  double mae = 0;  ///< in the unit of the inputs (fractions)
  double precision_at_5 = 0;
  double precision_at_10 = 0;
  std::size_t count = 0;
};

RankMetrics rank_metrics(const std::vector<double>& truth, const std::vector<double>& predicted);

}  // namespace gnas
