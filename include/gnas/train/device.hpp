#pragma once

// The one place that knows about devices: everything else takes a torch::Device (c10::Device).

#include <c10/core/Device.h>  // torch::Device without the rest of LibTorch

#include <string>
#include <vector>

#include "gnas/common/config.hpp"

namespace gnas {

/// CPUs this process may run on (its affinity mask).
int available_cpus();

/// Process-wide CPU settings every step applies first: `num_threads` intra-op threads (0 = every
/// available CPU) and, with glibc, an allocator policy that keeps large tensors in the heap.
void configure_cpu_runtime(const Config& config);

/// Peak resident memory of this process so far, MB.
double peak_rss_mb();

/// Hands the heap's free pages back to the system (glibc), so that the process's memory follows
/// the network in training between architectures (docs/benchmarks.md, memory).
void release_free_memory();

/// The training device the config asks for: `device` (auto | cpu | cuda | cuda:N); with auto,
/// CUDA when `cuda` is true and a GPU is present, else the CPU.
/// Throws ConfigError when a CUDA device is asked for and absent.
c10::Device resolve_device(const Config& config);

/// The devices label trainings spread over: resolve_device's and, with ngpu = N > 1, the N CUDA
/// devices from its index on. Throws ConfigError naming ngpu when N > 1 and the training device
/// is the CPU, or when fewer than N CUDA devices are present from that index.
std::vector<c10::Device> label_devices(const Config& config);

/// Intra-op threads of each of `concurrent` trainings sharing the CPU: num_threads (0 = every
/// available CPU) divided between them, at least 1.
int threads_per_training(const Config& config, int concurrent);

/// "cpu", "cuda:0", ... with the GPU's name when LibTorch knows it.
std::string describe_device(const c10::Device& device);

}  // namespace gnas
