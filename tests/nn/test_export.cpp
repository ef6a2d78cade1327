#include <gtest/gtest.h>
#include <torch/script.h>

#include <limits>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
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
    for (const char* text :
         {"111111-111111-111111-111111-111111", "100000-100000-010001-000110-100000"}) {
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

// The frozen module: eval mode, no BatchNorm left, the network's logits; a failed check writes
// nothing.
TEST(Export, FrozenTorchScriptFoldsBatchNormAndGivesTheNetworksLogits) {
  test::TempDir dir;
  Config c;
  c.classes = 10;
  const MacroShape shape = MacroShape::from_config(c);
  const LayerwiseSpace space(shape);
  for (const char* text :
       {"111111-111111-111111-111111-111111", "100000-100000-010001-000110-100000"}) {
    torch::manual_seed(2);
    nn::Network net(shape, space.parse(text));
    net->train();
    {
      torch::NoGradGuard no_grad;
      for (int i = 0; i < 3; ++i) net->forward(torch::randn({4, 3, 32, 32}));
    }
    const std::string path = dir.file("frozen.pt");
    const nn::FrozenExport e =
        nn::export_frozen_torchscript(net, shape, space.parse(text), path, 5, 3);
    EXPECT_TRUE(net->is_training());  // restored
    EXPECT_LE(e.relative_difference, nn::kExportTolerance) << text;
    torch::jit::Module loaded = torch::jit::load(path);
    int64_t batch_norms = 0, convs = 0;
    for (const torch::jit::Node* node : loaded.get_method("forward").graph()->nodes()) {
      batch_norms += node->kind() == c10::Symbol::fromQualString("aten::batch_norm");
      convs += node->kind() == c10::Symbol::fromQualString("aten::conv2d");
    }
    EXPECT_EQ(batch_norms, 0);
    EXPECT_GT(convs, 0);
    net->eval();
    const torch::Tensor x = torch::randn({2, 3, 32, 32});
    torch::NoGradGuard no_grad;
    EXPECT_LE((net->forward(x) - loaded.forward({x}).toTensor()).abs().max().item<double>(),
              1e-4 * net->forward(x).abs().max().item<double>());
  }
  // A network whose logits are NaN cannot match: an error, and the file is left as it was.
  torch::manual_seed(3);
  nn::Network broken(shape, space.parse("100000-100000-100000-100000-100000"));
  {
    torch::NoGradGuard no_grad;
    for (auto& p : broken->named_parameters()) {
      if (p.key() == "classifier.weight") p.value().fill_(std::numeric_limits<float>::quiet_NaN());
    }
  }
  const std::string kept = dir.write("kept.pt", "previous");
  EXPECT_THROW(nn::export_frozen_torchscript(
                   broken, shape, space.parse("100000-100000-100000-100000-100000"), kept, 5),
               DataError);
  EXPECT_EQ(read_file(kept), "previous");
}

}  // namespace
}  // namespace gnas
