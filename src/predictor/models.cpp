#include "gnas/predictor/models.hpp"

#include <cmath>

#include "gnas/common/errors.hpp"
#include "gnas/common/features.hpp"
#include "gnas/nn/network.hpp"

namespace gnas {

bool PredictorNet::fit_directly(const GraphBatch& /*batch*/, const torch::Tensor& /*targets*/,
                                const PredictorConfig& /*config*/, std::uint64_t /*seed*/) {
  return false;
}

std::vector<std::pair<std::string, torch::Tensor>> PredictorNet::saved_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : named_parameters()) out.emplace_back(p.key(), p.value().detach().clone());
  return out;
}

void PredictorNet::load_state(const std::map<std::string, torch::Tensor>& state) {
  std::map<std::string, torch::Tensor> floats;
  for (const auto& [name, t] : state) floats[name] = t.to(torch::kFloat32);
  nn::load_tensors(*this, floats);
}

GruCellImpl::GruCellImpl(int64_t size) : size_(size) { reset(); }

void GruCellImpl::reset() {
  w_ih_ = register_parameter("weight_ih_l0", torch::empty({3 * size_, size_}));
  w_hh_ = register_parameter("weight_hh_l0", torch::empty({3 * size_, size_}));
  b_ih_ = register_parameter("bias_ih_l0", torch::empty({3 * size_}));
  b_hh_ = register_parameter("bias_hh_l0", torch::empty({3 * size_}));
  // torch.nn.GRU's initialisation.
  const double bound = 1.0 / std::sqrt(static_cast<double>(size_));
  torch::NoGradGuard no_grad;
  for (auto& p : parameters()) p.uniform_(-bound, bound);
}

torch::Tensor GruCellImpl::forward(const torch::Tensor& input, const torch::Tensor& hidden) {
  return torch::gru_cell(input, hidden, w_ih_, w_hh_, b_ih_, b_hh_);
}

GnnEncoderImpl::GnnEncoderImpl(int64_t feature_dim, int64_t hidden, int64_t blocks) {
  first_ = register_module("first", torch::nn::Linear(feature_dim, hidden));
  layers_ = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < blocks; ++i) {
    auto block = std::make_shared<torch::nn::Module>();
    grus_.push_back(block->register_module("gru", GruCell(hidden)));
    layers_->push_back(block);
  }
}

torch::Tensor gcn_propagation(const torch::Tensor& adjacency) {
  const torch::Tensor m =
      adjacency + torch::eye(adjacency.size(1), adjacency.options()).unsqueeze(0);
  const torch::Tensor r = m.sum(2).rsqrt();
  return (r.unsqueeze(2) * m * r.unsqueeze(1)).transpose(1, 2).contiguous();
}

torch::Tensor GnnEncoderImpl::forward(const torch::Tensor& adjacency,
                                      const torch::Tensor& features) {
  const int64_t b = features.size(0), n = features.size(1);
  const torch::Tensor propagation = gcn_propagation(adjacency);
  torch::Tensor h = torch::leaky_relu(first_->forward(features));
  const int64_t width = h.size(2);
  torch::Tensor best;
  for (auto& gru : grus_) {
    const torch::Tensor aggregate = torch::bmm(propagation, h);
    h = gru->forward(aggregate.reshape({b * n, width}), h.reshape({b * n, width}))
            .view({b, n, width});
    best = best.defined() ? torch::max(best, h) : h;
  }
  return best;
}

GnnPredictorImpl::GnnPredictorImpl(const PredictorNetOptions& options) : options_(options) {
  e_ = register_module("e", GnnEncoder(options.feature_dim(), options.hidden(), options.blocks()));
  predictor_ = register_module(
      "predictor",
      torch::nn::Sequential(
          torch::nn::Linear(options.num_nodes() * options.hidden() + options.graph_dim(),
                            options.decoder_hidden()),
          torch::nn::LeakyReLU(), torch::nn::Linear(options.decoder_hidden(), 1)));
}

torch::Tensor GnnPredictorImpl::forward(const GraphBatch& batch) {
  const torch::Tensor nodes = e_->forward(batch.adjacency, batch.features);
  torch::Tensor readout = nodes.flatten(1);
  if (options_.graph_dim() > 0) readout = torch::cat({readout, batch.graph}, 1);
  const torch::Tensor out = predictor_->forward(readout).squeeze(1);
  return options_.sigmoid() ? torch::sigmoid(out) : out;
}

MlpPredictorImpl::MlpPredictorImpl(const PredictorNetOptions& options) : options_(options) {
  const int64_t h = options.hidden();
  layers_ = register_module(
      "layers",
      torch::nn::Sequential(torch::nn::Linear(options.gene_dim() + options.graph_dim(), h),
                            torch::nn::LeakyReLU(), torch::nn::Linear(h, h), torch::nn::LeakyReLU(),
                            torch::nn::Linear(h, 1)));
}

torch::Tensor MlpPredictorImpl::forward(const GraphBatch& batch) {
  const torch::Tensor in =
      options_.graph_dim() > 0 ? torch::cat({batch.genes, batch.graph}, 1) : batch.genes;
  const torch::Tensor out = layers_->forward(in).squeeze(1);
  return options_.sigmoid() ? torch::sigmoid(out) : out;
}

std::shared_ptr<PredictorNet> make_predictor_net(const PredictorNetOptions& options) {
  switch (options.type()) {
    case PredictorType::kGnn: return std::make_shared<GnnPredictorImpl>(options);
    case PredictorType::kMlp: return std::make_shared<MlpPredictorImpl>(options);
    case PredictorType::kXgboost:
#if GNAS_HAVE_XGBOOST
      return std::make_shared<TreePredictorImpl>(options);
#else
      throw ConfigError(
          "predictor.type (xgboost): this gnas was built without XGBoost (cmake "
          "-DGNAS_XGBOOST=OFF); "
          "rebuild with it (libxgboost-dev) or use gnn or mlp");
#endif
  }
  return nullptr;  // every PredictorType is handled above
}

}  // namespace gnas
