#include "gnas/nn/ops.hpp"

#include "gnas/nn/depthwise.hpp"

namespace gnas::nn {

namespace {

thread_local MacsProbe* active_probe = nullptr;
thread_local ActivationProbe* active_activation_probe = nullptr;

torch::nn::Conv2d conv(int64_t c_in, int64_t c_out, int64_t kernel, int64_t stride, int64_t padding,
                       int64_t dilation, int64_t groups) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(c_in, c_out, kernel)
                               .stride(stride)
                               .padding(padding)
                               .dilation(dilation)
                               .groups(groups)
                               .bias(false));
}

// Runs a Sequential whose convolutions must be counted by the probe.
torch::Tensor run_sequential(torch::nn::Sequential& seq, torch::Tensor x) {
  for (const auto& child : seq->children()) {
    if (auto* c = child->as<torch::nn::Conv2dImpl>()) {
      x = run_conv(*c, x);
    } else if (auto* bn = child->as<torch::nn::BatchNorm2dImpl>()) {
      x = bn->forward(x);
    } else if (auto* relu = child->as<torch::nn::ReLUImpl>()) {
      x = record_activation(relu->forward(x));
    } else {
      x = record_activation(child->as<torch::nn::ReLU6Impl>()->forward(x));
    }
  }
  return x;
}

// The padding of a zero-padded, bias-free, square depthwise convolution whose backward
// depthwise_conv2d does faster than LibTorch; -1 for any other convolution.
int64_t depthwise_padding(const torch::nn::detail::ConvNdOptions<2>& o) {
  const auto& k = *o.kernel_size();
  const auto& s = *o.stride();
  const auto& d = *o.dilation();
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (o.groups() <= 1 || o.groups() != o.in_channels() || o.groups() != o.out_channels() ||
      o.bias() || padding == nullptr || !c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()) ||
      k[0] != k[1] || s[0] != s[1] || d[0] != d[1] || (**padding)[0] != (**padding)[1] ||
      !use_depthwise_backward(k[0], s[0], d[0])) {
    return -1;
  }
  return (**padding)[0];
}

}  // namespace

MacsProbe::MacsProbe() { active_probe = this; }
MacsProbe::~MacsProbe() { active_probe = nullptr; }

ActivationProbe::ActivationProbe() { active_activation_probe = this; }
ActivationProbe::~ActivationProbe() { active_activation_probe = nullptr; }

void ActivationProbe::add(const torch::Tensor& activation) {
  torch::NoGradGuard no_grad;
  // c c^T + (1 - c)(1 - c)^T = 2 c c^T - s 1^T - 1 s^T + N (s: row sums, N: units), one
  // product instead of two; float32 counts are exact below 2^24 units per activation.
  const torch::Tensor c = (activation.detach().flatten(1) > 0).to(torch::kFloat32);
  TORCH_CHECK(c.size(1) < (int64_t{1} << 24), "ActivationProbe: too many units for exact counts");
  const torch::Tensor s = c.sum(1, /*keepdim=*/true).to(torch::kFloat64);
  const torch::Tensor k =
      2 * torch::mm(c, c.t()).to(torch::kFloat64) - s - s.t() + static_cast<double>(c.size(1));
  kernel_ = kernel_.defined() ? kernel_ + k : k;
}

torch::Tensor record_activation(torch::Tensor activation) {
  if (active_activation_probe != nullptr) active_activation_probe->add(activation);
  return activation;
}

torch::Tensor run_conv(torch::nn::Conv2dImpl& c, const torch::Tensor& x) {
  const auto& o = c.options;
  const auto& k = *o.kernel_size();
  const int64_t padding = depthwise_padding(o);
  // the faster backward is LibTorch's CPU one replaced; under autocast (an input in another
  // type than the weight) the convolution is LibTorch's, which autocast casts
  const bool own_backward = padding >= 0 && torch::GradMode::is_enabled() && x.is_cpu() &&
                            x.scalar_type() == c.weight.scalar_type();
  const torch::Tensor y =
      own_backward
          ? depthwise_conv2d(x, c.weight, (*o.stride())[0], padding, (*o.dilation())[0])
          : c.forward(x);
  if (active_probe != nullptr) {
    active_probe->add(y.numel() / y.size(0) * k[0] * k[1] * (o.in_channels() / o.groups()));
  }
  return y;
}

SkipConvImpl::SkipConvImpl(const CandidateOpOptions& o) {
  op_ = register_module("op", conv(o.in_channels(), o.out_channels(), 1, 1, 0, 1, 1));
}

torch::Tensor SkipConvImpl::forward(const torch::Tensor& x) { return run_conv(*op_, x); }

FactorizedReduceImpl::FactorizedReduceImpl(const CandidateOpOptions& o) {
  const int64_t half = o.out_channels() / 2;
  conv_1_ = register_module("conv_1", conv(o.in_channels(), half, 1, 2, 0, 1, 1));
  conv_2_ = register_module("conv_2", conv(o.in_channels(), half, 1, 2, 0, 1, 1));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(o.out_channels()));
}

torch::Tensor FactorizedReduceImpl::forward(const torch::Tensor& x) {
  const torch::Tensor r = torch::relu(x);
  record_activation(r);
  using torch::indexing::Slice;
  // Padding the shifted half back to r's size gives both halves ceil(H/2) rows on odd sizes;
  // on even sizes the padded row is never sampled by the stride, so results equal the original.
  const torch::Tensor shifted = torch::constant_pad_nd(
      r.index({Slice(), Slice(), Slice(1, torch::indexing::None), Slice(1, torch::indexing::None)}),
      {0, 1, 0, 1});
  return bn_->forward(torch::cat({run_conv(*conv_1_, r), run_conv(*conv_2_, shifted)}, 1));
}

SepConvImpl::SepConvImpl(const CandidateOpOptions& o) {
  const int64_t k = op_kernel(o.kind());
  const int64_t c_in = o.in_channels();
  op_ = register_module(
      "op", torch::nn::Sequential(
                torch::nn::ReLU(), conv(c_in, c_in, k, o.stride(), k / 2, 1, c_in),
                conv(c_in, c_in, 1, 1, 0, 1, 1), torch::nn::BatchNorm2d(c_in), torch::nn::ReLU(),
                conv(c_in, c_in, k, 1, k / 2, 1, c_in), conv(c_in, o.out_channels(), 1, 1, 0, 1, 1),
                torch::nn::BatchNorm2d(o.out_channels())));
}

torch::Tensor SepConvImpl::forward(const torch::Tensor& x) { return run_sequential(op_, x); }

DilConvImpl::DilConvImpl(const CandidateOpOptions& o) {
  const int64_t k = op_kernel(o.kind());
  const int64_t c_in = o.in_channels();
  op_ = register_module("op", torch::nn::Sequential(torch::nn::ReLU(),
                                                    conv(c_in, c_in, k, o.stride(), k - 1, 2, c_in),
                                                    conv(c_in, o.out_channels(), 1, 1, 0, 1, 1),
                                                    torch::nn::BatchNorm2d(o.out_channels())));
}

torch::Tensor DilConvImpl::forward(const torch::Tensor& x) { return run_sequential(op_, x); }

std::shared_ptr<CandidateOpImpl> make_candidate_op(const CandidateOpOptions& o) {
  switch (o.kind()) {
    case OpKind::kSkip:
      if (o.stride() == 2) return std::make_shared<FactorizedReduceImpl>(o);
      if (o.in_channels() == o.out_channels()) return std::make_shared<IdentityOpImpl>();
      return std::make_shared<SkipConvImpl>(o);
    case OpKind::kSepConv3:
    case OpKind::kSepConv5:
    case OpKind::kSepConv7: return std::make_shared<SepConvImpl>(o);
    case OpKind::kDilConv3:
    case OpKind::kDilConv5: return std::make_shared<DilConvImpl>(o);
  }
  return nullptr;
}

}  // namespace gnas::nn
