#include "gnas/nn/space_network.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/nn/nasbench201_network.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas::nn {

SpaceNetwork build_network(const SearchSpace& space, const Architecture& arch) {
  if (const auto* layerwise = dynamic_cast<const LayerwiseSpace*>(&space)) {
    const MacroShape& shape = layerwise->shape();
    Network net(shape, arch);
    return {net.ptr(), [net](const torch::Tensor& x) mutable { return net->forward(x); },
            shape.input_channels, shape.input_size, shape.classes};
  }
  if (const auto* cells = dynamic_cast<const NasBench201Space*>(&space)) {
    const CellNetworkShape& shape = cells->shape();
    NasBench201Network net(shape, arch);
    return {net.ptr(), [net](const torch::Tensor& x) mutable { return net->forward(x); },
            shape.input_channels, shape.input_size, shape.classes};
  }
  throw ConfigError("search_space (" + space.name() + "): has no networks to build");
}

LatencyStats measure_latency(SpaceNetwork& net, int batch, int warmup, int repeats, int threads) {
  const int previous_threads = torch::get_num_threads();
  if (threads > 0) torch::set_num_threads(threads);
  torch::NoGradGuard no_grad;
  const bool was_training = net.module->is_training();
  net.module->eval();
  const torch::Tensor x = torch::randn({batch, net.input_channels, net.input_size, net.input_size});
  for (int i = 0; i < warmup; ++i) net.forward(x);
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    net.forward(x);
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  net.module->train(was_training);
  if (threads > 0) torch::set_num_threads(previous_threads);
  std::sort(times.begin(), times.end());
  return {median_of_sorted(times), times.front()};
}

}  // namespace gnas::nn
