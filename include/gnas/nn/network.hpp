#pragma once

// The child network of the layer-wise space (DESIGN 1.1): stem, the search layers (each the sum
// of its selected ops), head, classifier. Module names follow the original's state dict
// (`first.conv`, `stages.L.ops.K`, `last_stage.0`, `classifier`), K counting selected ops only.

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gnas/nn/ops.hpp"
#include "gnas/space/architecture.hpp"
#include "gnas/space/macro.hpp"

namespace gnas::nn {

/// 3x3 conv (stride 1, padding 1) + BN + ReLU6. Children: `conv`, `bn`.
class StemImpl : public torch::nn::Module {
 public:
  StemImpl(int64_t in_channels, int64_t out_channels);
  /// [B, C_in, H, W] -> [B, C_out, H, W]
  torch::Tensor forward(const torch::Tensor& x);
  /// The output in channels-last memory whatever the input's layout: a one-channel input is
  /// NCHW and channels-last at once, and LibTorch answers it with NCHW, so the whole network
  /// would run in NCHW (1.8x slower to train at 28x28x1, docs/benchmarks.md).
  void set_channels_last(bool on) { channels_last_ = on; }

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
  bool channels_last_ = false;
};
TORCH_MODULE(Stem);

/// One search layer: the element-wise sum of its selected ops. Child: ModuleList `ops`.
class SearchLayerImpl : public torch::nn::Module {
 public:
  explicit SearchLayerImpl(std::vector<CandidateOpOptions> selected);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::ModuleList ops_list_{nullptr};
  std::vector<std::shared_ptr<CandidateOpImpl>> ops_;
};
TORCH_MODULE(SearchLayer);

class NetworkImpl : public torch::nn::Module {
 public:
  /// `arch` must be a valid architecture of the layer-wise space of `shape` (throws DataError).
  NetworkImpl(const MacroShape& shape, const Architecture& arch);
  /// x [B, input_channels, input_size, input_size] float -> logits [B, classes].
  torch::Tensor forward(const torch::Tensor& x);
  /// Every convolution weight and every activation in channels-last memory (faster on CPU).
  void to_channels_last();

 private:
  Stem first_{nullptr};
  torch::nn::ModuleList stages_{nullptr};
  std::vector<SearchLayer> layers_;
  torch::nn::Sequential last_stage_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(Network);

/// The value a file saved by torch.save / torch::pickle_save (zip format) holds, read without
/// ever reading past the file's bytes. Throws DataError "PATH: not WHAT: ..." (one line) for a
/// missing, truncated, corrupt or foreign file.
c10::IValue read_torch_saved(const std::string& path, const std::string& what);

/// Every tensor of a dict saved by Python's torch.save (zip format), by key; non-tensor values
/// are skipped. Throws DataError naming the file when it is missing or not such a dict.
std::map<std::string, torch::Tensor> read_tensor_dict(const std::string& path);

/// Copies `tensors` into `module`'s parameters and buffers by name. Throws DataError listing
/// every parameter or buffer missing from `tensors` (BatchNorm's num_batches_tracked may be
/// absent and is then left alone) and every shape mismatch. Returns the keys
/// of `tensors` that matched nothing.
std::vector<std::string> load_tensors(torch::nn::Module& module,
                                      const std::map<std::string, torch::Tensor>& tensors);

/// Eval mode for the guard's lifetime: `module`'s train/eval mode is restored when it ends, also
/// when an exception leaves the scope.
class EvalModeGuard {
 public:
  explicit EvalModeGuard(torch::nn::Module& module)
      : module_(module), was_training_(module.is_training()) {
    module_.eval();
  }
  ~EvalModeGuard() { module_.train(was_training_); }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  torch::nn::Module& module_;
  bool was_training_;
};

/// Learnable parameters of `module`.
int64_t count_parameters(const torch::nn::Module& module);

/// Conv MACs (millions) of one image through `net`, counted on a real forward pass.
double measure_macs_m(Network& net, const MacroShape& shape);

}  // namespace gnas::nn
