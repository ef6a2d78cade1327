#include <gtest/gtest.h>

#include <string>

#include "gnas/nn/depthwise.hpp"
#include "gnas/nn/ops.hpp"

namespace gnas {
namespace {

struct Grads {
  torch::Tensor y, dx, dw;
};

// y and the gradients of sum(y * r) for a seeded r, by LibTorch's convolution or by ours.
Grads gradients(const torch::Tensor& x0, const torch::Tensor& w0, int64_t s, int64_t p, int64_t d,
                bool ours) {
  torch::Tensor x = x0.clone().requires_grad_(true);
  torch::Tensor w = w0.clone().requires_grad_(true);
  const torch::Tensor y = ours ? nn::depthwise_conv2d(x, w, s, p, d)
                               : torch::conv2d(x, w, {}, at::IntArrayRef{s}, at::IntArrayRef{p},
                                               at::IntArrayRef{d}, w.size(0));
  torch::manual_seed(7);
  (y * torch::randn_like(y)).sum().backward();
  return {y.detach(), x.grad(), w.grad()};
}

double relative_error(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / b.abs().max()).item<double>();
}

TEST(Depthwise, MatchesLibTorchForEveryKernelStrideDilationAndSize) {
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    for (const bool channels_last : {false, true}) {
      for (const int64_t k : {3, 5, 7}) {
        for (const int64_t s : {1, 2}) {
          for (const int64_t d : {1, 2}) {
            for (const int64_t size : {7, 8}) {
              torch::manual_seed(k * 100 + s * 10 + d + size);
              torch::Tensor x = torch::randn({3, 5, size, size}, dtype);
              if (channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
              const torch::Tensor w = torch::randn({5, 1, k, k}, dtype);
              const int64_t p = d * (k / 2);
              const Grads ref = gradients(x, w, s, p, d, false);
              const Grads got = gradients(x, w, s, p, d, true);
              const std::string what = "k" + std::to_string(k) + " s" + std::to_string(s) + " d" +
                                       std::to_string(d) + " size " + std::to_string(size) +
                                       (channels_last ? " NHWC " : " NCHW ") +
                                       (dtype == torch::kFloat32 ? "float" : "double");
              const double tol = dtype == torch::kFloat32 ? 1e-5 : 1e-12;
              ASSERT_EQ(got.y.sizes(), ref.y.sizes()) << what;
              EXPECT_LT(relative_error(got.y, ref.y), tol) << what;
              ASSERT_EQ(got.dx.sizes(), x.sizes()) << what;
              EXPECT_LT(relative_error(got.dx, ref.dx), tol) << what;
              EXPECT_LT(relative_error(got.dw, ref.dw), tol) << what;
            }
          }
        }
      }
    }
  }
}

TEST(Depthwise, PaddingBelowSameAndZeroPadding) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({2, 4, 9, 9});
  const torch::Tensor w = torch::randn({4, 1, 5, 5});
  for (const int64_t p : {0, 1, 4}) {
    for (const int64_t s : {1, 2}) {
      const Grads ref = gradients(x, w, s, p, 1, false);
      const Grads got = gradients(x, w, s, p, 1, true);
      EXPECT_LT(relative_error(got.dx, ref.dx), 1e-5) << "p " << p << " s " << s;
      EXPECT_LT(relative_error(got.dw, ref.dw), 1e-5) << "p " << p << " s " << s;
    }
  }
  EXPECT_THROW(nn::depthwise_conv2d(x, w, 1, 5, 1), c10::Error);  // padding above dilation (k - 1)
  EXPECT_THROW(nn::depthwise_conv2d(x, torch::randn({3, 1, 5, 5}), 1, 2, 1), c10::Error);
}

TEST(Depthwise, WeightGradientIsTheSameOnEveryRun) {
  torch::manual_seed(5);
  const torch::Tensor x =
      torch::randn({16, 8, 14, 14}).contiguous(torch::MemoryFormat::ChannelsLast);
  const torch::Tensor w = torch::randn({8, 1, 7, 7});
  const Grads a = gradients(x, w, 1, 6, 2, true);
  const Grads b = gradients(x, w, 1, 6, 2, true);
  EXPECT_TRUE(torch::equal(a.dw, b.dw));
  EXPECT_TRUE(torch::equal(a.dx, b.dx));
}

TEST(Depthwise, DilatedOpTrainsThroughItWithLibTorchsGradients) {
  // A dil_conv_5x5 op (stride 2): its depthwise convolution runs through depthwise_conv2d.
  ASSERT_TRUE(nn::use_depthwise_backward(5, 2, 2));
  torch::manual_seed(11);
  auto op = nn::make_candidate_op(nn::CandidateOpOptions(OpKind::kDilConv5, 6, 8, 2));
  const torch::Tensor x = torch::randn({4, 6, 10, 10});
  op->forward(x).square().sum().backward();
  std::vector<torch::Tensor> ours;
  for (const auto& p : op->parameters()) ours.push_back(p.grad().clone());
  // The same through LibTorch's convolutions only.
  op->zero_grad();
  torch::Tensor h = torch::relu(x);
  std::vector<torch::Tensor> params = op->parameters();
  const torch::Tensor depthwise = params[0];
  h = torch::conv2d(h, depthwise, {}, at::IntArrayRef{2}, at::IntArrayRef{4}, at::IntArrayRef{2},
                    6);
  for (const auto& child : op->modules(/*include_self=*/false)) {
    if (auto* c = child->as<torch::nn::Conv2dImpl>(); c != nullptr && c->options.groups() == 1) {
      h = c->forward(h);
    } else if (auto* bn = child->as<torch::nn::BatchNorm2dImpl>()) {
      h = bn->forward(h);
    }
  }
  h.square().sum().backward();
  ASSERT_EQ(ours.size(), params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    EXPECT_LT(relative_error(ours[i], params[i].grad()), 1e-4) << "parameter " << i;
  }
}

}  // namespace
}  // namespace gnas
