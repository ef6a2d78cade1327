#include "gnas/nn/export.hpp"

#include <torch/script.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/nn/batch_norm_folding.hpp"
#include "gnas/nn/network_writer.hpp"

namespace gnas::nn {

namespace {

// LibTorch has no tracer: the forward is written out as TorchScript source over functional ops,
// with the trained tensors registered under the module's names ('.' -> '_'). With a folder,
// every BatchNorm is folded into its convolutions, whose weights become `<name>_folded` and
// `<name>_folded_bias`.
class SourceWriter : public NetworkWriter {
 public:
  SourceWriter(std::ostringstream& out, BatchNormFolder* folder) : out_(out), folder_(folder) {}

  static std::string attr(const std::string& name) {
    std::string s = name;
    for (char& c : s) c = c == '.' ? '_' : c;
    return "self." + s;
  }

  std::string conv(const std::string& x, const std::string& weight, int stride, int padding,
                   int dilation, int groups) override {
    const std::string tail = ", [" + ints(stride) + "], [" + ints(padding) + "], [" +
                             ints(dilation) + "], " + std::to_string(groups) + ")";
    if (folder_ == nullptr) return line("torch.conv2d(" + x + ", " + ref(weight) + ", None" + tail);
    const std::string v = line("torch.conv2d(" + in(x) + ", " + attr(weight) + "_folded, " +
                               attr(weight) + "_folded_bias" + tail);
    folder_->conv(v, weight);
    return v;
  }

  std::string batch_norm(const std::string& x, const std::string& prefix) override {
    if (folder_ != nullptr) {
      folder_->fold(x, prefix);
      return x;  // now part of the convolution(s) that make x
    }
    return line("torch.batch_norm(" + x + ", " + ref(prefix + ".weight") + ", " +
                ref(prefix + ".bias") + ", " + ref(prefix + ".running_mean") + ", " +
                ref(prefix + ".running_var") + ", False, 0.1, 1e-05, False)");
  }

  std::string relu(const std::string& x) override { return line("torch.relu(" + in(x) + ")"); }
  std::string relu6(const std::string& x) override {
    return line("torch.clamp(" + in(x) + ", 0.0, 6.0)");
  }
  std::string add(const std::string& a, const std::string& b) override {
    return line(in(a) + " + " + in(b));
  }
  std::string concat(const std::string& a, const std::string& b) override {
    const std::string v = line("torch.cat([" + in(a) + ", " + in(b) + "], 1)");
    if (folder_ != nullptr) folder_->concat(v, a, b);
    return v;
  }
  std::string shift(const std::string& x) override {
    return line("torch.constant_pad_nd(" + in(x) + "[:, :, 1:, 1:], [0, 1, 0, 1])");
  }
  std::string global_mean(const std::string& x) override {
    return line("torch.mean(" + in(x) + ", [2, 3])");
  }
  std::string avg_pool(const std::string& x, int kernel, int stride, int padding) override {
    return line("torch.avg_pool2d(" + in(x) + ", [" + ints(kernel) + "], [" + ints(stride) +
                "], [" + ints(padding) + "], False, False)");
  }
  std::string zero(const std::string& x) override {
    return line("torch.zeros_like(" + in(x) + ")");
  }
  std::string linear(const std::string& x, const std::string& prefix) override {
    return line("torch.addmm(" + ref(prefix + ".bias") + ", " + in(x) + ", " +
                ref(prefix + ".weight") + ".t())");
  }

  /// The network tensors the source reads by their own names.
  const std::set<std::string>& referenced() const { return referenced_; }

 private:
  /// Emits `v<N> = expression` and returns v<N>.
  std::string line(const std::string& expression) {
    const std::string v = "v" + std::to_string(next_++);
    out_ << "    " << v << " = " << expression << "\n";
    return v;
  }
  /// A value read by the line being written.
  std::string in(const std::string& x) {
    if (folder_ != nullptr) folder_->use(x);
    return x;
  }
  std::string ref(const std::string& name) {
    referenced_.insert(name);
    return attr(name);
  }
  static std::string ints(int v) { return std::to_string(v) + ", " + std::to_string(v); }
  std::ostringstream& out_;
  BatchNormFolder* folder_;
  std::set<std::string> referenced_;
  int next_ = 0;
};

}  // namespace

namespace {

// The TorchScript module of `net` (current weights and statistics), in eval mode; with `fold`,
// its BatchNorms folded into the convolutions.
torch::jit::Module script_module(Network& net, const MacroShape& shape, const Architecture& arch,
                                 bool fold) {
  torch::NoGradGuard no_grad;
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& p : net->named_parameters())
    tensors[p.key()] = p.value().detach().to(torch::kCPU).contiguous();
  for (const auto& b : net->named_buffers())
    tensors[b.key()] = b.value().detach().to(torch::kCPU).contiguous();
  BatchNormFolder folder(tensors);
  std::ostringstream src;
  src << "def forward(self, x):\n";
  SourceWriter w(src, fold ? &folder : nullptr);
  const std::string logits = write_layerwise_network(w, shape, arch, "x");
  src << "    return " << logits << "\n";

  torch::jit::Module module("gnas_network");
  const auto name = [](const std::string& key) { return SourceWriter::attr(key).substr(5); };
  const std::set<std::string> parameters = [&net] {
    std::set<std::string> keys;
    for (const auto& p : net->named_parameters()) keys.insert(p.key());
    return keys;
  }();
  // Unfolded: every tensor under its own name (the state dict); folded: what the source reads.
  for (const auto& [key, t] : tensors) {
    if (key.find("num_batches_tracked") != std::string::npos) continue;
    if (fold && w.referenced().count(key) == 0) continue;
    if (parameters.count(key) > 0) {
      module.register_parameter(name(key), t.clone(), false);
    } else {
      module.register_buffer(name(key), t.clone());
    }
  }
  for (const BatchNormFolder::Conv& c : folder.convs()) {
    module.register_parameter(name(c.name) + "_folded", c.weight, false);
    module.register_parameter(name(c.name) + "_folded_bias", c.bias, false);
  }
  module.define(src.str());
  module.eval();
  return module;
}

// Saves `module` to a temporary file beside `path`, then `check(tmp)` (which throws to refuse
// it), then renames it into place.
void save_atomically(torch::jit::Module& module, const std::string& path,
                     const std::function<void(const std::string&)>& check) {
  const std::filesystem::path target(path);
  if (target.has_parent_path()) ensure_directory(target.parent_path().string());
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    module.save(tmp);
    check(tmp);
  } catch (...) {
    std::filesystem::remove(tmp);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw Error(path + ": cannot write the exported model: " + ec.message());
  }
}

}  // namespace

void export_torchscript(Network& net, const MacroShape& shape, const Architecture& arch,
                        const std::string& path) {
  torch::jit::Module module = script_module(net, shape, arch, false);
  save_atomically(module, path, [](const std::string&) {});
}

FrozenExport export_frozen_torchscript(Network& net, const MacroShape& shape,
                                       const Architecture& arch, const std::string& path,
                                       std::uint64_t seed, int64_t check_batch) {
  torch::NoGradGuard no_grad;
  torch::jit::Module frozen = torch::jit::freeze(script_module(net, shape, arch, true));
  FrozenExport result;
  result.path = path;
  result.check_batch = check_batch;
  auto generator = at::detail::createCPUGenerator(seed);
  const torch::Tensor images = torch::randn(
      {check_batch, shape.input_channels, shape.input_size, shape.input_size}, generator);
  const torch::Tensor expected = [&] {
    const EvalModeGuard eval(*net);
    const torch::Device device = net->parameters().front().device();
    return net->forward(images.to(device)).to(torch::kCPU).to(torch::kFloat32);
  }();
  save_atomically(frozen, path, [&](const std::string& tmp) {
    // The file as a user loads it.
    torch::jit::Module loaded = torch::jit::load(tmp);
    const torch::Tensor got = loaded.forward({images}).toTensor().to(torch::kFloat32);
    result.max_abs_difference = (got - expected).abs().max().item<double>();
    result.relative_difference =
        result.max_abs_difference / std::max(expected.abs().max().item<double>(), 1e-12);
    if (!(result.relative_difference <= kExportTolerance)) {
      throw DataError(path + ": the frozen model's logits differ from LibTorch's by " +
                      std::to_string(result.relative_difference) + " of their scale; at most " +
                      std::to_string(kExportTolerance) + " is accepted: the model was not written");
    }
  });
  return result;
}

}  // namespace gnas::nn
