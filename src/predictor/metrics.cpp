#include "gnas/predictor/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "gnas/common/errors.hpp"

namespace gnas {
namespace {

void check_sizes(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  if (a.size() != b.size()) {
    throw Error(std::string(what) + ": " + std::to_string(a.size()) + " true values but " +
                std::to_string(b.size()) + " predictions");
  }
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

// Indices of the k largest values, ties by position.
std::vector<std::size_t> top_k(const std::vector<double>& v, std::size_t k) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&v](std::size_t a, std::size_t b) { return v[a] > v[b]; });
  order.resize(std::min(k, order.size()));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace

double kendall_tau(const std::vector<double>& x, const std::vector<double>& y) {
  check_sizes(x, y, "kendall_tau");
  // O(n^2) pair count: the sets ranked here hold at most a few thousand architectures.
  const std::size_t n = x.size();
  double concordant_minus_discordant = 0, untied_x = 0, untied_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const int sx = (x[i] > x[j]) - (x[i] < x[j]);
      const int sy = (y[i] > y[j]) - (y[i] < y[j]);
      concordant_minus_discordant += sx * sy;
      untied_x += sx != 0;
      untied_y += sy != 0;
    }
  }
  return untied_x > 0 && untied_y > 0 ? concordant_minus_discordant / std::sqrt(untied_x * untied_y)
                                      : 0.0;
}

std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double mean_rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t t = i; t <= j; ++t) ranks[order[t]] = mean_rank;
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  check_sizes(x, y, "spearman");
  if (x.size() < 2) return 0.0;
  return pearson(average_ranks(x), average_ranks(y));
}

double mean_absolute_error(const std::vector<double>& truth, const std::vector<double>& predicted) {
  check_sizes(truth, predicted, "mean_absolute_error");
  if (truth.empty()) return 0.0;
  double sum = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) sum += std::abs(truth[i] - predicted[i]);
  return sum / static_cast<double>(truth.size());
}

double precision_at_k(const std::vector<double>& truth, const std::vector<double>& predicted,
                      std::size_t k) {
  check_sizes(truth, predicted, "precision_at_k");
  if (truth.empty() || k == 0) return 0.0;
  const auto a = top_k(truth, k);
  const auto b = top_k(predicted, k);
  std::vector<std::size_t> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  return static_cast<double>(common.size()) / static_cast<double>(a.size());
}

RankMetrics rank_metrics(const std::vector<double>& truth, const std::vector<double>& predicted) {
  RankMetrics m;
  m.kendall_tau = kendall_tau(truth, predicted);
  m.spearman = spearman(truth, predicted);
  m.mae = mean_absolute_error(truth, predicted);
  m.precision_at_5 = precision_at_k(truth, predicted, 5);
  m.precision_at_10 = precision_at_k(truth, predicted, 10);
  m.count = truth.size();
  return m;
}

}  // namespace gnas
