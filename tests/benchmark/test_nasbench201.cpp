#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "gnas/app/evolution.hpp"
#include "gnas/app/generate.hpp"
#include "gnas/app/train.hpp"
#include "gnas/app/train_predictor.hpp"
#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/benchmark/table.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/search/evolution.hpp"
#include "gnas/space/arch_io.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

const NasBench201Space kSpace;

Architecture genes(std::vector<std::uint8_t> g) { return Architecture{std::move(g)}; }

// Every architecture of the space, gene 0 slowest.
std::vector<Architecture> all_archs() {
  std::vector<Architecture> out;
  for (int code = 0; code < 15625; ++code) {
    Architecture a;
    int c = code;
    a.genes.assign(6, 0);
    for (int e = 5; e >= 0; --e, c /= 5)
      a.genes[static_cast<std::size_t>(e)] = static_cast<std::uint8_t>(c % 5);
    out.push_back(a);
  }
  return out;
}

// A known accuracy (percent): op scores weighted per edge, plus an interaction, so the best
// architecture is unique (nor_conv_3x3 on every edge) and the ranking is not trivial.
double known_accuracy(const Architecture& a) {
  static const double op_score[5] = {0.0, 1.0, 2.0, 3.0, 0.5};
  double acc = 70;
  for (std::size_t e = 0; e < 6; ++e)
    acc += (1.0 + 0.1 * static_cast<double>(e)) * op_score[a.genes[e]];
  if (a.genes[0] == 0 && a.genes[1] == 0) acc -= 5;  // node 1 and node 2 both cut from the input
  return acc;
}

std::string table_csv(const std::vector<Architecture>& archs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : archs)
    rows.push_back({kSpace.format(a), format_fixed(known_accuracy(a), 4)});
  return format_csv({"arch", "test_acc"}, rows);
}

spdlog::logger quiet() {
  return spdlog::logger("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

TEST(NasBench201Space, ReadsAndWritesTheStandardString) {
  const std::string text =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_"
      "connect~2|";
  const Architecture a = kSpace.parse(text);
  EXPECT_EQ(a, genes({3, 3, 4, 1, 3, 1}));
  EXPECT_EQ(kSpace.format(a), text);
  EXPECT_EQ(kSpace.gene_count(), 6u);
  EXPECT_EQ(kSpace.gene_label(2), "edge1to2");
  EXPECT_EQ(kSpace.value_label(2, 4), "avg_pool_3x3");
  std::set<std::string> texts;
  for (const auto& arch : all_archs()) {
    ASSERT_TRUE(kSpace.is_valid(arch));
    const std::string t = kSpace.format(arch);
    ASSERT_EQ(kSpace.parse(t), arch) << t;
    texts.insert(t);
  }
  EXPECT_EQ(texts.size(), 15625u);
}

TEST(NasBench201Space, RejectsMalformedStringsNamingTheRule) {
  const auto message = [](const std::string& text) {
    try {
      kSpace.parse(text);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("|none~0|+|none~0|none~1|").find("has 2 node groups"), std::string::npos);
  EXPECT_NE(
      message("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|").find("'conv~0' is not op~input"),
      std::string::npos);
  EXPECT_NE(
      message("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|").find("must read from node 0"),
      std::string::npos);
  EXPECT_NE(message("|none~0|+|none~0|+|none~0|none~1|none~2|").find("node 2 needs 2 inputs"),
            std::string::npos);
  EXPECT_NE(
      message("none~0|+|none~0|none~1|+|none~0|none~1|none~2|").find("start and end with '|'"),
      std::string::npos);
  EXPECT_NE(kSpace.invalid_reason(genes({0, 0, 5, 0, 0, 0})).find("gene 2 (5)"), std::string::npos);
  EXPECT_NE(kSpace.invalid_reason(genes({0, 0})).find("has 2 genes"), std::string::npos);
}

TEST(NasBench201Space, SamplesEveryOpUniformly) {
  Rng rng(3);
  std::vector<int> count(5, 0);
  for (int i = 0; i < 5000; ++i) {
    const Architecture a = kSpace.sample(rng);
    ASSERT_TRUE(kSpace.is_valid(a));
    for (auto g : a.genes) ++count[g];
  }
  for (int c : count) EXPECT_NEAR(c, 6000, 300);  // 30,000 genes / 5 ops
  const Architecture parent = kSpace.sample(rng);
  EXPECT_EQ(kSpace.mutate(parent, 0.0, rng), parent);
  const Architecture child =
      kSpace.crossover(genes({1, 1, 1, 1, 1, 1}), genes({2, 2, 2, 2, 2, 2}), rng);
  EXPECT_EQ(child.genes.front(), 1);
  EXPECT_EQ(child.genes.back(), 2);
}

TEST(NasBench201Space, GraphFollowsTheCellWiringAndCutsNoneEdges) {
  // edges: 1<-0 conv3, 2<-0 none, 2<-1 pool, 3<-0 skip, 3<-1 none, 3<-2 conv1
  const ArchGraph g = kSpace.graph(genes({3, 0, 4, 1, 0, 2}));
  ASSERT_EQ(g.num_nodes, 8);
  const auto edge = [&](int s, int t) { return g.adjacency[static_cast<std::size_t>(s * 8 + t)]; };
  std::set<std::pair<int, int>> expected{{0, 1}, {0, 4}, {1, 3}, {3, 6}, {4, 7}, {6, 7}};
  for (int s = 0; s < 8; ++s) {
    EXPECT_EQ(edge(s, s), 1.0f);
    for (int t = 0; t < 8; ++t) {
      if (s == t) continue;
      EXPECT_EQ(edge(s, t), expected.count({s, t}) ? 1.0f : 0.0f) << s << "->" << t;
    }
  }
  EXPECT_EQ(g.features[0], 2.0f);      // the input feeds edges 1<-0 and 3<-0
  EXPECT_EQ(g.features[2 * 3], 0.0f);  // the none edge 2<-0 is cut
  const NodeAnnotations notes = kSpace.node_annotations(genes({3, 0, 4, 1, 0, 2}));
  EXPECT_EQ(notes.type_count, 7);
  EXPECT_EQ(notes.types, (std::vector<int>{0, 5, 2, 6, 3, 2, 4, 1}));
}

TEST(BenchmarkTable, LooksUpRanksAndNamesWhatIsMissing) {
  test::TempDir dir;
  const auto archs = all_archs();
  const std::vector<Architecture> some(archs.begin(), archs.begin() + 300);
  const BenchmarkTable table = BenchmarkTable::load(dir.write("t.csv", table_csv(some)), kSpace);
  EXPECT_EQ(table.size(), 300u);
  double best = 0;
  for (const auto& a : some) best = std::max(best, std::stod(format_fixed(known_accuracy(a), 4)));
  EXPECT_DOUBLE_EQ(table.best(), best);
  EXPECT_EQ(table.rank(best), 1u);
  EXPECT_DOUBLE_EQ(table.percentile(best), 100.0);
  EXPECT_EQ(table.rank(table.sorted().back()),
            300u -
                static_cast<std::size_t>(std::count(table.sorted().begin(), table.sorted().end(),
                                                    table.sorted().back())) +
                1);
  EXPECT_EQ(table.rank(0.0), 301u);
  EXPECT_NEAR(table.accuracy(some[7], "x"), known_accuracy(some[7]), 1e-4);
  try {
    table.accuracy(archs[400], kSpace.format(archs[400]));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(
        std::string(e.what()).find("has no row for architecture " + kSpace.format(archs[400])),
        std::string::npos);
  }
  const auto load_error = [&](const std::string& csv) {
    try {
      BenchmarkTable::load(dir.write("bad.csv", csv), kSpace);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string row = kSpace.format(archs[1]);
  EXPECT_NE(load_error("arch,acc\n" + row + ",90\n").find("needs the columns arch,test_acc"),
            std::string::npos);
  EXPECT_NE(
      load_error("arch,test_acc\n" + row + ",190\n").find("bad.csv:2: test_acc '190' must be"),
      std::string::npos);
  EXPECT_NE(
      load_error("arch,test_acc\n" + row + ",90\n" + row + ",91\n").find("bad.csv:3: architecture"),
      std::string::npos);
  EXPECT_NE(load_error("arch,test_acc\n|x~0|,90\n").find("bad.csv:2: architecture '|x~0|'"),
            std::string::npos);
}

// The evolution engine finds the known optimum without a budget, and under a MACs budget (the
// space's cost model) the best cell within it, as brute force over all 15,625 says.
TEST(NasBench201Space, EvolutionFindsTheKnownOptimumWithAndWithoutABudget) {
  const Fitness fitness = [](const std::vector<Architecture>& archs) {
    std::vector<double> out;
    for (const auto& a : archs) out.push_back(known_accuracy(a));
    return out;
  };
  const SearchResult r = evolve(kSpace, Constraints{}, EvolutionOptions{}, fitness);
  EXPECT_EQ(r.best().arch, genes({3, 3, 3, 3, 3, 3}));

  const Constraints budget{60.0, 0.0};
  double best = -1;
  for (const auto& a : all_archs()) {
    if (budget.violation(kSpace.cost(a)).empty()) best = std::max(best, known_accuracy(a));
  }
  const SearchResult within = evolve(kSpace, budget, EvolutionOptions{}, fitness);
  EXPECT_DOUBLE_EQ(within.best().fitness, best);
  for (const auto& e : within.explored) EXPECT_LE(e.cost.macs_m, 60.0);
  EXPECT_THROW(check_feasible(kSpace, Constraints{5.0, 0.0}), ConfigError);  // minimum 7.78
}

// Benchmark mode end to end through the library: generate -> train (lookup) -> train_predictor
// -> evolution -> refinement round -> final lookup.
struct BenchmarkFixture {
  test::TempDir dir;
  Config config = test::config_in(dir);
  spdlog::logger log = quiet();

  BenchmarkFixture() {
    config.search_space = "nasbench201";
    config.macs_budget = 0;
    config.benchmark_table = dir.write("table.csv", table_csv(all_archs()));
    config.sample_count = 60;
    config.repeats = 2;
    config.predictor.hidden = 32;
    config.predictor.blocks = 2;
    config.predictor.epochs = 30;
    config.predictor.test_count = 0;
    config.evolution.generations = 30;
    config.search.rounds = 2;
    config.search.per_round = 5;
  }
};

TEST(BenchmarkMode, TrainLooksLabelsUpAsFractionsAndSkipsDoneOnes) {
  BenchmarkFixture f;
  run_generate(f.config, f.log);
  const TrainDataResult r = run_train_data(f.config, {}, f.log);
  EXPECT_EQ(r.trained, 60);
  const LabelledSet labelled = read_labelled({f.config.path_to_train_data}, kSpace);
  ASSERT_EQ(labelled.size(), 60u);
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    EXPECT_NEAR(labelled.labels[i], known_accuracy(labelled.archs[i]) / 100.0, 1e-6);
  }
  const CsvTable csv = read_csv(f.config.path_to_train_data);
  EXPECT_EQ(csv.header[2], "top1_1");
  EXPECT_EQ(csv.rows[0][2], csv.rows[0][3]);  // a lookup gives every repeat the same value
  EXPECT_EQ(run_train_data(f.config, {}, f.log).skipped, 60);

  // An architecture the table lacks is an error naming it; the labels already written stay.
  const auto archs = read_architectures(f.config.path_to_architecture, kSpace);
  Config partial = f.config;
  partial.benchmark_table = f.dir.write("small.csv", table_csv({archs[0], archs[1]}));
  partial.path_to_train_data = f.dir.file("logs/partial.csv");
  try {
    run_train_data(partial, {}, f.log);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("has no row for architecture " + kSpace.format(archs[2])),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read_csv(partial.path_to_train_data).rows.size(), 2u);
}

TEST(BenchmarkMode, RefinementAddsTheBestPredictedUnlabelledAndFinalReportsRank) {
  BenchmarkFixture f;
  run_generate(f.config, f.log);
  run_train_data(f.config, {}, f.log);
  run_train_predictor(f.config, {}, f.log);
  run_evolution(f.config, false, f.log);

  EXPECT_THROW(run_refine(f.config, 2, f.log), DataError);  // round 1 first
  const RefineResult r1 = run_refine(f.config, 1, f.log);
  ASSERT_EQ(r1.added.size(), 5u);
  EXPECT_EQ(r1.total, 65u);
  const auto archs = read_architectures(f.config.path_to_architecture, kSpace);
  ASSERT_EQ(archs.size(), 65u);
  const std::set<Architecture> first(archs.begin(), archs.begin() + 60);
  // The five added are the best predicted of the explored set that were not labelled.
  const CsvTable explored = read_csv(f.dir.file("logs/evolution_explored.csv"));
  std::vector<std::pair<double, Architecture>> ranked;
  for (const auto& row : explored.rows) {
    const Architecture a = kSpace.parse(row[1]);
    if (!first.count(a)) ranked.emplace_back(std::stod(row[2]), a);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(archs[60 + i], ranked[i].second) << i;
    EXPECT_FALSE(first.count(archs[60 + i]));
  }
  EXPECT_EQ(run_refine(f.config, 1, f.log).added.size(), 0u);  // repeated: nothing new
  EXPECT_EQ(run_train_data(f.config, {}, f.log).trained, 5);   // only the new ones
  // Every row says why it is there, in architecture.csv and in the labels.
  const std::vector<std::string> sources = read_architecture_sources(
      f.config.path_to_architecture, static_cast<std::size_t>(f.config.sample_count));
  ASSERT_EQ(sources.size(), 65u);
  EXPECT_EQ(sources[59], "sampled");
  EXPECT_EQ(sources[60], "refine1");
  const CsvTable labels = read_csv(f.config.path_to_train_data);
  EXPECT_EQ(labels.rows.back()[labels.column("source")], "refine1");
  EXPECT_EQ(labels.rows.front()[labels.column("source")], "sampled");

  TrainFinalOptions final_options;
  final_options.arch_file = f.config.path_to_evolution_architecture;
  const TrainFinalResult final_result = run_train_final(f.config, final_options, f.log);
  const Architecture searched = kSpace.parse(final_result.arch);
  EXPECT_NEAR(final_result.true_accuracy, known_accuracy(searched) / 100.0, 1e-6);
  std::size_t better = 0;
  for (const auto& a : all_archs()) {
    better += std::stod(format_fixed(known_accuracy(a), 4)) >
              std::stod(format_fixed(known_accuracy(searched), 4));
  }
  EXPECT_EQ(final_result.rank, better + 1);
  const YAML::Node summary = YAML::LoadFile(f.dir.file("logs/train_final_summary.yml"));
  EXPECT_EQ(summary["rank"].as<std::size_t>(), better + 1);
  EXPECT_NEAR(summary["true_accuracy"].as<double>(), final_result.true_accuracy, 1e-6);
  EXPECT_GT(summary["percentile"].as<double>(), 0.0);
  EXPECT_TRUE(final_result.model.empty());
}

}  // namespace
}  // namespace gnas
