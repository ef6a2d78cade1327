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

}  // namespace gnas::nn
