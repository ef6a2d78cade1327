#include "gnas/nn/onnx_export.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/version.hpp"
#include "gnas/nn/network_writer.hpp"

namespace gnas::nn {
namespace {

// 10, not later: OpenCV 4.6 reads Clip only with its opset <= 10 attributes (opset 11 made min
// and max inputs).
constexpr int64_t kOpset = 10;
constexpr double kBatchNormEps = 1e-5;

// Builds the ONNX graph. Convolutions keep their (folded) weights as tensors until finish(), so
// a BatchNorm after a convolution, or after a concatenation of convolutions, is folded into them.
class OnnxWriter : public NetworkWriter {
 public:
  OnnxWriter(onnx::GraphProto& graph, std::map<std::string, torch::Tensor> tensors)
      : graph_(graph), tensors_(std::move(tensors)) {}

  std::string conv(const std::string& x, const std::string& weight, int stride, int padding,
                   int dilation, int groups) override {
    const torch::Tensor w = tensor(weight).to(torch::kFloat32).clone();
    const std::string out = value();
    onnx::NodeProto& node = add_node("Conv", {x, weight, weight + ".bias"}, out);
    ints(node, "kernel_shape", {w.size(2), w.size(3)});
    ints(node, "strides", {stride, stride});
    ints(node, "pads", {padding, padding, padding, padding});
    ints(node, "dilations", {dilation, dilation});
    integer(node, "group", groups);
    convs_.push_back({weight, w, torch::zeros({w.size(0)}, torch::kFloat32)});
    sources_[out] = {{convs_.size() - 1, 0}};
    return out;
  }

  std::string batch_norm(const std::string& x, const std::string& prefix) override {
    const torch::Tensor scale =
        (tensor(prefix + ".weight") / torch::sqrt(tensor(prefix + ".running_var") + kBatchNormEps)).to(torch::kFloat32);
    const torch::Tensor shift =
        (tensor(prefix + ".bias") - tensor(prefix + ".running_mean") * scale).to(torch::kFloat32);
    const auto it = sources_.find(x);
    if (it == sources_.end() || uses_[x] > 0) {
      throw Error("ONNX export: BatchNorm " + prefix + " does not follow a convolution of its own");
    }
    for (const auto& [index, offset] : it->second) {
      Conv& c = convs_[index];
      const int64_t n = c.weight.size(0);
      const torch::Tensor s = scale.narrow(0, offset, n), b = shift.narrow(0, offset, n);
      c.weight.mul_(s.view({n, 1, 1, 1}));
      c.bias = c.bias * s + b;
    }
    return x;  // the BatchNorm is now part of the convolution(s) that make x
  }

  std::string relu(const std::string& x) override { return unary("Relu", x); }

  std::string relu6(const std::string& x) override {
    const std::string out = value();
    onnx::NodeProto& node = add_node("Clip", {x}, out);
    real(node, "min", 0.0f);
    real(node, "max", 6.0f);
    return out;
  }

  std::string add(const std::string& a, const std::string& b) override {
    const std::string out = value();
    add_node("Add", {a, b}, out);
    return out;
  }

  std::string concat(const std::string& a, const std::string& b) override {
    const std::string out = value();
    integer(add_node("Concat", {a, b}, out), "axis", 1);
    // channels of out: a's convolutions first, then b's, each at its offset
    const auto sa = sources_.find(a), sb = sources_.find(b);
    if (sa != sources_.end() && sb != sources_.end() && uses_[a] == 1 && uses_[b] == 1) {
      auto& parts = sources_[out];
      int64_t offset = 0;
      for (const auto* side : {&sa->second, &sb->second}) {
        for (const auto& [index, o] : *side) parts.push_back({index, offset + o});
        for (const auto& [index, o] : *side) offset = std::max(offset, o + convs_[index].weight.size(0));
      }
    }
    return out;
  }

  std::string shift(const std::string& x) override {
    constant("shift.starts", torch::tensor({1, 1}, torch::kInt64));
    constant("shift.ends", torch::tensor({std::numeric_limits<int64_t>::max(),
                                          std::numeric_limits<int64_t>::max()}, torch::kInt64));
    constant("shift.axes", torch::tensor({2, 3}, torch::kInt64));
    const std::string cropped = value(), out = value();
    add_node("Slice", {x, "shift.starts", "shift.ends", "shift.axes"}, cropped);
    onnx::NodeProto& pad = add_node("Pad", {cropped}, out);
    ints(pad, "pads", {0, 0, 0, 0, 0, 0, 1, 1});  // begins of N, C, H, W, then ends
    return out;
  }

  std::string global_mean(const std::string& x) override {
    const std::string pooled = unary("GlobalAveragePool", x);
    const std::string out = value();
    integer(add_node("Flatten", {pooled}, out), "axis", 1);
    return out;
  }

  std::string linear(const std::string& x, const std::string& prefix) override {
    initializer(prefix + ".weight", tensor(prefix + ".weight").to(torch::kFloat32));
    initializer(prefix + ".bias", tensor(prefix + ".bias").to(torch::kFloat32));
    const std::string out = value();
    integer(add_node("Gemm", {x, prefix + ".weight", prefix + ".bias"}, out), "transB", 1);
    return out;
  }

  /// The folded convolution weights and biases as initializers.
  void finish() {
    for (const Conv& c : convs_) {
      initializer(c.name, c.weight);
      initializer(c.name + ".bias", c.bias);
    }
  }

 private:
  struct Conv {
    std::string name;
    torch::Tensor weight, bias;
  };

  const torch::Tensor& tensor(const std::string& name) const {
    const auto it = tensors_.find(name);
    if (it == tensors_.end()) throw Error("ONNX export: the network has no tensor " + name);
    return it->second;
  }

  std::string value() { return "v" + std::to_string(next_++); }

  std::string unary(const std::string& op, const std::string& x) {
    const std::string out = value();
    add_node(op, {x}, out);
    return out;
  }

  onnx::NodeProto& add_node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::string& output) {
    onnx::NodeProto* node = graph_.add_node();
    node->set_op_type(op);
    node->set_name(op + "_" + output);
    for (const auto& in : inputs) {
      node->add_input(in);
      ++uses_[in];
    }
    node->add_output(output);
    return *node;
  }

  static void ints(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (const int64_t v : values) a->add_ints(v);
  }

  static void real(onnx::NodeProto& node, const std::string& name, float v) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }

  static void integer(onnx::NodeProto& node, const std::string& name, int64_t v) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }

  void constant(const std::string& name, const torch::Tensor& t) {
    if (constants_.insert(name).second) initializer(name, t);
  }

  void initializer(const std::string& name, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    onnx::TensorProto* p = graph_.add_initializer();
    p->set_name(name);
    for (const int64_t d : c.sizes()) p->add_dims(d);
    if (c.scalar_type() == torch::kInt64) {
      p->set_data_type(onnx::TensorProto::INT64);
      p->set_raw_data(c.data_ptr(), static_cast<std::size_t>(c.numel()) * sizeof(int64_t));
    } else {
      const torch::Tensor f = c.to(torch::kFloat32).contiguous();
      p->set_data_type(onnx::TensorProto::FLOAT);
      p->set_raw_data(f.data_ptr(), static_cast<std::size_t>(f.numel()) * sizeof(float));
    }
  }

  onnx::GraphProto& graph_;
  std::map<std::string, torch::Tensor> tensors_;
  std::vector<Conv> convs_;
  std::map<std::string, std::vector<std::pair<std::size_t, int64_t>>> sources_;  // value -> (conv, channel offset)
  std::map<std::string, int> uses_;
  std::set<std::string> constants_;
  int next_ = 0;
};

void value_info(onnx::ValueInfoProto& info, const std::string& name, const std::vector<int64_t>& dims) {
  info.set_name(name);
  onnx::TypeProto_Tensor* type = info.mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto* shape = type->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (const int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

void metadata(onnx::ModelProto& model, const std::string& key, const std::string& value) {
  onnx::StringStringEntryProto* entry = model.add_metadata_props();
  entry->set_key(key);
  entry->set_value(value);
}

// OpenCV DNN's logits for `images` from the model file at `path`.
torch::Tensor opencv_logits(const std::string& path, const torch::Tensor& images, const std::string& target) {
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    const torch::Tensor x = images.to(torch::kFloat32).contiguous();
    std::vector<int> dims;
    for (const int64_t d : x.sizes()) dims.push_back(static_cast<int>(d));
    const cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, x.data_ptr<float>());
    net.setInput(blob, "images");
    const cv::Mat out = net.forward();
    if (out.dims != 2 || out.type() != CV_32F) {
      throw Error(target + ": OpenCV's output is not a [batch, classes] float matrix");
    }
    return torch::from_blob(const_cast<float*>(out.ptr<float>()), {out.size[0], out.size[1]}, torch::kFloat32).clone();
  } catch (const cv::Exception& e) {
    throw Error(target + ": OpenCV's DNN module refuses the exported ONNX model: " + std::string(e.msg));
  }
}

}  // namespace

OnnxExport export_onnx(Network& net, const MacroShape& shape, const Architecture& arch,
                       const std::string& arch_text, const std::string& path, std::uint64_t seed,
                       int64_t check_batch) {
  torch::NoGradGuard no_grad;
  const bool was_training = net->is_training();
  net->eval();
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& p : net->named_parameters()) tensors[p.key()] = p.value().detach().to(torch::kCPU).contiguous();
  for (const auto& b : net->named_buffers()) tensors[b.key()] = b.value().detach().to(torch::kCPU).contiguous();

  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION_2019_1_22);  // IR 5: opset 10's
  model.set_producer_name("gnas");
  model.set_producer_version(version());
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  metadata(model, "gnas.architecture", arch_text);
  metadata(model, "gnas.seed", std::to_string(seed));
  metadata(model, "gnas.version", std::string(version()) + " (" + git_hash() + ")");
  metadata(model, "gnas.input", std::to_string(shape.input_channels) + "x" +
                                    std::to_string(shape.input_size) + "x" + std::to_string(shape.input_size));
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("gnas_network");
  value_info(*graph.add_input(), "images", {shape.input_channels, shape.input_size, shape.input_size});
  OnnxWriter writer(graph, tensors);
  const std::string last = write_layerwise_network(writer, shape, arch, "images");
  writer.finish();
  onnx::NodeProto* output = graph.add_node();
  output->set_op_type("Identity");
  output->set_name("logits");
  output->add_input(last);
  output->add_output("logits");
  value_info(*graph.add_output(), "logits", {shape.classes});
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error(path + ": the exported ONNX model fails ONNX's checker: " + e.what());
  }

  OnnxExport result;
  result.path = path;
  result.check_batch = check_batch;
  result.nodes = graph.node_size();
  const std::filesystem::path target(path);
  if (target.has_parent_path()) ensure_directory(target.parent_path().string());
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !model.SerializeToOstream(&out) || !out.flush()) {
      std::filesystem::remove(tmp);
      throw Error(path + ": cannot write the exported ONNX model");
    }
  }
  try {
    auto generator = at::detail::createCPUGenerator(seed);
    const torch::Tensor images =
        torch::randn({check_batch, shape.input_channels, shape.input_size, shape.input_size}, generator);
    const torch::Device device = net->parameters().front().device();
    const torch::Tensor expected = net->forward(images.to(device)).to(torch::kCPU).to(torch::kFloat32);
    const torch::Tensor got = opencv_logits(tmp, images, path);
    if (got.sizes() != expected.sizes()) {
      throw Error(path + ": OpenCV's logits have shape " + c10::str(got.sizes()) + ", LibTorch's " +
                  c10::str(expected.sizes()));
    }
    result.max_abs_difference = (got - expected).abs().max().item<double>();
    result.relative_difference =
        result.max_abs_difference / std::max(expected.abs().max().item<double>(), 1e-12);
    if (!(result.relative_difference <= kOnnxTolerance)) {
      throw Error(path + ": OpenCV's logits differ from LibTorch's by " + std::to_string(result.relative_difference) +
                  " of their scale (max |difference| " + std::to_string(result.max_abs_difference) +
                  "); at most " + std::to_string(kOnnxTolerance) + " is accepted: the model was not written");
    }
  } catch (...) {
    std::filesystem::remove(tmp);
    net->train(was_training);
    throw;
  }
  net->train(was_training);
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw Error(path + ": cannot write the exported ONNX model: " + ec.message());
  }
  return result;
}

}  // namespace gnas::nn
