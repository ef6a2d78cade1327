// Gradient-boosted trees as a predictor model, through XGBoost's C API (Debian's libxgboost-dev).

#include <xgboost/c_api.h>

#include <cmath>
#include <cstring>
#include <string>

#include "gnas/common/errors.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/models.hpp"

namespace gnas {
namespace {

// XGBoost reports failure by a non-zero return and a message of its own.
void xgb_check(int status, const std::string& what) {
  if (status != 0) throw DataError("XGBoost: " + what + ": " + XGBGetLastError());
}

std::shared_ptr<void> new_booster(DMatrixHandle* train, bst_ulong count) {
  BoosterHandle handle = nullptr;
  xgb_check(XGBoosterCreate(train, count, &handle), "cannot create a booster");
  return std::shared_ptr<void>(handle, [](void* h) { XGBoosterFree(h); });
}

// [B, G + K] float32, row-major, as one matrix XGBoost reads (freed with the returned handle).
std::shared_ptr<void> feature_matrix(const GraphBatch& batch, int64_t graph_dim) {
  const torch::Tensor x = (graph_dim > 0 ? torch::cat({batch.genes, batch.graph}, 1) : batch.genes)
                              .to(torch::kFloat32)
                              .contiguous();
  DMatrixHandle handle = nullptr;
  xgb_check(XGDMatrixCreateFromMat(x.data_ptr<float>(), static_cast<bst_ulong>(x.size(0)),
                                   static_cast<bst_ulong>(x.size(1)), std::nanf(""), &handle),
            "cannot build the feature matrix");
  return std::shared_ptr<void>(handle, [](void* h) { XGDMatrixFree(h); });
}

void set_param(void* booster, const std::string& name, const std::string& value) {
  xgb_check(XGBoosterSetParam(booster, name.c_str(), value.c_str()),
            "parameter " + name + " = " + value);
}

}  // namespace

TreePredictorImpl::TreePredictorImpl(const PredictorNetOptions& options) : options_(options) {}

bool TreePredictorImpl::fit_directly(const GraphBatch& batch, const torch::Tensor& targets,
                                     const PredictorConfig& config, std::uint64_t seed) {
  const std::shared_ptr<void> data = feature_matrix(batch, options_.graph_dim());
  const torch::Tensor y = targets.to(torch::kFloat32).contiguous();
  xgb_check(XGDMatrixSetFloatInfo(data.get(), "label", y.data_ptr<float>(),
                                  static_cast<bst_ulong>(y.numel())),
            "cannot set the labels");
  DMatrixHandle train = data.get();
  std::shared_ptr<void> booster = new_booster(&train, 1);
  set_param(booster.get(), "verbosity", "0");
  set_param(booster.get(), "nthread", std::to_string(torch::get_num_threads()));
  set_param(booster.get(), "tree_method", "hist");
  set_param(booster.get(), "objective", "reg:squarederror");
  set_param(booster.get(), "base_score", "0");  // the targets are normalised around 0
  set_param(booster.get(), "max_depth", std::to_string(config.tree_depth));
  set_param(booster.get(), "eta", format_number(config.tree_eta));
  set_param(booster.get(), "subsample", format_number(config.tree_subsample));
  set_param(booster.get(), "colsample_bytree", format_number(config.tree_subsample));
  set_param(booster.get(), "seed", std::to_string(seed % 2147483647u));
  for (int round = 0; round < config.trees; ++round) {
    throw_if_stop_requested("in predictor training at tree " + std::to_string(round + 1));
    xgb_check(XGBoosterUpdateOneIter(booster.get(), round, train),
              "boosting round " + std::to_string(round + 1));
  }
  booster_ = std::move(booster);
  return true;
}

torch::Tensor TreePredictorImpl::forward(const GraphBatch& batch) {
  if (!booster_) throw DataError("predictor: the tree model was never fitted or loaded");
  if (batch.size() == 0) return torch::zeros({0});
  const std::shared_ptr<void> data = feature_matrix(batch, options_.graph_dim());
  bst_ulong length = 0;
  const float* values = nullptr;
  xgb_check(XGBoosterPredict(booster_.get(), data.get(), 0, 0, 0, &length, &values), "prediction");
  return torch::from_blob(const_cast<float*>(values), {static_cast<int64_t>(length)},
                          torch::kFloat32)
      .clone();
}

std::vector<std::pair<std::string, torch::Tensor>> TreePredictorImpl::saved_state() const {
  if (!booster_) throw DataError("predictor: the tree model was never fitted, nothing to save");
  bst_ulong length = 0;
  const char* bytes = nullptr;
  xgb_check(XGBoosterSaveModelToBuffer(booster_.get(), R"({"format": "ubj"})", &length, &bytes),
            "cannot serialise the model");
  torch::Tensor model = torch::empty({static_cast<int64_t>(length)}, torch::kUInt8);
  std::memcpy(model.data_ptr<uint8_t>(), bytes, length);
  return {{"model", model}};
}

void TreePredictorImpl::load_state(const std::map<std::string, torch::Tensor>& state) {
  const auto it = state.find("model");
  if (it == state.end()) throw DataError("cannot load the tree model: missing model");
  const torch::Tensor model = it->second.contiguous();
  if (model.scalar_type() != torch::kUInt8 || model.dim() != 1) {
    throw DataError("cannot load the tree model: model is not a byte vector");
  }
  std::shared_ptr<void> booster = new_booster(nullptr, 0);
  xgb_check(XGBoosterLoadModelFromBuffer(booster.get(), model.data_ptr<uint8_t>(),
                                         static_cast<bst_ulong>(model.numel())),
            "cannot read the tree model");
  bst_ulong features = 0;
  xgb_check(XGBoosterGetNumFeature(booster.get(), &features), "cannot read the tree model");
  const auto expected = static_cast<bst_ulong>(options_.gene_dim() + options_.graph_dim());
  if (features != expected) {
    throw DataError("cannot load the tree model: it reads " + std::to_string(features) +
                    " features, the predictor's encoding has " + std::to_string(expected));
  }
  set_param(booster.get(), "verbosity", "0");
  set_param(booster.get(), "nthread", std::to_string(torch::get_num_threads()));
  booster_ = std::move(booster);
}

}  // namespace gnas
