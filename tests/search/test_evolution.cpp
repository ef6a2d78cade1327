#include <gtest/gtest.h>

#include <csignal>
#include <set>

#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/search/evolution.hpp"
#include "gnas/search/random_search.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {
namespace {

// 3 layers x 4 ops: 15^3 = 3375 architectures, few enough for brute force.
LayerwiseSpace small_space() {
  Config c;
  c.ops_name = {OpKind::kSkip, OpKind::kSepConv3, OpKind::kSepConv5, OpKind::kDilConv3};
  c.l_cfgs = {{16, 1}, {32, 2}, {40, 2}};
  return LayerwiseSpace(MacroShape::from_config(c));
}

std::vector<Architecture> all_valid(const SearchSpace& space) {
  std::vector<Architecture> out;
  const std::size_t n = space.gene_count();
  for (std::uint32_t bits = 0; bits < (1U << n); ++bits) {
    Architecture a;
    for (std::size_t i = 0; i < n; ++i)
      a.genes.push_back(static_cast<std::uint8_t>((bits >> i) & 1U));
    if (space.is_valid(a)) out.push_back(a);
  }
  return out;
}

// A known fitness: fixed weights per gene plus one interaction, so that the constrained optimum
// is a knapsack-like choice, not simply the most expensive architecture.
double known_fitness(const Architecture& a) {
  static const double w[12] = {0.30, 0.52, 0.61, 0.44, 0.25, 0.70,
                               0.66, 0.35, 0.20, 0.48, 0.90, 0.41};
  double f = 0;
  for (std::size_t i = 0; i < a.genes.size(); ++i) f += w[i] * a.genes[i];
  return f + 0.5 * a.genes[1] * a.genes[10];
}

struct CountingFitness {
  std::vector<Architecture> seen;
  Fitness function() {
    return [this](const std::vector<Architecture>& archs) {
      std::vector<double> out;
      for (const auto& a : archs) {
        seen.push_back(a);
        out.push_back(known_fitness(a));
      }
      return out;
    };
  }
};

double brute_force_best(const SearchSpace& space, const Constraints& constraints) {
  double best = -1;
  for (const auto& a : all_valid(space)) {
    if (constraints.violation(space.cost(a)).empty()) best = std::max(best, known_fitness(a));
  }
  return best;
}

TEST(Evolution, FindsTheConstrainedOptimumOfEveryBudget) {
  const LayerwiseSpace space = small_space();
  double lo = 1e9, hi = 0;
  for (const auto& a : all_valid(space)) {
    lo = std::min(lo, space.cost(a).macs_m);
    hi = std::max(hi, space.cost(a).macs_m);
  }
  EXPECT_DOUBLE_EQ(lo, space.min_macs_m());
  for (const double budget : {space.min_macs_m(), lo + 0.1 * (hi - lo), (lo + hi) / 2, hi}) {
    const Constraints constraints{budget, 0};
    CountingFitness counter;
    const SearchResult r = evolve(space, constraints, EvolutionOptions{}, counter.function());
    EXPECT_DOUBLE_EQ(r.best().fitness, brute_force_best(space, constraints)) << "budget " << budget;
    for (const auto& e : r.explored) {
      EXPECT_TRUE(space.is_valid(e.arch));
      EXPECT_EQ(constraints.violation(e.cost), "") << space.format(e.arch);
    }
    // Memoised: every architecture reaches the fitness exactly once.
    const std::set<Architecture> unique(counter.seen.begin(), counter.seen.end());
    EXPECT_EQ(unique.size(), counter.seen.size());
    EXPECT_EQ(r.queries, counter.seen.size());
    EXPECT_EQ(r.history.size(), 1001u);
  }
}

TEST(Evolution, RespectsAParameterBudgetToo) {
  const LayerwiseSpace space = small_space();
  const double least =
      static_cast<double>(space.cost(space.cheapest(CostMeasure::kParams)).params) / 1e6;
  const Constraints constraints{0, least * 1.02};
  CountingFitness counter;
  const SearchResult r = evolve(space, constraints, EvolutionOptions{}, counter.function());
  for (const auto& e : r.explored) EXPECT_EQ(constraints.violation(e.cost), "");
  EXPECT_DOUBLE_EQ(r.best().fitness, brute_force_best(space, constraints));
}

TEST(Evolution, AnImpossibleBudgetFailsFastWithTheMinimum) {
  const LayerwiseSpace space = small_space();
  CountingFitness counter;
  try {
    evolve(space, {space.min_macs_m() * 0.99, 0}, EvolutionOptions{}, counter.function());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("macs_budget"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("must be >="), std::string::npos) << e.what();
  }
  EXPECT_THROW(evolve(space, {0, 1e-6}, EvolutionOptions{}, counter.function()), ConfigError);
  EXPECT_TRUE(counter.seen.empty());
}

TEST(Evolution, IsDeterministicForASeed) {
  const LayerwiseSpace space = small_space();
  EvolutionOptions o;
  o.generations = 30;
  o.seed = 7;
  CountingFitness a, b;
  const SearchResult ra = evolve(space, {10, 0}, o, a.function());
  const SearchResult rb = evolve(space, {10, 0}, o, b.function());
  EXPECT_EQ(a.seen, b.seen);
  EXPECT_EQ(ra.best().arch, rb.best().arch);
}

// The original's GA (DESIGN 1.7) under the same budgets: every child complies, and on this small
// space it reaches the brute-force optimum too.
TEST(Evolution, OriginalVariantFindsTheConstrainedOptimum) {
  const LayerwiseSpace space = small_space();
  EvolutionOptions o;
  o.original = true;
  for (const double budget : {space.min_macs_m() * 1.5, space.min_macs_m() * 3}) {
    const Constraints constraints{budget, 0};
    CountingFitness counter;
    const SearchResult r = evolve(space, constraints, o, counter.function());
    EXPECT_DOUBLE_EQ(r.best().fitness, brute_force_best(space, constraints)) << "budget " << budget;
    for (const auto& e : r.explored) EXPECT_EQ(constraints.violation(e.cost), "");
    EXPECT_EQ(r.history.size(), 1001u);
  }
}

// The baseline must not replay the labelled set: generate, evolution and random search each
// draw from their own stream of the seed (they all used Rng(seed) before).
TEST(RandomSearch, DrawsOtherArchitecturesThanTheEvolutionsFirstPopulation) {
  const LayerwiseSpace space = small_space();
  EvolutionOptions o;
  o.generations = 0;
  CountingFitness evolution, random;
  evolve(space, {0, 0}, o, evolution.function());
  random_search(space, {0, 0}, 20, o, random.function());
  ASSERT_EQ(evolution.seen.size(), 20u);
  EXPECT_NE(std::vector<Architecture>(random.seen.begin(), random.seen.begin() + 5),
            std::vector<Architecture>(evolution.seen.begin(), evolution.seen.begin() + 5));
}

TEST(RandomSearch, SpendsItsQueriesOnDistinctArchitecturesWithinTheBudget) {
  const LayerwiseSpace space = small_space();
  const double budget = (space.min_macs_m() + space.cost(space.parse("1111-1111-1111")).macs_m) / 2;
  CountingFitness counter;
  const SearchResult r =
      random_search(space, {budget, 0}, 200, EvolutionOptions{}, counter.function());
  EXPECT_EQ(r.queries, 200u);
  const std::set<Architecture> unique(counter.seen.begin(), counter.seen.end());
  EXPECT_EQ(unique.size(), 200u);
  for (const auto& e : r.explored) EXPECT_LE(e.cost.macs_m, budget);
  double best = -1;
  for (const auto& e : r.explored) best = std::max(best, e.fitness);
  EXPECT_EQ(r.best().fitness, best);
}

// SIGTERM during a random search stops it at the next batch (it ran all its queries before).
TEST(RandomSearch, StopsAtTheNextBatchAfterASignal) {
  const LayerwiseSpace space = small_space();
  install_stop_handlers();
  CountingFitness counter;
  Fitness fitness = [&](const std::vector<Architecture>& archs) {
    if (counter.seen.size() >= 40) std::raise(SIGTERM);
    return counter.function()(archs);
  };
  EvolutionOptions o;
  EXPECT_THROW(random_search(space, {0, 0}, 1000, o, fitness), Stopped);
  clear_stop_request();
  EXPECT_LE(counter.seen.size(), 40u + 2u * static_cast<std::size_t>(o.population));
}

TEST(Pareto, KeepsOnlyTheArchitecturesNoCheaperOneBeats) {
  auto point = [](std::uint8_t id, double macs, double fitness) {
    return Scored{Architecture{{id}}, fitness, Cost{macs, 0}};
  };
  const std::vector<Scored> front =
      pareto_front({point(1, 5, 0.50), point(2, 4, 0.60), point(3, 6, 0.55), point(4, 7, 0.70),
                    point(5, 7, 0.65), point(6, 3, 0.40)});
  ASSERT_EQ(front.size(), 3u);
  EXPECT_EQ(front[0].arch.genes[0], 6);
  EXPECT_EQ(front[1].arch.genes[0], 2);
  EXPECT_EQ(front[2].arch.genes[0], 4);
}

TEST(Pareto, NoExploredArchitectureDominatesTheFront) {
  const LayerwiseSpace space = small_space();
  EvolutionOptions o;
  o.generations = 50;
  CountingFitness counter;
  const SearchResult r = evolve(space, {0, 0}, o, counter.function());
  const std::vector<Scored> front = pareto_front(r.explored);
  for (const auto& f : front) {
    for (const auto& e : r.explored) {
      EXPECT_FALSE(e.cost.macs_m <= f.cost.macs_m && e.fitness > f.fitness) << space.format(e.arch);
    }
  }
}

TEST(Pareto, SearchesEachBudgetAndKeepsEveryPointWithinItsOwn) {
  const LayerwiseSpace space = small_space();
  EvolutionOptions o;
  o.generations = 40;
  CountingFitness counter;
  const double top = space.cost(space.parse("1111-1111-1111")).macs_m;
  const ParetoResult r = pareto_search(space, {top, 0}, 4, o, counter.function());
  ASSERT_EQ(r.budgets.size(), 4u);
  EXPECT_DOUBLE_EQ(r.budgets.back(), top);
  for (std::size_t i = 0; i < r.budgets.size(); ++i) {
    EXPECT_LE(r.best_per_budget[i].cost.macs_m, r.budgets[i]);
  }
  EXPECT_EQ(r.front.size(), pareto_front(r.explored).size());
  const std::set<Architecture> unique(counter.seen.begin(), counter.seen.end());
  EXPECT_EQ(unique.size(), r.explored.size());
}

}  // namespace
}  // namespace gnas
