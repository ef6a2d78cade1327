#pragma once

// The search-space interface (DESIGN Part 2). Sampling, validity, text form, graph encoding and
// cost are its methods, so predictors and the evolution engine never special-case a space.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gnas/space/architecture.hpp"
#include "gnas/space/rng.hpp"

namespace gnas {

struct Config;
struct MacroShape;

/// An architecture as a directed graph for graph predictors. Row-major dense matrices.
struct ArchGraph {
  int num_nodes = 0;
  int feature_dim = 0;
  std::vector<float> adjacency;  ///< [num_nodes * num_nodes]; 1 for each edge s -> t at s*N+t
  std::vector<float> features;   ///< [num_nodes * feature_dim]
};

/// What each node of graph(arch) stands for, for predictors that go beyond the graph's own
/// features (DESIGN 1.6 uses degrees only).
struct NodeAnnotations {
  int type_count = 1;         ///< node types take values 0 .. type_count - 1
  std::vector<int> types;     ///< [num_nodes]; e.g. layer input, network output, op kind
  std::vector<float> macs_m;  ///< [num_nodes]; MACs (millions) the node computes, 0 for none
};

/// Hardware cost of an architecture.
struct Cost {
  double macs_m = 0;        ///< multiply-accumulates of one image, millions
  std::int64_t params = 0;  ///< learnable parameters
  double latency_ms = -1;   ///< predicted from a latency table (batch 1); < 0 = unknown
};

/// A hardware cost that a budget limits.
enum class CostMeasure { kMacs, kParams, kLatency };

class SearchSpace {
 public:
  virtual ~SearchSpace() = default;

  /// Short name, as the `search_space` config key spells it.
  virtual std::string name() const = 0;
  /// Identifies the space and its settings; a predictor trained on one space refuses another.
  virtual std::string fingerprint() const = 0;

  /// Genome length; every architecture of the space has exactly this many genes.
  virtual std::size_t gene_count() const = 0;
  /// Gene i takes values 0 .. gene_values(i) - 1.
  virtual int gene_values(std::size_t i) const = 0;
  /// What gene i decides, as "group.choice" (e.g. "layer1.skip"), for reports.
  virtual std::string gene_label(std::size_t i) const = 0;
  /// What value `value` of gene i means (e.g. an op name), for reports; the default: the number.
  virtual std::string value_label(std::size_t i, int value) const;

  /// Empty when `arch` is a member of the space, else the reason it is not.
  virtual std::string invalid_reason(const Architecture& arch) const = 0;
  bool is_valid(const Architecture& arch) const { return invalid_reason(arch).empty(); }

  /// One architecture drawn by the space's sampling rule.
  virtual Architecture sample(Rng& rng) const = 0;

  /// Readable text form that parse() reads back.
  virtual std::string format(const Architecture& arch) const = 0;
  /// Reads format()'s text. Throws DataError naming the text and the rule it breaks.
  virtual Architecture parse(std::string_view text) const = 0;
  /// Reads the original's flattened adjacency-matrix form (its architecture files). The default,
  /// for a space without that form: a DataError saying so.
  virtual Architecture from_adjacency(const std::vector<float>& matrix) const;

  /// Graph encoding for graph predictors.
  virtual ArchGraph graph(const Architecture& arch) const = 0;
  /// Per-node type and cost of graph(arch), same node order. The default: one type, no MACs.
  virtual NodeAnnotations node_annotations(const Architecture& arch) const;

  /// Whether cost() is meaningful (a space without a cost model returns false).
  virtual bool has_cost() const { return true; }
  virtual Cost cost(const Architecture& arch) const = 0;
  /// The smallest MACs any valid architecture of the space has.
  virtual double min_macs_m() const = 0;
  /// Whether cost() predicts latency (a latency table is loaded).
  virtual bool has_latency() const { return false; }
  /// A valid architecture with the least of `measure`: what a budget must at least allow.
  virtual Architecture cheapest(CostMeasure measure) const = 0;

  /// The macro network (DESIGN 1.1) whose search layers this space's genes fill in, or nullptr
  /// for a space of another shape: what label training, latency tables and the original's
  /// adjacency files need.
  virtual const MacroShape* macro_shape() const { return nullptr; }

  /// Per-gene mutation: each gene redrawn uniformly with probability `rate`; the result may be
  /// invalid (callers check and redraw).
  virtual Architecture mutate(const Architecture& arch, double rate, Rng& rng) const;
  /// Single-point crossover: genes [0, cut) from `a`, the rest from `b`, cut uniform in
  /// [1, gene_count()); the result may be invalid.
  virtual Architecture crossover(const Architecture& a, const Architecture& b, Rng& rng) const;
};

/// A sample within `macs_budget` (millions; 0 = no budget), drawn by rejection with at most
/// `max_attempts` draws. Throws ConfigError when the budget is below the space's minimum (naming
/// it) and Error when the attempts run out.
Architecture sample_within_budget(const SearchSpace& space, double macs_budget, int max_attempts,
                                  Rng& rng);

/// space.macro_shape(), or a ConfigError naming the space and `what` needs the macro network.
const MacroShape& require_macro_shape(const SearchSpace& space, const std::string& what);

}  // namespace gnas
