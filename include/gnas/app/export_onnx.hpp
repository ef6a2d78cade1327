#pragma once

#include <spdlog/logger.h>

#include <ostream>
#include <string>

#include "gnas/common/config.hpp"

namespace gnas {

struct ExportOnnxOptions {
  std::string arch_file;  ///< architectures; empty: path_to_evolution_architecture
  int index = 0;          ///< 0-based row of arch_file
};

struct ExportOnnxResult {
  std::string arch;
  std::string output;  ///< <log_dir>/architecture_<index>.onnx
  double relative_difference = 0;
  double max_abs_difference = 0;
  double seconds = 0;
};

/// `evaluate --export-onnx [--arch-file PATH] [--index I]`: row I of the file as an ONNX model
/// with freshly initialised weights (seeded; BatchNorm at its initial statistics), for latency
/// work on a deployment runtime; checked by OpenCV's DNN module like the final model
/// (nn/onnx_export.hpp). Writes <log_dir>/architecture_<I>.onnx and
/// evaluate_export_onnx_summary.yml. Throws ConfigError for a space whose networks cannot be
/// exported yet, UsageError for an index out of range, Error when the check fails (nothing
/// written).
ExportOnnxResult run_export_onnx(const Config& config, const ExportOnnxOptions& options,
                                 spdlog::logger& log, std::ostream& out);

}  // namespace gnas
