#include <gtest/gtest.h>

#include "gnas/common/errors.hpp"
#include "gnas/predictor/metrics.hpp"

namespace gnas {
namespace {

// Hand-checked: of the 10 pairs, 7 concordant and 3 discordant -> (7 - 3) / 10.
TEST(Metrics, KendallTauWithoutTies) {
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 3, 4, 5}, {3, 1, 2, 5, 4}), 0.4);
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 3}, {1, 2, 3}), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 3}, {3, 2, 1}), -1.0);
}

// Hand-checked tau-b: C - D = 3 - 1 = 2; 5 pairs untied in x, 5 untied in y -> 2 / sqrt(5 * 5).
TEST(Metrics, KendallTauBCountsTies) {
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 2, 3}, {1, 3, 2, 2}), 0.4);
  // All of y tied: no ordering information.
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 3}, {5, 5, 5}), 0.0);
  // One tie in x only: C - D = 2, untied 2 in x, 3 in y -> 2 / sqrt(6).
  EXPECT_NEAR(kendall_tau({1, 1, 2}, {1, 2, 3}), 2 / std::sqrt(6.0), 1e-15);
}

// Hand-checked: d = (-2, 1, 1, -1, 1), sum d^2 = 8 -> 1 - 6 * 8 / (5 * 24) = 0.6.
TEST(Metrics, SpearmanWithoutTies) {
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {3, 1, 2, 5, 4}), 0.6, 1e-12);
}

// Hand-checked: ranks (1, 2.5, 2.5, 4) and (1, 4, 2.5, 2.5): covariance 2.25, variances 4.5.
TEST(Metrics, SpearmanGivesTiesTheirMeanRank) {
  EXPECT_EQ(average_ranks({10, 20, 20, 30}), (std::vector<double>{1, 2.5, 2.5, 4}));
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 3, 2, 2}), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3}, {4, 4, 4}), 0.0);
}

TEST(Metrics, MaeAndPrecisionAtK) {
  EXPECT_DOUBLE_EQ(mean_absolute_error({0.5, 0.6}, {0.4, 0.9}), 0.2);
  const std::vector<double> truth{0.9, 0.8, 0.7, 0.1, 0.2, 0.3};
  const std::vector<double> predicted{0.1, 0.8, 0.7, 0.9, 0.2, 0.3};
  EXPECT_DOUBLE_EQ(precision_at_k(truth, predicted, 2), 0.5);        // {0, 1} vs {3, 1}
  EXPECT_DOUBLE_EQ(precision_at_k(truth, predicted, 3), 2.0 / 3.0);  // {0, 1, 2} vs {3, 1, 2}
  EXPECT_DOUBLE_EQ(precision_at_k(truth, predicted, 10), 1.0);       // k capped at n
  const RankMetrics m = rank_metrics(truth, truth);
  EXPECT_DOUBLE_EQ(m.kendall_tau, 1.0);
  EXPECT_DOUBLE_EQ(m.precision_at_5, 1.0);
  EXPECT_EQ(m.count, 6u);
}

TEST(Metrics, SizeMismatchIsAnError) {
  EXPECT_THROW(kendall_tau({1, 2}, {1}), Error);
  EXPECT_THROW(spearman({1, 2}, {1}), Error);
  EXPECT_THROW(precision_at_k({1, 2}, {1}, 1), Error);
}

}  // namespace
}  // namespace gnas
