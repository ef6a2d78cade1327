#pragma once

// The original's layer-wise space (DESIGN 1.1-1.4): L search layers, each summing a non-empty
// subset of the K candidate ops. Gene l*K + k is 1 when layer l uses op k (ops_name order).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gnas/space/latency_table.hpp"
#include "gnas/space/macro.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

class LayerwiseSpace : public SearchSpace {
 public:
  explicit LayerwiseSpace(MacroShape shape, std::optional<LatencyTable> latency = std::nullopt);

  const MacroShape& shape() const { return shape_; }
  const MacroShape* macro_shape() const override { return &shape_; }
  const MacroCost& costs() const { return costs_; }
  std::size_t num_layers() const { return shape_.layers.size(); }
  std::size_t num_ops() const { return shape_.ops.size(); }

  /// Whether layer l uses op k.
  bool uses(const Architecture& arch, std::size_t l, std::size_t k) const {
    return arch.genes[l * num_ops() + k] != 0;
  }

  std::string name() const override { return "layerwise"; }
  std::string fingerprint() const override;
  std::size_t gene_count() const override { return num_layers() * num_ops(); }
  int gene_values(std::size_t) const override { return 2; }
  /// "layer<l+1>.<op name>".
  std::string gene_label(std::size_t i) const override;
  std::string invalid_reason(const Architecture& arch) const override;
  /// DESIGN 1.4: each op kept with probability 0.5; an empty layer gets one op, uniformly.
  Architecture sample(Rng& rng) const override;
  /// Per-layer bit groups in ops_name order joined by '-', e.g. 111000-011101-111111-111111-011101.
  std::string format(const Architecture& arch) const override;
  Architecture parse(std::string_view text) const override;
  /// DESIGN 1.6: node (K+1)l is layer l's input, (K+1)l+1+k its op k, the last node the output;
  /// input -> op -> next input for each used op; a 1 on the diagonal of every node (as the
  /// original's adjacency files); features [out-degree without the self loop, 1, 1].
  ArchGraph graph(const Architecture& arch) const override;
  /// Types: 0 layer input, 1 network output, 2 + OpKind for an op node (the op's kind, not its
  /// position in ops_name); MACs of each used op node, 0 elsewhere.
  NodeAnnotations node_annotations(const Architecture& arch) const override;
  /// MACs and parameters exactly; latency from the table when one is loaded.
  Cost cost(const Architecture& arch) const override;
  bool has_latency() const override { return latency_.has_value(); }
  const std::optional<LatencyTable>& latency() const { return latency_; }
  double min_macs_m() const override;
  /// Each layer's single cheapest op (layer costs add up over the ops it uses, and a second op
  /// also costs an add).
  Architecture cheapest(CostMeasure measure) const override;

  /// Decodes one architecture from the original's flattened adjacency matrix (N*N values,
  /// N = graph node count). Throws DataError when the size or the wiring does not fit the space.
  Architecture from_adjacency(const std::vector<float>& matrix) const override;

 private:
  MacroShape shape_;
  MacroCost costs_;
  std::optional<LatencyTable> latency_;
};

/// The layer-wise space of the config's ops_name, l_cfgs and input, with its latency_table loaded
/// when set (DataError for a bad table).
std::unique_ptr<SearchSpace> make_layerwise_space(const Config& config);

}  // namespace gnas
