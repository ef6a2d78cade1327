#include "gnas/nn/export.hpp"

#include <torch/script.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/nn/network_writer.hpp"

namespace gnas::nn {

namespace {

// LibTorch has no tracer: the forward is written out as TorchScript source over functional ops,
// with the trained tensors registered under the module's names ('.' -> '_').
class SourceWriter : public NetworkWriter {
 public:
  explicit SourceWriter(std::ostringstream& out) : out_(out) {}

  static std::string attr(const std::string& name) {
    std::string s = name;
    for (char& c : s) c = c == '.' ? '_' : c;
    return "self." + s;
  }

  std::string conv(const std::string& x, const std::string& weight, int stride, int padding,
                   int dilation, int groups) override {
    return line("torch.conv2d(" + x + ", " + attr(weight) + ", None, [" + ints(stride) + "], [" +
                ints(padding) + "], [" + ints(dilation) + "], " + std::to_string(groups) + ")");
  }

  std::string batch_norm(const std::string& x, const std::string& prefix) override {
    return line("torch.batch_norm(" + x + ", " + attr(prefix + ".weight") + ", " +
                attr(prefix + ".bias") + ", " + attr(prefix + ".running_mean") + ", " +
                attr(prefix + ".running_var") + ", False, 0.1, 1e-05, False)");
  }

  std::string relu(const std::string& x) override { return line("torch.relu(" + x + ")"); }
  std::string relu6(const std::string& x) override { return line("torch.clamp(" + x + ", 0.0, 6.0)"); }
  std::string add(const std::string& a, const std::string& b) override { return line(a + " + " + b); }
  std::string concat(const std::string& a, const std::string& b) override {
    return line("torch.cat([" + a + ", " + b + "], 1)");
  }
  std::string shift(const std::string& x) override {
    return line("torch.constant_pad_nd(" + x + "[:, :, 1:, 1:], [0, 1, 0, 1])");
  }
  std::string global_mean(const std::string& x) override { return line("torch.mean(" + x + ", [2, 3])"); }
  std::string linear(const std::string& x, const std::string& prefix) override {
    return line("torch.addmm(" + attr(prefix + ".bias") + ", " + x + ", " + attr(prefix + ".weight") + ".t())");
  }

 private:
  /// Emits `v<N> = expression` and returns v<N>.
  std::string line(const std::string& expression) {
    const std::string v = "v" + std::to_string(next_++);
    out_ << "    " << v << " = " << expression << "\n";
    return v;
  }
  static std::string ints(int v) { return std::to_string(v) + ", " + std::to_string(v); }
  std::ostringstream& out_;
  int next_ = 0;
};

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
  const std::string logits = write_layerwise_network(w, shape, arch, "x");
  src << "    return " << logits << "\n";
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
