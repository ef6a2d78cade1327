#include "gnas/nn/network.hpp"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/serialization/import_read.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/stats.hpp"

namespace gnas::nn {

StemImpl::StemImpl(int64_t in_channels, int64_t out_channels) {
  conv_ = register_module(
      "conv", torch::nn::Conv2d(
                  torch::nn::Conv2dOptions(in_channels, out_channels, 3).padding(1).bias(false)));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(out_channels));
}

torch::Tensor StemImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = run_conv(*conv_, x);
  if (channels_last_) h = h.contiguous(torch::MemoryFormat::ChannelsLast);  // no copy if it is
  return record_activation(torch::clamp(bn_->forward(h), 0, 6));
}

SearchLayerImpl::SearchLayerImpl(std::vector<CandidateOpOptions> selected) {
  ops_list_ = register_module("ops", torch::nn::ModuleList());
  for (const auto& options : selected) {
    auto op = make_candidate_op(options);
    ops_list_->push_back(op);
    ops_.push_back(std::move(op));
  }
}

torch::Tensor SearchLayerImpl::forward(const torch::Tensor& x) {
  torch::Tensor sum = ops_[0]->forward(x);
  for (std::size_t i = 1; i < ops_.size(); ++i) sum = sum + ops_[i]->forward(x);
  return sum;
}

NetworkImpl::NetworkImpl(const MacroShape& shape, const Architecture& arch) {
  const std::size_t k_ops = shape.ops.size();
  if (arch.genes.size() != shape.layers.size() * k_ops) {
    throw DataError("network: the architecture has " + std::to_string(arch.genes.size()) +
                    " genes, the space has " + std::to_string(shape.layers.size() * k_ops));
  }
  first_ = register_module("first", Stem(shape.input_channels, shape.stem_channels));
  stages_ = register_module("stages", torch::nn::ModuleList());
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    std::vector<CandidateOpOptions> selected;
    for (std::size_t k = 0; k < k_ops; ++k) {
      if (!arch.genes[l * k_ops + k]) continue;
      selected.emplace_back(shape.ops[k], shape.in_channels(l), shape.layers[l].out_channels,
                            shape.layers[l].stride);
    }
    if (selected.empty()) {
      throw DataError("network: layer " + std::to_string(l + 1) + " selects no op");
    }
    SearchLayer layer(std::move(selected));
    stages_->push_back(layer);
    layers_.push_back(layer);
  }
  const int64_t last = shape.in_channels(shape.layers.size());
  last_stage_ = register_module(
      "last_stage",
      torch::nn::Sequential(
          torch::nn::Conv2d(torch::nn::Conv2dOptions(last, shape.head_channels, 1).bias(false)),
          torch::nn::BatchNorm2d(shape.head_channels), torch::nn::ReLU6()));
  classifier_ =
      register_module("classifier", torch::nn::Linear(shape.head_channels, shape.classes));
}

void NetworkImpl::to_channels_last() {
  torch::NoGradGuard no_grad;
  for (auto& p : parameters()) {
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
  }
  first_->set_channels_last(true);
}

torch::Tensor NetworkImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = first_->forward(x);
  for (auto& layer : layers_) h = layer->forward(h);
  h = run_conv(*last_stage_->ptr(0)->as<torch::nn::Conv2dImpl>(), h);
  h = record_activation(
      torch::clamp(last_stage_->ptr(1)->as<torch::nn::BatchNorm2dImpl>()->forward(h), 0, 6));
  return classifier_->forward(h.mean({2, 3}));
}

namespace {

// A file's bytes for LibTorch's zip reader, never read past their end. torch::pickle_load's own
// adapter copies whatever range the zip directory names, so a corrupt or crafted file read memory
// beyond its buffer (found by tests/fuzz/fuzz_predictor_file); a short read here makes the reader
// refuse the file instead.
class BoundedBytes : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit BoundedBytes(const std::string& bytes) : bytes_(bytes) {}
  std::size_t size() const override { return bytes_.size(); }
  std::size_t read(std::uint64_t pos, void* buf, std::size_t n, const char*) const override {
    if (pos >= bytes_.size()) return 0;
    const std::size_t count = std::min<std::uint64_t>(n, bytes_.size() - pos);
    std::memcpy(buf, bytes_.data() + pos, count);
    return count;
  }

 private:
  const std::string& bytes_;
};

// LibTorch's reader allocates each record at the size the zip directory declares before it
// reads a byte, so a corrupt or crafted size asked for tens of GB (found by
// tests/fuzz/fuzz_predictor_file). torch.save stores records uncompressed: a record declared
// larger than the whole file is refused here. Empty when the directory is fine or not found (the
// reader then refuses what it cannot read).
std::string oversized_record(const std::string& bytes) {
  const auto u16 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8;
  };
  const auto u32 = [&](std::size_t at) { return u16(at) | u16(at + 2) << 16; };
  if (bytes.size() < 22) return {};
  std::size_t end = bytes.size() - 22;  // the end-of-central-directory record, last 64 KB
  const std::size_t lowest = end > 65535 ? end - 65535 : 0;
  while (bytes.compare(end, 4, "PK\x05\x06") != 0) {
    if (end == lowest) return {};
    --end;
  }
  std::size_t at = u32(end + 16);
  for (std::uint32_t i = 0, n = u16(end + 10); i < n; ++i) {
    if (at + 46 > bytes.size() || bytes.compare(at, 4, "PK\x01\x02") != 0) return {};
    const std::uint32_t compressed = u32(at + 20), size = u32(at + 24);
    if (compressed != 0xFFFFFFFFu && size != 0xFFFFFFFFu &&  // zip64: sizes elsewhere
        (compressed > bytes.size() || size > bytes.size())) {
      return "record " + std::to_string(i + 1) + " declares " + std::to_string(size) +
             " bytes, more than the file's " + std::to_string(bytes.size());
    }
    at += 46 + u16(at + 28) + u16(at + 30) + u16(at + 32);
  }
  return {};
}

// LibTorch's unpickler also allocates every length-prefixed string, bytes or long at the length
// the pickle declares before it reads it (a fuzz finding: 27 GB). Walks the pickle's opcodes
// (every one of protocols 0-5) and names the first length that runs past its end or the first
// byte that is no opcode; empty when the walk reaches STOP or the end.
std::string overlong_pickle_value(const char* data, std::size_t size) {
  std::size_t at = 0;
  const auto le = [&](std::size_t from, int n) {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(data[from + i]);
    return v;
  };
  const auto line = [&]() {  // a text argument ends at a newline
    while (at < size && data[at] != '\n') ++at;
    ++at;
  };
  while (at < size) {
    const auto op = static_cast<unsigned char>(data[at++]);
    int fixed = -1, prefix = 0, lines = 0;  // argument bytes; or a length of `prefix` bytes
    switch (op) {
      case '(': case '.': case '0': case '1': case '2': case 'N': case 'Q': case 'R': case 'a':
      case 'b': case 'd': case '}': case 'e': case 'l': case ']': case 'o': case 's': case 't':
      case ')': case 'u': case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89:
      case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x97: case 0x98:
        fixed = 0; break;
      case 'K': case 'h': case 'q': case 0x80: case 0x82: fixed = 1; break;
      case 'M': case 0x83: fixed = 2; break;
      case 'J': case 'j': case 'r': case 0x84: fixed = 4; break;
      case 'G': case 0x95: fixed = 8; break;
      case 'F': case 'I': case 'L': case 'P': case 'S': case 'V': case 'g': case 'p': lines = 1; break;
      case 'c': case 'i': lines = 2; break;
      case 'U': case 'C': case 0x8c: case 0x8a: prefix = 1; break;
      case 'T': case 'X': case 'B': case 0x8b: prefix = 4; break;
      case 0x8d: case 0x8e: case 0x96: prefix = 8; break;
      default:
        return "the pickle holds byte " + std::to_string(op) + " at " + std::to_string(at - 1) +
               ", which is no pickle opcode";
    }
    if (op == '.') return {};
    for (int i = 0; i < lines; ++i) line();
    if (fixed > 0) at += static_cast<std::size_t>(fixed);
    if (prefix > 0) {
      if (at + static_cast<std::size_t>(prefix) > size) return {};
      const std::uint64_t length = le(at, prefix);
      at += static_cast<std::size_t>(prefix);
      if (length > size - at) {
        return "the pickle declares a value of " + std::to_string(length) + " bytes with " +
               std::to_string(size - at) + " left";
      }
      at += static_cast<std::size_t>(length);
    }
  }
  return {};
}

}  // namespace

c10::IValue read_torch_saved(const std::string& path, const std::string& what) {
  const std::string bytes = read_file(path);
  if (const std::string problem = oversized_record(bytes); !problem.empty())
    throw DataError(path + ": not " + what + ": " + problem);
  try {
    // torch::pickle_load's steps, over BoundedBytes.
    caffe2::serialize::PyTorchStreamReader reader(std::make_unique<BoundedBytes>(bytes));
    if (reader.hasRecord("data.pkl")) {
      const auto [pickle, pickle_size] = reader.getRecord("data.pkl");
      const std::string problem =
          overlong_pickle_value(static_cast<const char*>(pickle.get()), pickle_size);
      if (!problem.empty()) throw DataError(path + ": not " + what + ": " + problem);
    }
    return torch::jit::readArchiveAndTensors("data", /*pickle_prefix=*/"", /*tensor_prefix=*/"",
                                             c10::nullopt, c10::nullopt, c10::nullopt, reader);
  } catch (const DataError&) {
    throw;
  } catch (const c10::Error& e) {  // one line: LibTorch appends its stack trace to what()
    throw DataError(path + ": not " + what + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw DataError(path + ": not " + what + ": " + e.what());
  }
}

std::map<std::string, torch::Tensor> read_tensor_dict(const std::string& path) {
  const c10::IValue value = read_torch_saved(path, "a file saved by torch.save");
  if (!value.isGenericDict()) throw DataError(path + ": expected a dict of tensors");
  std::map<std::string, torch::Tensor> out;
  for (const auto& entry : value.toGenericDict()) {
    if (entry.key().isString() && entry.value().isTensor()) {
      out[entry.key().toStringRef()] = entry.value().toTensor();
    }
  }
  return out;
}

std::vector<std::string> load_tensors(torch::nn::Module& module,
                                      const std::map<std::string, torch::Tensor>& tensors) {
  std::vector<std::string> problems;
  std::map<std::string, bool> used;
  for (const auto& kv : tensors) used[kv.first] = false;
  torch::NoGradGuard no_grad;
  const auto copy = [&](const std::string& name, torch::Tensor& target) {
    const auto it = tensors.find(name);
    if (it == tensors.end()) {
      // Older PyTorch versions saved no BatchNorm batch counter; it does not affect outputs.
      if (name.size() > 20 && name.compare(name.size() - 20, 20, ".num_batches_tracked") == 0)
        return;
      problems.push_back("missing " + name);
      return;
    }
    used[name] = true;
    if (it->second.sizes() != target.sizes()) {
      problems.push_back(name + ": shape " + c10::str(it->second.sizes()) + ", expected " +
                         c10::str(target.sizes()));
      return;
    }
    target.copy_(it->second);
  };
  for (auto& p : module.named_parameters()) copy(p.key(), p.value());
  for (auto& b : module.named_buffers()) copy(b.key(), b.value());
  if (!problems.empty()) {
    std::string msg = "cannot load the tensors:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw DataError(msg);
  }
  std::vector<std::string> unused;
  for (const auto& [name, was_used] : used) {
    if (!was_used) unused.push_back(name);
  }
  return unused;
}

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

double measure_macs_m(Network& net, const MacroShape& shape) {
  torch::NoGradGuard no_grad;
  const EvalModeGuard eval(*net);
  MacsProbe probe;
  net->forward(torch::zeros({1, shape.input_channels, shape.input_size, shape.input_size}));
  return static_cast<double>(probe.macs()) / 1e6;
}

}  // namespace gnas::nn
