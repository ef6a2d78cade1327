#include "gnas/train/device.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <torch/torch.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <thread>

#include "gnas/common/errors.hpp"

namespace gnas {

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

void configure_cpu_runtime(const Config& config) {
  // LibTorch's own default here is one intra-op thread, half of a 2-core machine.
  torch::set_num_threads(config.num_threads > 0 ? config.num_threads : available_cpus());
#ifdef __GLIBC__
  // Activations of a training batch are tens of MB. glibc serves blocks that large with a fresh
  // mmap each time, and the kernel then zero-fills every page on first touch: at batch 1024 that
  // made training 5x slower (docs/benchmarks.md). Keeping them in the heap lets freed blocks be
  // reused; train --train-data calls malloc_trim between architectures to hand back the rest.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

void release_free_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

torch::Device resolve_device(const Config& config) {
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

std::vector<torch::Device> label_devices(const Config& config) {
  const torch::Device first = resolve_device(config);
  if (config.ngpu == 1) return {first};
  if (!first.is_cuda()) {
    throw ConfigError("ngpu (" + std::to_string(config.ngpu) + "): the training device is the " +
                      "CPU (device " + config.device + ", " +
                      (torch::cuda::is_available() ? "CUDA is there" : "no CUDA in this LibTorch") +
                      "); ngpu > 1 spreads label trainings over CUDA devices");
  }
  const int present = static_cast<int>(torch::cuda::device_count());
  if (first.index() + config.ngpu > present) {
    throw ConfigError("ngpu (" + std::to_string(config.ngpu) + "): " + std::to_string(present) +
                      " CUDA device" + (present == 1 ? " is" : "s are") + " present, and " +
                      std::to_string(config.ngpu) + " from " + first.str() + " need " +
                      std::to_string(first.index() + config.ngpu));
  }
  std::vector<torch::Device> devices;
  for (int i = 0; i < config.ngpu; ++i) {
    devices.emplace_back(torch::kCUDA, static_cast<c10::DeviceIndex>(first.index() + i));
  }
  return devices;
}

int threads_per_training(const Config& config, int concurrent) {
  const int total = config.num_threads > 0 ? config.num_threads : available_cpus();
  return std::max(1, total / std::max(1, concurrent));
}

std::string describe_device(const torch::Device& device) {
  if (device.is_cpu()) return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
  return device.str();
}

}  // namespace gnas
