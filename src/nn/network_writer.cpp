#include "gnas/nn/network_writer.hpp"

#include "gnas/common/errors.hpp"

namespace gnas::nn {

std::string write_candidate_op(NetworkWriter& w, const std::string& x, const std::string& p, OpKind kind,
                               int c_in, int c_out, int stride) {
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

std::string write_layerwise_network(NetworkWriter& w, const MacroShape& shape, const Architecture& arch,
                                    const std::string& x) {
  std::string h = w.relu6(w.batch_norm(w.conv(x, "first.conv.weight", 1, 1, 1, 1), "first.bn"));
  const std::size_t k_ops = shape.ops.size();
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    std::string sum;
    int selected = 0;
    for (std::size_t k = 0; k < k_ops; ++k) {
      if (!arch.genes[l * k_ops + k]) continue;
      const std::string prefix = "stages." + std::to_string(l) + ".ops." + std::to_string(selected++);
      const std::string y = write_candidate_op(w, h, prefix, shape.ops[k], shape.in_channels(l),
                                     shape.layers[l].out_channels, shape.layers[l].stride);
      sum = sum.empty() ? y : w.add(sum, y);
    }
    h = sum;
  }
  h = w.relu6(w.batch_norm(w.conv(h, "last_stage.0.weight", 1, 0, 1, 1), "last_stage.1"));
  return w.linear(w.global_mean(h), "classifier");
}

}  // namespace gnas::nn
