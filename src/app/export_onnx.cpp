#include "gnas/app/export_onnx.hpp"

#include <chrono>

#include "gnas/app/summary.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/onnx_export.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {

ExportOnnxResult run_export_onnx(const Config& config, const ExportOnnxOptions& options,
                                 spdlog::logger& log, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  const auto space = make_search_space(config);
  const auto* layerwise = dynamic_cast<const LayerwiseSpace*>(space.get());
  if (layerwise == nullptr) {
    throw ConfigError("search_space (" + space->name() + "): evaluate --export-onnx writes networks of "
                      "the layerwise space only");
  }
  const std::string file = options.arch_file.empty() ? config.path_to_evolution_architecture : options.arch_file;
  const std::vector<Architecture> archs = read_architectures(file, *space);
  if (options.index < 0 || options.index >= static_cast<int>(archs.size())) {
    throw UsageError("--index (" + std::to_string(options.index) + "): " + file + " holds " +
                     std::to_string(archs.size()) + " architectures (0-based rows)");
  }
  const Architecture& arch = archs[static_cast<std::size_t>(options.index)];
  ExportOnnxResult result;
  result.arch = space->format(arch);
  result.output = join_path(config.log_dir, "architecture_" + std::to_string(options.index) + ".onnx");
  const std::uint64_t seed = derive_seed(config.seed, SeedPurpose::kEvaluate, 2);
  torch::manual_seed(seed);
  nn::Network net(layerwise->shape(), arch);
  const nn::OnnxExport e = nn::export_onnx(net, layerwise->shape(), arch, result.arch, result.output, seed);
  result.relative_difference = e.relative_difference;
  result.max_abs_difference = e.max_abs_difference;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << result.arch << " -> " << result.output << " (" << e.nodes << " nodes; OpenCV vs LibTorch on "
      << e.check_batch << " images: max |difference| " << format_number(e.max_abs_difference) << ", "
      << format_number(e.relative_difference) << " of the logits' scale)\n";
  log.info("[export] {} -> {}: OpenCV's logits within {} of LibTorch's (relative {})", result.arch,
           result.output, format_number(e.max_abs_difference), format_number(e.relative_difference));
  YAML::Node values;
  values["mode"] = "export_onnx";
  values["arch_file"] = file;
  values["index"] = options.index;
  values["arch"] = result.arch;
  values["output"] = result.output;
  values["weights"] = "untrained (seed " + std::to_string(seed) + ")";
  values["batch"] = "dynamic (input images [batch, " + std::to_string(layerwise->shape().input_channels) + ", " +
                    std::to_string(layerwise->shape().input_size) + ", " +
                    std::to_string(layerwise->shape().input_size) + "], output logits [batch, " +
                    std::to_string(layerwise->shape().classes) + "])";
  values["check_runtime"] = "OpenCV DNN";
  values["check_batch"] = static_cast<int>(e.check_batch);
  values["check_max_abs_difference"] = format_number(e.max_abs_difference);
  values["check_relative_difference"] = format_number(e.relative_difference);
  app::write_summary(config, "export_onnx", values, result.seconds);
  return result;
}

}  // namespace gnas
