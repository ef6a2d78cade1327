#include "gnas/nn/network_writer.hpp"

#include <vector>

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/errors.hpp"

namespace gnas::nn {

std::string write_candidate_op(NetworkWriter& w, const std::string& x, const std::string& p,
                               OpKind kind, int c_in, int c_out, int stride) {
  const int k = op_kernel(kind);
  switch (kind) {
    case OpKind::kSkip: {
      if (stride == 1 && c_in == c_out) return x;
      if (stride == 1) return w.conv(x, p + ".op.weight", 1, 0, 1, 1);
      const std::string r = w.relu(x);
      const std::string a = w.conv(r, p + ".conv_1.weight", 2, 0, 1, 1);
      const std::string b = w.conv(w.shift(r), p + ".conv_2.weight", 2, 0, 1, 1);
      return w.batch_norm(w.concat(a, b), p + ".bn");
    }
    case OpKind::kSepConv3:
    case OpKind::kSepConv5:
    case OpKind::kSepConv7: {
      std::string h = w.relu(x);
      h = w.conv(h, p + ".op.1.weight", stride, k / 2, 1, c_in);
      h = w.conv(h, p + ".op.2.weight", 1, 0, 1, 1);
      h = w.relu(w.batch_norm(h, p + ".op.3"));
      h = w.conv(h, p + ".op.5.weight", 1, k / 2, 1, c_in);
      h = w.conv(h, p + ".op.6.weight", 1, 0, 1, 1);
      return w.batch_norm(h, p + ".op.7");
    }
    case OpKind::kDilConv3:
    case OpKind::kDilConv5: {
      std::string h = w.relu(x);
      h = w.conv(h, p + ".op.1.weight", stride, k - 1, 2, c_in);
      h = w.conv(h, p + ".op.2.weight", 1, 0, 1, 1);
      return w.batch_norm(h, p + ".op.3");
    }
  }
  throw Error("export: unknown op");
}

std::string write_layerwise_network(NetworkWriter& w, const MacroShape& shape,
                                    const Architecture& arch, const std::string& x) {
  std::string h = w.relu6(w.batch_norm(w.conv(x, "first.conv.weight", 1, 1, 1, 1), "first.bn"));
  const std::size_t k_ops = shape.ops.size();
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    std::string sum;
    int selected = 0;
    for (std::size_t k = 0; k < k_ops; ++k) {
      if (!arch.genes[l * k_ops + k]) continue;
      const std::string prefix =
          "stages." + std::to_string(l) + ".ops." + std::to_string(selected++);
      const std::string y =
          write_candidate_op(w, h, prefix, shape.ops[k], shape.in_channels(l),
                             shape.layers[l].out_channels, shape.layers[l].stride);
      sum = sum.empty() ? y : w.add(sum, y);
    }
    h = sum;
  }
  h = w.relu6(w.batch_norm(w.conv(h, "last_stage.0.weight", 1, 0, 1, 1), "last_stage.1"));
  return w.linear(w.global_mean(h), "classifier");
}

std::string write_nasbench201_network(NetworkWriter& w, const Architecture& arch,
                                      const std::string& x) {
  enum EdgeOp { kNone = 0, kSkip = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool = 4 };
  const auto relu_conv_bn = [&w](const std::string& in, const std::string& p, int kernel,
                                 int stride) {
    return w.batch_norm(w.conv(w.relu(in), p + ".conv.weight", stride, kernel / 2, 1, 1),
                        p + ".bn");
  };
  std::string h = w.batch_norm(w.conv(x, "stem_conv.weight", 1, 1, 1, 1), "stem_bn");
  int block = 0;
  for (int stage = 0; stage < CellNetworkShape::kStages; ++stage) {
    if (stage > 0) {
      const std::string p = "cells." + std::to_string(block++);
      const std::string main =
          relu_conv_bn(relu_conv_bn(h, p + ".conv_a", 3, 2), p + ".conv_b", 3, 1);
      const std::string shortcut =
          w.conv(w.avg_pool(h, 2, 2, 0), p + ".downsample.weight", 1, 0, 1, 1);
      h = w.add(main, shortcut);
    }
    for (int c = 0; c < CellNetworkShape::kCellsPerStage; ++c) {
      const std::string p = "cells." + std::to_string(block++);
      std::vector<std::string> nodes{h};
      for (int j = 1; j < NasBench201Space::kNodes; ++j) {
        std::string sum;
        for (std::size_t e = 0; e < arch.genes.size(); ++e) {
          if (NasBench201Space::kEdgeTo[e] != j) continue;
          const std::string& in = nodes[static_cast<std::size_t>(NasBench201Space::kEdgeFrom[e])];
          std::string out;
          switch (arch.genes[e]) {
            case kNone: continue;  // adds nothing
            case kSkip: out = in; break;
            case kAvgPool: out = w.avg_pool(in, 3, 1, 1); break;
            case kConv1x1:
            case kConv3x3:
              out = relu_conv_bn(in, p + ".edges." + std::to_string(e),
                                 arch.genes[e] == kConv1x1 ? 1 : 3, 1);
              break;
            default:
              throw Error("export: unknown NAS-Bench-201 op " + std::to_string(arch.genes[e]));
          }
          sum = sum.empty() ? out : w.add(sum, out);
        }
        nodes.push_back(sum.empty() ? w.zero(h) : sum);
      }
      h = nodes.back();
    }
  }
  h = w.relu(w.batch_norm(h, "last_bn"));
  return w.linear(w.global_mean(h), "classifier");
}

}  // namespace gnas::nn
