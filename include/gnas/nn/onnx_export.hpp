#pragma once

// ONNX export of a network of either space, checked by a second runtime. The graph (opset 10, which
// OpenCV 4.6 reads) is written from the same walk as the TorchScript export (network_writer.hpp),
// every BatchNorm folded into the convolution(s) before it (w' = w g / sqrt(v + eps), b' = beta -
// mean g / sqrt(v + eps)). Input `images` float [batch, C, S, S] with a dynamic batch dimension
// (dim_param "batch"), output `logits` float [batch, classes]. Metadata: gnas.architecture,
// gnas.seed, gnas.version, gnas.input (C x S x S). Before the file replaces anything it is
// loaded by OpenCV's DNN module and its logits compared with LibTorch's (eval mode) on a seeded
// batch; a relative difference above kExportTolerance is an error and nothing is written.

#include <cstdint>
#include <memory>
#include <string>

#include "gnas/nn/export.hpp"
#include "gnas/nn/nasbench201_network.hpp"
#include "gnas/nn/network.hpp"

namespace gnas::nn {

struct OnnxExport {
  std::string path;
  int64_t check_batch = 0;         ///< images in the check batch
  double max_abs_difference = 0;   ///< max |OpenCV - LibTorch| over the check logits
  double relative_difference = 0;  ///< the same over max |LibTorch logit|
  int64_t nodes = 0;               ///< nodes of the ONNX graph
};

/// Writes `net` (current weights, BatchNorm statistics; eval mode whatever its mode, which is
/// restored) to `path` as ONNX after the OpenCV check on `check_batch` standard-normal images
/// drawn from `seed`. Atomic: a failed check or write leaves `path` as it was. Throws DataError
/// (exit 2) naming the path when OpenCV refuses the model or the logits differ. `arch_text` is the
/// architecture as its space writes it (the metadata's gnas.architecture).
OnnxExport export_onnx(Network& net, const MacroShape& shape, const Architecture& arch,
                       const std::string& arch_text, const std::string& path, std::uint64_t seed,
                       int64_t check_batch = 4);

/// The same for the NAS-Bench-201 network of cell `arch`. Its last BatchNorm follows a sum, not a
/// convolution: it becomes a per-channel Mul and Add; a `none` node whose every edge is `none`
/// becomes x * 0.
OnnxExport export_onnx(NasBench201Network& net, const CellNetworkShape& shape,
                       const Architecture& arch, const std::string& arch_text,
                       const std::string& path, std::uint64_t seed, int64_t check_batch = 4);

/// An ONNX model held in memory and loaded by OpenCV's DNN module (CPU), with a standard-normal
/// batch-1 input, for timing on the deployment runtime (latency.runtime: opencv): a whole
/// network of either space, one candidate op, or one element-wise add. Throws DataError when OpenCV
/// refuses the model.
class OpenCvRunner {
 public:
  /// `net` with its current weights (eval-mode BatchNorm folded as in export_onnx).
  static OpenCvRunner network(Network& net, const MacroShape& shape, const Architecture& arch);
  static OpenCvRunner network(NasBench201Network& net, const CellNetworkShape& shape,
                              const Architecture& arch);
  static OpenCvRunner op(CandidateOpImpl& op, const CandidateOpOptions& options, int input_size);
  /// [1, C, S, S] + itself
  static OpenCvRunner add(int channels, int size);

  /// One forward pass.
  void run();

  OpenCvRunner(OpenCvRunner&&) noexcept;
  OpenCvRunner& operator=(OpenCvRunner&&) noexcept;
  ~OpenCvRunner();
  struct State;

 private:
  explicit OpenCvRunner(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// OpenCV's thread count (cv::setNumThreads; -1 = its default); returns the previous one.
int set_opencv_threads(int threads);

}  // namespace gnas::nn
