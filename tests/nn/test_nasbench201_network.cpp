#include <gtest/gtest.h>
#include <torch/torch.h>

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/nn/nasbench201_network.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/nn/ops.hpp"
#include "gnas/space/rng.hpp"

namespace gnas {
namespace {

int64_t counted_macs(nn::NasBench201Network& net, const CellNetworkShape& shape) {
  torch::NoGradGuard no_grad;
  net->eval();
  nn::MacsProbe probe;
  net->forward(torch::zeros({1, shape.input_channels, shape.input_size, shape.input_size}));
  return probe.macs();
}

// DESIGN 1.8's figures, counted with PyTorch from the benchmark's description (100 classes).
TEST(NasBench201Cost, MatchesTheReferenceCounts) {
  const NasBench201Space space(CellNetworkShape{32, 3, 100});
  struct Case {
    const char* arch;
    std::int64_t params;
    double macs_m;
  };
  const Case cases[] = {
      {"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_"
       "3x3~2|",
       1537396, 220.119040},
      {"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", 79156, 7.782400},
      {"|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_3x3~0|none~1|skip_connect~2|",
       350196, 47.104000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.arch);
    const Cost cost = space.cost(space.parse(c.arch));
    EXPECT_EQ(cost.params, c.params);
    EXPECT_NEAR(cost.macs_m, c.macs_m, 1e-9);
  }
  EXPECT_NEAR(space.min_macs_m(), 7.7824, 1e-9);
  EXPECT_TRUE(space.has_cost());
}

// The analytic counts against the module: parameters from the built network, MACs from a
// forward pass through it, for random cells and several input shapes.
TEST(NasBench201Cost, EqualsCountsTakenFromTheModule) {
  torch::manual_seed(0);
  Rng rng(3);
  for (const CellNetworkShape shape :
       {CellNetworkShape{32, 3, 10}, CellNetworkShape{28, 1, 10}, CellNetworkShape{16, 3, 100}}) {
    const NasBench201Space space(shape);
    for (int i = 0; i < 8; ++i) {
      const Architecture arch = space.sample(rng);
      SCOPED_TRACE(space.format(arch) + " at " + std::to_string(shape.input_size));
      nn::NasBench201Network net(shape, arch);
      const Cost cost = space.cost(arch);
      EXPECT_EQ(nn::count_parameters(*net), cost.params);
      EXPECT_NEAR(static_cast<double>(counted_macs(net, shape)) / 1e6, cost.macs_m, 1e-9);
    }
  }
}

TEST(NasBench201Network, ForwardAndBackward) {
  torch::manual_seed(0);
  const CellNetworkShape shape{28, 1, 10};
  const NasBench201Space space(shape);
  nn::NasBench201Network net(shape, space.parse("|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|"
                                                "nor_conv_1x1~0|none~1|nor_conv_3x3~2|"));
  const torch::Tensor y = net->forward(torch::randn({2, 1, 28, 28}));
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 10}));
  y.pow(2).sum().backward();
  for (const auto& p : net->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
  }
}

TEST(NasBench201Cost, RejectsInputSizesTheNetworkCannotHalveTwice) {
  try {
    NasBench201Space space(CellNetworkShape{30, 3, 10});
    FAIL() << "30 accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "input_size (30): the nasbench201 network halves it twice, so it must be a positive "
              "multiple of 4");
  }
}

}  // namespace
}  // namespace gnas
