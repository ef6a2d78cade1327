#pragma once

// The NAS-Bench-201 cell space (Dong & Yang, ICLR 2020): a cell of 4 nodes whose 6 edges
// (j <- i for i < j) each carry one of 5 ops; 5^6 = 15,625 architectures. Gene e is the op index
// of edge e in the order of the standard string |op~0|+|op~0|op~1|+|op~0|op~1|op~2|:
// 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2.

#include <array>
#include <string>
#include <string_view>

#include "gnas/space/search_space.hpp"

namespace gnas {

class NasBench201Space : public SearchSpace {
 public:
  static constexpr int kNodes = 4;
  static constexpr int kEdges = 6;
  /// Op names in gene-value order.
  static constexpr std::array<std::string_view, 5> kOps{"none", "skip_connect", "nor_conv_1x1",
                                                        "nor_conv_3x3", "avg_pool_3x3"};
  /// Edge e goes from node kEdgeFrom[e] to node kEdgeTo[e].
  static constexpr std::array<int, kEdges> kEdgeFrom{0, 0, 1, 0, 1, 2};
  static constexpr std::array<int, kEdges> kEdgeTo{1, 2, 2, 3, 3, 3};

  std::string name() const override { return "nasbench201"; }
  std::string fingerprint() const override { return "nasbench201;ops=5;nodes=4"; }
  std::size_t gene_count() const override { return kEdges; }
  int gene_values(std::size_t) const override { return static_cast<int>(kOps.size()); }
  /// "edge<i>to<j>".
  std::string gene_label(std::size_t i) const override;
  std::string value_label(std::size_t i, int value) const override;
  std::string invalid_reason(const Architecture& arch) const override;
  /// Every edge's op drawn uniformly.
  Architecture sample(Rng& rng) const override;
  std::string format(const Architecture& arch) const override;
  Architecture parse(std::string_view text) const override;
  /// Ops as nodes: node 0 the cell input, node 1 + e edge e's op, node 7 the cell output. Op
  /// node e takes the ops of the edges into its source node (or the input), and the edges into
  /// node 3 feed the output; a `none` edge carries nothing, so its node has no edges. A 1 on the
  /// diagonal of every node; features [out-degree without the self loop, 1, 1].
  ArchGraph graph(const Architecture& arch) const override;
  /// Types: 0 cell input, 1 cell output, 2 + op index for an edge's node; no MACs.
  NodeAnnotations node_annotations(const Architecture& arch) const override;

  /// No cost model: budgets do not apply to this space.
  bool has_cost() const override { return false; }
  Cost cost(const Architecture&) const override { return {}; }
  double min_macs_m() const override { return 0; }
  Architecture cheapest(CostMeasure) const override;
};

}  // namespace gnas
