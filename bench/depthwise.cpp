// Where a training step's time goes, and the depthwise backward pass (bench/depthwise.sh).
//  1. forward / backward milliseconds of one training step (batch B, channels last) of the
//     original's searched architecture and of 20 sampled ones, at the config's shape;
//  2. for every depthwise convolution shape of the space at batch B: LibTorch's forward, its
//     backward, and gnas's (nn::depthwise_conv2d), and which one run_conv uses.
#include "gnas/nn/depthwise.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "gnas/common/config.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/space/rng.hpp"

using namespace gnas;
using Clock = std::chrono::steady_clock;

template <class F>
double median_ms(F f, int repeats = 5) {
  f();
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

torch::Tensor to_channels_last(const torch::Tensor& t) {
  return t.contiguous(torch::MemoryFormat::ChannelsLast);
}

int main(int argc, char** argv) {
  const Config config = load_config(argc > 1 ? argv[1] : "config/config.yml");
  const int64_t batch = argc > 2 ? std::stoi(argv[2]) : 128;
  torch::set_num_threads(config.num_threads > 0
                             ? config.num_threads
                             : static_cast<int>(std::thread::hardware_concurrency()));
  const auto space_ptr = make_search_space(config);
  const auto& space = dynamic_cast<const LayerwiseSpace&>(*space_ptr);
  const MacroShape& shape = space.shape();

  std::printf("1. one training step, batch %ld, %dx%dx%d, channels last (ms, median of 5)\n", batch,
              shape.input_size, shape.input_size, shape.input_channels);
  const torch::Tensor x = to_channels_last(
      torch::randn({batch, shape.input_channels, shape.input_size, shape.input_size}));
  const torch::Tensor y = torch::randint(shape.classes, {batch}, torch::kInt64);
  std::vector<std::pair<std::string, Architecture>> archs{
      {"original's searched", space.parse("111000-011101-111111-111111-011101")}};
  Rng rng(0);
  for (int i = 0; i < 20; ++i) archs.emplace_back("sampled", space.sample(rng));
  double fwd_sum = 0, bwd_sum = 0;
  for (std::size_t a = 0; a < archs.size(); ++a) {
    torch::manual_seed(0);
    nn::Network net(shape, archs[a].second);
    net->to_channels_last();  // as the trainer does (config channels_last)
    net->train();
    torch::Tensor loss;
    const double fwd =
        median_ms([&] { loss = torch::nn::functional::cross_entropy(net->forward(x), y); });
    const double both = median_ms([&] {
      net->zero_grad();
      torch::nn::functional::cross_entropy(net->forward(x), y).backward();
    });
    if (a == 0) {
      std::printf("   %-20s %s: forward %.1f, backward %.1f\n", archs[a].first.c_str(),
                  space.format(archs[a].second).c_str(), fwd, both - fwd);
    } else {
      fwd_sum += fwd;
      bwd_sum += both - fwd;
    }
  }
  std::printf(
      "   20 sampled (mean)                                  : forward %.1f, backward %.1f\n",
      fwd_sum / 20, bwd_sum / 20);

  std::printf("2. depthwise convolutions of the space, batch %ld (ms, median of 5)\n", batch);
  std::printf("   %-5s %-3s %-3s %-4s %-5s %9s %13s %13s  %s\n", "k", "s", "d", "C", "size",
              "forward", "LibTorch bwd", "gnas bwd", "run_conv uses");
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    const int64_t c = shape.in_channels(l), size = shape.feature_size(l);
    for (const int64_t k : {3, 5, 7}) {
      for (const int64_t d : {1, 2}) {
        if (d == 2 && k == 7) continue;  // dil_conv is 3x3 and 5x5
        const int64_t s = shape.layers[l].stride, p = d * (k / 2);
        const torch::Tensor in = to_channels_last(torch::randn({batch, c, size, size}));
        const torch::Tensor w = torch::randn({c, 1, k, k});
        const auto run = [&](bool ours) {
          const torch::Tensor xi = in.clone().requires_grad_(true);
          const torch::Tensor wi = w.clone().requires_grad_(true);
          const torch::Tensor out = ours ? nn::depthwise_conv2d(xi, wi, s, p, d)
                                         : torch::conv2d(xi, wi, {}, at::IntArrayRef{s},
                                                         at::IntArrayRef{p}, at::IntArrayRef{d}, c);
          out.sum().backward();
        };
        const double fwd = median_ms([&] {
          torch::NoGradGuard no_grad;
          torch::conv2d(in, w, {}, at::IntArrayRef{s}, at::IntArrayRef{p}, at::IntArrayRef{d}, c);
        });
        const double libtorch = median_ms([&] { run(false); }) - fwd;
        const double ours = median_ms([&] { run(true); }) - fwd;
        std::printf("   %-5ld %-3ld %-3ld %-4ld %-5ld %9.2f %13.2f %13.2f  %s\n", k, s, d, c, size,
                    fwd, libtorch, ours, nn::use_depthwise_backward(k, s, d) ? "gnas" : "LibTorch");
      }
    }
  }
}
