#pragma once

// The predictor models behind one interface over batched graphs: the original's GNN (DESIGN 1.6,
// after DrBC) and an MLP on the flat op encoding as LibTorch modules (names follow the original's
// state dict: `e.first`, `e.layers.K.gru.weight_ih_l0`, `predictor.0`, `predictor.2`), and
// gradient-boosted trees (XGBoost) on the flat encoding and graph-level features.

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/predictor/encoding.hpp"

namespace gnas {

class Predictor;

struct PredictorNetOptions {
  TORCH_ARG(PredictorType, type) = PredictorType::kGnn;
  TORCH_ARG(int64_t, num_nodes) = 36;   ///< N, graph nodes (gnn readout concatenates them)
  TORCH_ARG(int64_t, feature_dim) = 3;  ///< F, node features (gnn)
  TORCH_ARG(int64_t, gene_dim) = 30;    ///< G, flat op encoding (mlp)
  TORCH_ARG(int64_t, graph_dim) = 0;    ///< K, graph-level features (both decoders take them)
  TORCH_ARG(int64_t, hidden) = 128;     ///< node embedding width (gnn), hidden width (mlp)
  TORCH_ARG(int64_t, blocks) = 5;       ///< aggregation + GRU blocks (gnn)
  TORCH_ARG(int64_t, decoder_hidden) = 54;
  TORCH_ARG(bool, sigmoid) = true;  ///< squash the output into (0, 1) (the original's head)
};

/// A predictor model: one score per architecture of a batch.
class PredictorNet : public torch::nn::Module {
 public:
  /// -> [B] float scores (in (0, 1) with a sigmoid head).
  virtual torch::Tensor forward(const GraphBatch& batch) = 0;

  /// Models fitted in one call instead of by gradient steps (the trees) fit `batch` -> `targets`
  /// here, seeded by `seed`, and return true; networks return false (fit_predictor trains them).
  virtual bool fit_directly(const GraphBatch& batch, const torch::Tensor& targets,
                            const PredictorConfig& config, std::uint64_t seed);
  /// What a predictor file keeps of the model (name -> tensor): the parameters of a network.
  virtual std::vector<std::pair<std::string, torch::Tensor>> saved_state() const;
  /// Restores saved_state(). Throws DataError naming what is missing, misshapen or unreadable.
  virtual void load_state(const std::map<std::string, torch::Tensor>& state);
};

/// A GRU cell whose parameters carry torch.nn.GRU's names (`weight_ih_l0`, `weight_hh_l0`,
/// `bias_ih_l0`, `bias_hh_l0`; gate order r, z, n), as the original's weights do.
class GruCellImpl : public torch::nn::Module {
 public:
  explicit GruCellImpl(int64_t size);
  void reset();
  /// input, hidden [M, size] -> new hidden [M, size]
  torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& hidden);

 private:
  int64_t size_;
  torch::Tensor w_ih_, w_hh_, b_ih_, b_hh_;
};
TORCH_MODULE(GruCell);

/// DESIGN 1.6's encoder: Linear(F -> H) + LeakyReLU, then `blocks` x (normalised aggregation,
/// GRU), element-wise max over the blocks' outputs. Children: `first`, `layers.K.gru`.
class GnnEncoderImpl : public torch::nn::Module {
 public:
  GnnEncoderImpl(int64_t feature_dim, int64_t hidden, int64_t blocks);
  /// adjacency [B, N, N] (1 on the diagonal), features [B, N, F] -> node embeddings [B, N, H].
  torch::Tensor forward(const torch::Tensor& adjacency, const torch::Tensor& features);

 private:
  torch::nn::Linear first_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  std::vector<GruCell> grus_;
};
TORCH_MODULE(GnnEncoder);

/// The aggregation operator of DESIGN 1.6: with M = adjacency + I (the original adds the
/// identity to matrices that already hold self loops) and d = M's row sums, returns
/// P = D^-1/2 M^T D^-1/2, so that P X sums each node's in-neighbours scaled by
/// 1 / sqrt(d_source d_target). [B, N, N] -> [B, N, N].
torch::Tensor gcn_propagation(const torch::Tensor& adjacency);

/// Encoder + concatenation readout (N x H, then the K graph-level features) -> Linear(54) ->
/// LeakyReLU -> Linear(1) [-> Sigmoid].
class GnnPredictorImpl : public PredictorNet {
 public:
  explicit GnnPredictorImpl(const PredictorNetOptions& options);
  torch::Tensor forward(const GraphBatch& batch) override;

 private:
  PredictorNetOptions options_;
  GnnEncoder e_{nullptr};
  torch::nn::Sequential predictor_{nullptr};
};

/// Flat op encoding and graph-level features [B, G + K] -> Linear(H) -> LeakyReLU -> Linear(H) ->
/// LeakyReLU -> Linear(1) [-> Sigmoid]. Child: `layers`.
class MlpPredictorImpl : public PredictorNet {
 public:
  explicit MlpPredictorImpl(const PredictorNetOptions& options);
  torch::Tensor forward(const GraphBatch& batch) override;

 private:
  PredictorNetOptions options_;
  torch::nn::Sequential layers_{nullptr};
};

/// Gradient-boosted regression trees (XGBoost's C API, `hist` method) on the flat op encoding and
/// the graph-level features [B, G + K], squared error on the normalised targets. The model is
/// kept as XGBoost's own serialisation in one uint8 tensor (`model`) of the predictor file.
class TreePredictorImpl : public PredictorNet {
 public:
  explicit TreePredictorImpl(const PredictorNetOptions& options);
  torch::Tensor forward(const GraphBatch& batch) override;
  bool fit_directly(const GraphBatch& batch, const torch::Tensor& targets,
                    const PredictorConfig& config, std::uint64_t seed) override;
  std::vector<std::pair<std::string, torch::Tensor>> saved_state() const override;
  void load_state(const std::map<std::string, torch::Tensor>& state) override;

 private:
  PredictorNetOptions options_;
  std::shared_ptr<void> booster_;  ///< BoosterHandle, freed with the last copy
};

/// A fresh model of `options.type()`, initialised from LibTorch's current random state.
std::shared_ptr<PredictorNet> make_predictor_net(const PredictorNetOptions& options);

}  // namespace gnas
