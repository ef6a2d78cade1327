#include "gnas/train/device.hpp"

#include "gnas/common/errors.hpp"

namespace gnas {

torch::Device resolve_device(const Config& config) {
  if (config.num_threads > 0) torch::set_num_threads(config.num_threads);
  const bool available = torch::cuda::is_available();
  if (config.device == "auto") {
    return config.cuda && available ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  }
  if (config.device == "cpu") return torch::Device(torch::kCPU);
  const int index = config.device == "cuda" ? 0 : std::stoi(config.device.substr(5));
  if (!available) {
    throw ConfigError("device (" + config.device + "): no CUDA device is available to this " +
                      "LibTorch build; use auto or cpu");
  }
  if (index >= static_cast<int>(torch::cuda::device_count())) {
    throw ConfigError("device (" + config.device + "): only " +
                      std::to_string(torch::cuda::device_count()) + " CUDA devices are present");
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

std::string describe_device(const torch::Device& device) {
  if (device.is_cpu()) return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
  return device.str();
}

}  // namespace gnas
