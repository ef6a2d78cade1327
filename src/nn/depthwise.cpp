#include "gnas/nn/depthwise.hpp"

#include <ATen/Parallel.h>

#include <algorithm>

namespace gnas::nn {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// acc[(i * k + j) * C + c] += sum over output pixels (h, w) of
//   dy[h, w, c] * x[h * s - p + i * d, w * s - p + j * d, c]   (one image, channels last)
template <typename T>
inline void accumulate_image(const T* __restrict dy, const T* __restrict x, T* __restrict acc,
                             int64_t channels, int64_t k, int64_t height, int64_t width,
                             int64_t out_height, int64_t out_width, int64_t s, int64_t p,
                             int64_t d) {
  for (int64_t h = 0; h < out_height; ++h) {
    for (int64_t i = 0; i < k; ++i) {
      const int64_t hi = h * s - p + i * d;
      if (hi < 0 || hi >= height) continue;
      const T* x_row = x + hi * width * channels;
      const T* dy_row = dy + h * out_width * channels;
      for (int64_t j = 0; j < k; ++j) {
        const int64_t offset = j * d - p;  // input column = w * s + offset
        int64_t w0 = 0, w1 = out_width;
        while (w0 < out_width && w0 * s + offset < 0) ++w0;
        while (w1 > w0 && (w1 - 1) * s + offset >= width) --w1;
        T* a = acc + (i * k + j) * channels;
        for (int64_t w = w0; w < w1; ++w) {
          const T* g = dy_row + w * channels;
          const T* xv = x_row + (w * s + offset) * channels;
          for (int64_t c = 0; c < channels; ++c) a[c] += g[c] * xv[c];
        }
      }
    }
  }
}

// One copy per instruction set, chosen when the program loads (AVX2 + FMA where the CPU has them).
__attribute__((target_clones("arch=haswell", "default"))) void accumulate_float(
    const float* dy, const float* x, float* acc, int64_t channels, int64_t k, int64_t height,
    int64_t width, int64_t out_height, int64_t out_width, int64_t s, int64_t p, int64_t d) {
  accumulate_image(dy, x, acc, channels, k, height, width, out_height, out_width, s, p, d);
}

__attribute__((target_clones("arch=haswell", "default"))) void accumulate_double(
    const double* dy, const double* x, double* acc, int64_t channels, int64_t k, int64_t height,
    int64_t width, int64_t out_height, int64_t out_width, int64_t s, int64_t p, int64_t d) {
  accumulate_image(dy, x, acc, channels, k, height, width, out_height, out_width, s, p, d);
}

void accumulate(const float* dy, const float* x, float* acc, int64_t channels, int64_t k,
                int64_t height, int64_t width, int64_t out_height, int64_t out_width, int64_t s,
                int64_t p, int64_t d) {
  accumulate_float(dy, x, acc, channels, k, height, width, out_height, out_width, s, p, d);
}

void accumulate(const double* dy, const double* x, double* acc, int64_t channels, int64_t k,
                int64_t height, int64_t width, int64_t out_height, int64_t out_width, int64_t s,
                int64_t p, int64_t d) {
  accumulate_double(dy, x, acc, channels, k, height, width, out_height, out_width, s, p, d);
}

// d loss / d weight [C, 1, k, k]. The batch is cut into one fixed run of images per thread, each
// summed into its own buffer, and the buffers are added in order: the result does not depend on
// which thread ran which run.
torch::Tensor weight_gradient(const torch::Tensor& input, const torch::Tensor& grad_output,
                              int64_t k, int64_t s, int64_t p, int64_t d) {
  const torch::Tensor x = input.contiguous(torch::MemoryFormat::ChannelsLast);
  const torch::Tensor dy = grad_output.contiguous(torch::MemoryFormat::ChannelsLast);
  const int64_t batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
  const int64_t out_height = dy.size(2), out_width = dy.size(3);
  const int64_t runs = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), batch));
  const int64_t per_run = (batch + runs - 1) / runs;
  torch::Tensor partial = torch::zeros({runs, k * k * channels},
                                       x.options().memory_format(torch::MemoryFormat::Contiguous));
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "depthwise_weight_gradient", [&] {
    const scalar_t* dy_data = dy.data_ptr<scalar_t>();
    const scalar_t* x_data = x.data_ptr<scalar_t>();
    scalar_t* out = partial.data_ptr<scalar_t>();
    at::parallel_for(0, runs, 1, [&](int64_t first, int64_t last) {
      for (int64_t r = first; r < last; ++r) {
        for (int64_t b = r * per_run; b < std::min(batch, (r + 1) * per_run); ++b) {
          accumulate(dy_data + b * out_height * out_width * channels,
                     x_data + b * height * width * channels, out + r * k * k * channels, channels,
                     k, height, width, out_height, out_width, s, p, d);
        }
      }
    });
  });
  return partial.sum(0).view({k, k, channels}).permute({2, 0, 1}).unsqueeze(1).contiguous();
}

// d loss / d input: the output gradient, zero-inserted back to the input's grid for stride > 1,
// convolved with the flipped kernel (the transpose of a same-size convolution).
torch::Tensor input_gradient(const torch::Tensor& grad_output, const torch::Tensor& weight,
                             const at::IntArrayRef input_size, int64_t s, int64_t p, int64_t d) {
  const int64_t channels = weight.size(0), k = weight.size(2);
  torch::Tensor spread = grad_output;
  // The padding that makes the flipped convolution return the input's size.
  const int64_t back_padding = d * (k - 1) - p;
  const int64_t height = input_size[2], width = input_size[3];
  if (s > 1) {
    // Place dy[h, w] at (h * s - p + d (k - 1) - back, ...) on a zero grid sized for a valid pass.
    spread =
        torch::zeros({grad_output.size(0), channels, height + d * (k - 1), width + d * (k - 1)},
                     grad_output.options());
    using torch::indexing::None;
    using torch::indexing::Slice;
    const int64_t start = d * (k - 1) - p;
    const int64_t rows = grad_output.size(2), cols = grad_output.size(3);
    // Output rows whose position lands inside the grid (it always does for p <= d (k - 1)).
    spread.index_put_({Slice(), Slice(), Slice(start, start + (rows - 1) * s + 1, s),
                       Slice(start, start + (cols - 1) * s + 1, s)},
                      grad_output);
    if (grad_output.is_contiguous(torch::MemoryFormat::ChannelsLast)) {
      spread = spread.contiguous(torch::MemoryFormat::ChannelsLast);
    }
    return torch::conv2d(spread, weight.flip({2, 3}), {}, at::IntArrayRef{1}, at::IntArrayRef{0},
                         at::IntArrayRef{d}, channels);
  }
  return torch::conv2d(spread, weight.flip({2, 3}), {}, at::IntArrayRef{1},
                       at::IntArrayRef{back_padding}, at::IntArrayRef{d}, channels);
}

struct DepthwiseConv : public torch::autograd::Function<DepthwiseConv> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, int64_t stride, int64_t padding,
                               int64_t dilation) {
    ctx->save_for_backward({x, weight});
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["dilation"] = dilation;
    return torch::conv2d(x, weight, {}, at::IntArrayRef{stride}, at::IntArrayRef{padding},
                         at::IntArrayRef{dilation}, weight.size(0));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& weight = saved[1];
    const int64_t s = ctx->saved_data["stride"].toInt();
    const int64_t p = ctx->saved_data["padding"].toInt();
    const int64_t d = ctx->saved_data["dilation"].toInt();
    const torch::Tensor& dy = grads[0];
    return {input_gradient(dy, weight, x.sizes(), s, p, d),
            weight_gradient(x, dy, weight.size(2), s, p, d), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

bool use_depthwise_backward(int64_t kernel, int64_t stride, int64_t dilation) {
  (void)kernel;
  (void)stride;
  return dilation > 1;
}

torch::Tensor depthwise_conv2d(const torch::Tensor& x, const torch::Tensor& weight, int64_t stride,
                               int64_t padding, int64_t dilation) {
  TORCH_CHECK(weight.dim() == 4 && weight.size(1) == 1 && weight.size(2) == weight.size(3) &&
                  weight.size(0) == x.size(1),
              "depthwise_conv2d: weight must be [C, 1, k, k] for an input of C channels");
  TORCH_CHECK(padding >= 0 && padding <= dilation * (weight.size(2) - 1),
              "depthwise_conv2d: padding must lie in [0, dilation (k - 1)]");
  return DepthwiseConv::apply(x, weight, stride, padding, dilation);
}

}  // namespace gnas::nn
