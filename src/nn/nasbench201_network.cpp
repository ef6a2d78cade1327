#include "gnas/nn/nasbench201_network.hpp"

#include "gnas/common/errors.hpp"
#include "gnas/nn/ops.hpp"

namespace gnas::nn {
namespace {

enum EdgeOp { kNone = 0, kSkip = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool = 4 };

torch::nn::Conv2d plain_conv(int64_t c_in, int64_t c_out, int64_t kernel, int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(c_in, c_out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

}  // namespace

ReluConvBnImpl::ReluConvBnImpl(int64_t in_channels, int64_t out_channels, int64_t kernel,
                               int64_t stride) {
  conv_ = register_module("conv", plain_conv(in_channels, out_channels, kernel, stride));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(out_channels));
}

torch::Tensor ReluConvBnImpl::forward(const torch::Tensor& x) {
  return bn_->forward(run_conv(*conv_, record_activation(torch::relu(x))));
}

CellImpl::CellImpl(const Architecture& arch, int64_t channels) {
  auto edges = register_module("edges", torch::nn::ModuleDict());
  for (std::size_t e = 0; e < arch.genes.size(); ++e) {
    const int op = arch.genes[e];
    ops_.push_back(op);
    if (op == kConv1x1 || op == kConv3x3) {
      convs_.push_back(ReluConvBn(channels, channels, op == kConv1x1 ? 1 : 3, 1));
      edges->update({{std::to_string(e), convs_.back().ptr()}});
    } else {
      convs_.push_back(nullptr);
    }
  }
}

torch::Tensor CellImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> nodes{x};
  for (int j = 1; j < NasBench201Space::kNodes; ++j) {
    torch::Tensor sum;
    for (std::size_t e = 0; e < ops_.size(); ++e) {
      if (NasBench201Space::kEdgeTo[e] != j) continue;
      const torch::Tensor& in = nodes[static_cast<std::size_t>(NasBench201Space::kEdgeFrom[e])];
      torch::Tensor out;
      switch (ops_[e]) {
        case kNone: out = torch::zeros_like(in); break;
        case kSkip: out = in; break;
        case kAvgPool:
          out = torch::avg_pool2d(in, 3, 1, 1, false, /*count_include_pad=*/false);
          break;
        default: out = convs_[e]->forward(in);
      }
      sum = sum.defined() ? sum + out : out;
    }
    nodes.push_back(sum);
  }
  return nodes.back();
}

ResidualReductionImpl::ResidualReductionImpl(int64_t in_channels, int64_t out_channels) {
  conv_a_ = register_module("conv_a", ReluConvBn(in_channels, out_channels, 3, 2));
  conv_b_ = register_module("conv_b", ReluConvBn(out_channels, out_channels, 3, 1));
  downsample_ = register_module("downsample", plain_conv(in_channels, out_channels, 1, 1));
}

torch::Tensor ResidualReductionImpl::forward(const torch::Tensor& x) {
  const torch::Tensor shortcut = run_conv(*downsample_, torch::avg_pool2d(x, 2, 2));
  return conv_b_->forward(conv_a_->forward(x)) + shortcut;
}

NasBench201NetworkImpl::NasBench201NetworkImpl(const CellNetworkShape& shape,
                                               const Architecture& arch) {
  const NasBench201Space space(shape);
  if (const std::string why = space.invalid_reason(arch); !why.empty()) {
    throw DataError("not a nasbench201 architecture: " + why);
  }
  int64_t c = CellNetworkShape::kStemChannels;
  stem_conv_ = register_module("stem_conv", plain_conv(shape.input_channels, c, 3, 1));
  stem_bn_ = register_module("stem_bn", torch::nn::BatchNorm2d(c));
  cells_ = register_module("cells", torch::nn::ModuleList());
  for (int stage = 0; stage < CellNetworkShape::kStages; ++stage) {
    if (stage > 0) {
      blocks_.push_back(ResidualReduction(c, 2 * c).ptr());
      c *= 2;
      cells_->push_back(blocks_.back());
    }
    for (int i = 0; i < CellNetworkShape::kCellsPerStage; ++i) {
      blocks_.push_back(Cell(arch, c).ptr());
      cells_->push_back(blocks_.back());
    }
  }
  last_bn_ = register_module("last_bn", torch::nn::BatchNorm2d(c));
  classifier_ = register_module("classifier", torch::nn::Linear(c, shape.classes));
}

torch::Tensor NasBench201NetworkImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = stem_bn_->forward(run_conv(*stem_conv_, x));
  for (const auto& block : blocks_) {
    if (auto* cell = block->as<CellImpl>()) {
      h = cell->forward(h);
    } else {
      h = block->as<ResidualReductionImpl>()->forward(h);
    }
  }
  h = record_activation(torch::relu(last_bn_->forward(h)));
  return classifier_->forward(h.mean({2, 3}));
}

}  // namespace gnas::nn
