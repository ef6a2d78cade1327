#pragma once

// The NAS-Bench-201 cell space (Dong & Yang, ICLR 2020): a cell of 4 nodes whose 6 edges
// (j <- i for i < j) each carry one of 5 ops; 5^6 = 15,625 architectures. Gene e is the op index
// of edge e in the order of the standard string |op~0|+|op~0|op~1|+|op~0|op~1|op~2|:
// 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2.
//
// Its cost model is the benchmark's standard network (DESIGN 1.8, nn/nasbench201_network.hpp):
// 3x3 stem conv (input_channels -> 16) + BN; three stages of 5 cells at 16 / 32 / 64 channels
// with a residual reduction block (stride 2) between stages; BN + ReLU; global average pool;
// Linear(64 -> classes). MACs count every convolution (DESIGN 1.3's rule, batch 1), parameters
// every learnable tensor; every edge's op exists in the network, whether or not its output
// reaches the cell's output.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gnas/space/search_space.hpp"

namespace gnas {

/// The input and head of the benchmark's network, which its costs depend on.
struct CellNetworkShape {
  int input_size = 32;  ///< input height = width, pixels; a multiple of 4 (two reductions)
  int input_channels = 3;
  int classes = 10;
  static constexpr int kStemChannels = 16;  ///< C of the first stage; 2C and 4C follow
  static constexpr int kCellsPerStage = 5;
  static constexpr int kStages = 3;

  bool operator==(const CellNetworkShape& o) const {
    return input_size == o.input_size && input_channels == o.input_channels && classes == o.classes;
  }
};

class NasBench201Space : public SearchSpace {
 public:
  NasBench201Space() = default;
  /// Throws ConfigError when input_size is not a positive multiple of 4.
  explicit NasBench201Space(CellNetworkShape shape);

  static constexpr int kNodes = 4;
  static constexpr int kEdges = 6;
  /// Op names in gene-value order.
  static constexpr std::array<std::string_view, 5> kOps{"none", "skip_connect", "nor_conv_1x1",
                                                        "nor_conv_3x3", "avg_pool_3x3"};
  /// Edge e goes from node kEdgeFrom[e] to node kEdgeTo[e].
  static constexpr std::array<int, kEdges> kEdgeFrom{0, 0, 1, 0, 1, 2};
  static constexpr std::array<int, kEdges> kEdgeTo{1, 2, 2, 3, 3, 3};

  std::string name() const override { return "nasbench201"; }
  /// The ops, the cell and the network's input and head (node MACs depend on them).
  std::string fingerprint() const override;
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
  /// Types: 0 cell input, 1 cell output, 2 + op index for an edge's node; MACs: what the edge's
  /// op computes in all 15 cells of the network.
  NodeAnnotations node_annotations(const Architecture& arch) const override;

  /// Exact MACs and parameters of the standard network; no latency model.
  Cost cost(const Architecture& arch) const override;
  /// The all-`none` cell's: stem, reductions and head alone.
  double min_macs_m() const override;
  /// The all-`none` cell, cheapest by every measure.
  Architecture cheapest(CostMeasure) const override;

  const CellNetworkShape& shape() const { return shape_; }
  /// Conv MACs of op `op` on one edge of one cell of stage `stage` (0..2), batch 1.
  std::int64_t edge_macs(int op, int stage) const;
  /// Parameters of op `op` on one edge of one cell of stage `stage`.
  std::int64_t edge_params(int op, int stage) const;
  /// MACs and parameters of everything but the cells' edges.
  Cost fixed_cost() const;

 private:
  CellNetworkShape shape_;
};

/// The NAS-Bench-201 cell space of the config's input_size, input_channels and classes.
std::unique_ptr<SearchSpace> make_nasbench201_space(const Config& config);

}  // namespace gnas
