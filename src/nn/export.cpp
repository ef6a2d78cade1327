#include "gnas/nn/export.hpp"

#include <torch/script.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"

namespace gnas::nn {

namespace {

// LibTorch has no tracer: the forward is written out as TorchScript source over functional ops,
// with the trained tensors registered under the module's names ('.' -> '_').
class SourceWriter {
 public:
  explicit SourceWriter(std::ostringstream& out) : out_(out) {}

  static std::string attr(const std::string& name) {
    std::string s = name;
    for (char& c : s) c = c == '.' ? '_' : c;
    return "self." + s;
  }

  std::string conv(const std::string& x, const std::string& weight, int stride, int padding,
                   int dilation, int groups) {
    return line("torch.conv2d(" + x + ", " + attr(weight) + ", None, [" + ints(stride) + "], [" +
                ints(padding) + "], [" + ints(dilation) + "], " + std::to_string(groups) + ")");
  }

  std::string batch_norm(const std::string& x, const std::string& prefix) {
    return line("torch.batch_norm(" + x + ", " + attr(prefix + ".weight") + ", " +
                attr(prefix + ".bias") + ", " + attr(prefix + ".running_mean") + ", " +
                attr(prefix + ".running_var") + ", False, 0.1, 1e-05, False)");
  }

  /// Emits `v<N> = expression` and returns v<N>.
  std::string line(const std::string& expression) {
    const std::string v = "v" + std::to_string(next_++);
    out_ << "    " << v << " = " << expression << "\n";
    return v;
  }

 private:
  static std::string ints(int v) { return std::to_string(v) + ", " + std::to_string(v); }
  std::ostringstream& out_;
  int next_ = 0;
};

std::string write_op(SourceWriter& w, const std::string& x, const std::string& p, OpKind kind,
                     int c_in, int c_out, int stride) {
  const int k = op_kernel(kind);
  switch (kind) {
    case OpKind::kSkip: {
      if (stride == 1 && c_in == c_out) return x;
      if (stride == 1) return w.conv(x, p + ".op.weight", 1, 0, 1, 1);
      const std::string r = w.line("torch.relu(" + x + ")");
      const std::string a = w.conv(r, p + ".conv_1.weight", 2, 0, 1, 1);
      const std::string shifted = w.line("torch.constant_pad_nd(" + r + "[:, :, 1:, 1:], [0, 1, 0, 1])");
      const std::string b = w.conv(shifted, p + ".conv_2.weight", 2, 0, 1, 1);
      return w.batch_norm(w.line("torch.cat([" + a + ", " + b + "], 1)"), p + ".bn");
    }
    case OpKind::kSepConv3:
    case OpKind::kSepConv5:
    case OpKind::kSepConv7: {
      std::string h = w.line("torch.relu(" + x + ")");
      h = w.conv(h, p + ".op.1.weight", stride, k / 2, 1, c_in);
      h = w.conv(h, p + ".op.2.weight", 1, 0, 1, 1);
      h = w.line("torch.relu(" + w.batch_norm(h, p + ".op.3") + ")");
      h = w.conv(h, p + ".op.5.weight", 1, k / 2, 1, c_in);
      h = w.conv(h, p + ".op.6.weight", 1, 0, 1, 1);
      return w.batch_norm(h, p + ".op.7");
    }
    case OpKind::kDilConv3:
    case OpKind::kDilConv5: {
      std::string h = w.line("torch.relu(" + x + ")");
      h = w.conv(h, p + ".op.1.weight", stride, k - 1, 2, c_in);
      h = w.conv(h, p + ".op.2.weight", 1, 0, 1, 1);
      return w.batch_norm(h, p + ".op.3");
    }
  }
  throw Error("export: unknown op");
}

}  // namespace

void export_torchscript(Network& net, const MacroShape& shape, const Architecture& arch,
                        const std::string& path) {
  torch::jit::Module module("gnas_network");
  torch::NoGradGuard no_grad;
  for (const auto& p : net->named_parameters()) {
    module.register_parameter(SourceWriter::attr(p.key()).substr(5),
                              p.value().detach().to(torch::kCPU).contiguous().clone(), false);
  }
  for (const auto& b : net->named_buffers()) {
    if (b.key().find("num_batches_tracked") != std::string::npos) continue;
    module.register_buffer(SourceWriter::attr(b.key()).substr(5),
                           b.value().detach().to(torch::kCPU).contiguous().clone());
  }
  std::ostringstream src;
  src << "def forward(self, x):\n";
  SourceWriter w(src);
  std::string h = w.conv("x", "first.conv.weight", 1, 1, 1, 1);
  h = w.line("torch.clamp(" + w.batch_norm(h, "first.bn") + ", 0.0, 6.0)");
  const std::size_t k_ops = shape.ops.size();
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    std::string sum;
    int selected = 0;
    for (std::size_t k = 0; k < k_ops; ++k) {
      if (!arch.genes[l * k_ops + k]) continue;
      const std::string prefix = "stages." + std::to_string(l) + ".ops." + std::to_string(selected++);
      const std::string y = write_op(w, h, prefix, shape.ops[k], shape.in_channels(l),
                                     shape.layers[l].out_channels, shape.layers[l].stride);
      sum = sum.empty() ? y : w.line(sum + " + " + y);
    }
    h = sum;
  }
  h = w.conv(h, "last_stage.0.weight", 1, 0, 1, 1);
  h = w.line("torch.clamp(" + w.batch_norm(h, "last_stage.1") + ", 0.0, 6.0)");
  h = w.line("torch.mean(" + h + ", [2, 3])");
  h = w.line("torch.addmm(" + SourceWriter::attr("classifier.bias") + ", " + h + ", " +
             SourceWriter::attr("classifier.weight") + ".t())");
  src << "    return " << h << "\n";
  module.define(src.str());
  module.eval();

  const std::filesystem::path target(path);
  if (target.has_parent_path()) ensure_directory(target.parent_path().string());
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  module.save(tmp);
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) throw Error(path + ": cannot write the exported model: " + ec.message());
}

}  // namespace gnas::nn
