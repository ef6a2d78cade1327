#include "gnas/app/export_onnx.hpp"

#include <chrono>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/space_network.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/arch_io.hpp"

namespace gnas {

ExportOnnxResult run_export_onnx(const Config& config, const ExportOnnxOptions& options,
                                 spdlog::logger& log, std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const std::string file =
      options.arch_file.empty() ? config.path_to_evolution_architecture : options.arch_file;
  const std::vector<Architecture> archs = read_architectures(file, *space);
  if (options.index < 0 || options.index >= static_cast<int>(archs.size())) {
    throw UsageError("--index (" + std::to_string(options.index) + "): " + file + " holds " +
                     std::to_string(archs.size()) + " architectures (0-based rows)");
  }
  const Architecture& arch = archs[static_cast<std::size_t>(options.index)];
  ExportOnnxResult result;
  result.arch = space->format(arch);
  result.output =
      join_path(config.log_dir, "architecture_" + std::to_string(options.index) + ".onnx");
  const std::uint64_t seed = derive_seed(config.seed, SeedPurpose::kEvaluate, 2);
  torch::manual_seed(seed);
  // Untrained weights; BatchNorm running statistics moved towards those of noise images by two
  // training-mode passes (momentum 0.1: 19 % of the way), so that the activations keep their
  // scale through the network and the check's logits depend on the image (with the initial
  // statistics NAS-Bench-201's convolution cells pass on ~0 and every image gets the
  // classifier's bias).
  const auto settle = [seed](torch::nn::Module& net, const auto& forward, int64_t c, int64_t s) {
    torch::NoGradGuard no_grad;
    auto generator = at::detail::createCPUGenerator(seed + 1);
    net.train();
    for (int i = 0; i < 2; ++i) forward(torch::randn({8, c, s, s}, generator));
    net.eval();
  };
  nn::SpaceNetwork net = nn::build_network(*space, arch);
  settle(*net.module, net.forward, net.input_channels, net.input_size);
  const nn::OnnxExport e = net.to_onnx(result.arch, result.output, seed);
  const int64_t channels = net.input_channels, size = net.input_size, classes = net.classes;
  result.relative_difference = e.relative_difference;
  result.max_abs_difference = e.max_abs_difference;
  result.seconds = seconds_since(start);
  out << result.arch << " -> " << result.output << " (" << e.nodes
      << " nodes; OpenCV vs LibTorch on " << e.check_batch << " images: max |difference| "
      << format_number(e.max_abs_difference) << ", " << format_number(e.relative_difference)
      << " of the logits' scale)\n";
  log.info("[export] {} -> {}: OpenCV's logits within {} of LibTorch's (relative {})", result.arch,
           result.output, format_number(e.max_abs_difference),
           format_number(e.relative_difference));
  YAML::Node values;
  values["mode"] = "export_onnx";
  values["arch_file"] = file;
  values["index"] = options.index;
  values["arch"] = result.arch;
  values["output"] = result.output;
  values["weights"] =
      "untrained (seed " + std::to_string(seed) +
      "), BatchNorm running statistics after 2 training-mode passes of 8 noise images";
  values["batch"] = "dynamic (input images [batch, " + std::to_string(channels) + ", " +
                    std::to_string(size) + ", " + std::to_string(size) +
                    "], output logits [batch, " + std::to_string(classes) + "])";
  values["check_runtime"] = "OpenCV DNN";
  values["check_batch"] = static_cast<int>(e.check_batch);
  values["check_max_abs_difference"] = format_number(e.max_abs_difference);
  values["check_relative_difference"] = format_number(e.relative_difference);
  app::write_summary(config, outputs_name(EvaluateMode::kExportOnnx), values, result.seconds);
  return result;
}

}  // namespace gnas
