#include <gtest/gtest.h>
#include <torch/script.h>

#include "gnas/nn/export.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "test_util.hpp"

namespace gnas {
namespace {

// The exported TorchScript computes what the network computes, for every op and odd sizes.
TEST(Export, TorchScriptGivesTheNetworksLogits) {
  test::TempDir dir;
  for (int size : {32, 28}) {
    Config c;
    c.input_size = size;
    c.input_channels = size == 32 ? 3 : 1;
    c.classes = 10;
    const MacroShape shape = MacroShape::from_config(c);
    const LayerwiseSpace space(shape);
    for (const char* text : {"111111-111111-111111-111111-111111", "100000-100000-010001-000110-100000"}) {
      torch::manual_seed(1);
      nn::Network net(shape, space.parse(text));
      net->train();
      {  // move the BatchNorm statistics away from their initial values
        torch::NoGradGuard no_grad;
        for (int i = 0; i < 3; ++i) net->forward(torch::randn({4, c.input_channels, size, size}));
      }
      net->eval();
      const std::string path = dir.file("model.pt");
      nn::export_torchscript(net, shape, space.parse(text), path);
      torch::jit::Module loaded = torch::jit::load(path);
      const torch::Tensor x = torch::randn({3, c.input_channels, size, size});
      torch::NoGradGuard no_grad;
      const torch::Tensor expected = net->forward(x);
      const torch::Tensor got = loaded.forward({x}).toTensor();
      EXPECT_LE((expected - got).abs().max().item<double>(), 1e-5) << text << " size " << size;
    }
  }
}

}  // namespace
}  // namespace gnas
