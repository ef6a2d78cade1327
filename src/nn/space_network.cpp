#include "gnas/nn/space_network.hpp"

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/nn/nasbench201_network.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/space/macro.hpp"

namespace gnas::nn {

SpaceNetwork build_network(const SearchSpace& space, const Architecture& arch) {
  // Both network kinds expose the same calls; `net` is a shared module handle, so every closure
  // sees the weights as they are when it is called.
  const auto wrap = [&arch](auto net, const auto& shape) {
    return SpaceNetwork{
        net.ptr(),
        [net](const torch::Tensor& x) mutable { return net->forward(x); },
        shape.input_channels,
        shape.input_size,
        shape.classes,
        [net, shape, arch](const std::string& text, const std::string& path,
                           std::uint64_t seed) mutable {
          return export_onnx(net, shape, arch, text, path, seed);
        },
        [net, shape, arch]() mutable { return OpenCvRunner::network(net, shape, arch); }};
  };
  if (const MacroShape* shape = space.macro_shape()) return wrap(Network(*shape, arch), *shape);
  if (const auto* cells = dynamic_cast<const NasBench201Space*>(&space)) {
    return wrap(NasBench201Network(cells->shape(), arch), cells->shape());
  }
  throw ConfigError("search_space (" + space.name() + "): has no networks to build");
}

}  // namespace gnas::nn
