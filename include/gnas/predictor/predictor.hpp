#pragma once

// A trained accuracy predictor: its networks (one, or an ensemble averaged), the target
// normalisation and everything needed to rebuild it from a file. Predictions are accuracies as
// fractions in the labels' scale (percent labels are divided by 100 on reading).

#include <memory>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

class PredictorNet;
struct GraphBatch;

/// What a saved predictor is; enough to rebuild its networks.
struct PredictorSpec {
  PredictorType type = PredictorType::kGnn;
  PredictorVariant variant = PredictorVariant::kOriginal;
  NodeFeatures node_features = NodeFeatures::kDegree;
  int num_nodes = 0;    ///< graph nodes N
  int feature_dim = 0;  ///< node features F
  int gene_dim = 0;     ///< flat encoding width G
  int hidden = 128;
  int blocks = 5;
  int decoder_hidden = 54;
  bool sigmoid = true;       ///< output squashed into (0, 1)
  int members = 1;           ///< networks averaged
  double target_offset = 0;  ///< accuracy = target_offset + target_scale * output
  double target_scale = 1;
  std::string space_fingerprint;                ///< SearchSpace::fingerprint() it was trained on
  std::vector<GraphFeatureSet> graph_features;  ///< graph-level feature sets it needs
  std::vector<double> feature_mean;   ///< per graph-level feature, the training set's mean
  std::vector<double> feature_scale;  ///< ... and deviation; inputs are (x - mean) / scale

  bool operator==(const PredictorSpec& o) const;
};

/// The spec `config.predictor` asks for on `space` (normalisation left at identity): variant
/// original is DESIGN 1.6's network (128 wide, 5 blocks, [out-degree, 1, 1], sigmoid, one
/// network, no graph-level features) whatever the tuned-only keys say. Throws ConfigError for
/// unknown names and for graph features the space cannot supply.
PredictorSpec spec_from_config(const PredictorConfig& config, const SearchSpace& space);

/// `archs` as the input of a predictor of `spec`: graph, flat encoding and graph-level features
/// standardised by spec.feature_mean / feature_scale.
GraphBatch encode_for(const PredictorSpec& spec, const SearchSpace& space,
                      const std::vector<Architecture>& archs);

class Predictor {
 public:
  /// `spec.members` fresh networks, initialised from LibTorch's current random state.
  explicit Predictor(PredictorSpec spec);

  /// Reads a file written by save(). A dict of the original's tensors (DESIGN 1.6 names, e.g.
  /// predictor_weights.pt) loads as the original GNN with identity normalisation. Throws
  /// DataError: unreadable or foreign file, missing or misshapen tensors, or a predictor trained
  /// on another search space (naming both fingerprints).
  static Predictor load(const std::string& path, const SearchSpace& space);

  /// Writes the spec and every tensor atomically (torch.save's zip format, a dict with the spec
  /// as YAML text under `gnas_predictor` and tensors under `member<K>.<name>`).
  void save(const std::string& path) const;

  /// Predicted accuracy (fraction) of each architecture, batched internally (thousands per
  /// forward pass), without autograd. Every architecture must be valid in the space.
  std::vector<double> predict(const SearchSpace& space,
                              const std::vector<Architecture>& archs) const;

  /// The ensemble's mean prediction and the standard deviation of its members' predictions
  /// (0 for a single network), both as accuracies (fractions).
  struct Spread {
    std::vector<double> mean;
    std::vector<double> std;
  };
  Spread predict_spread(const SearchSpace& space, const std::vector<Architecture>& archs) const;

  const PredictorSpec& spec() const { return spec_; }
  PredictorSpec& spec() { return spec_; }
  const std::vector<std::shared_ptr<PredictorNet>>& members() const { return members_; }
  std::vector<std::shared_ptr<PredictorNet>>& members() { return members_; }

 private:
  PredictorSpec spec_;
  std::vector<std::shared_ptr<PredictorNet>> members_;
};

}  // namespace gnas
