#include "gnas/nn/onnx_export.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/version.hpp"
#include "gnas/nn/batch_norm_folding.hpp"
#include "gnas/nn/network_writer.hpp"

namespace gnas::nn {
namespace {

// 10, not later: OpenCV 4.6 reads Clip only with its opset <= 10 attributes (opset 11 made min
// and max inputs).
constexpr int64_t kOpset = 10;

// Builds the ONNX graph. Convolutions keep their (folded) weights as tensors until finish(), so
// a BatchNorm after a convolution, or after a concatenation of convolutions, is folded into them.
class OnnxWriter : public NetworkWriter {
 public:
  OnnxWriter(onnx::GraphProto& graph, std::map<std::string, torch::Tensor> tensors)
      : graph_(graph), folder_(std::move(tensors)) {}

  std::string conv(const std::string& x, const std::string& weight, int stride, int padding,
                   int dilation, int groups) override {
    const torch::Tensor& w = folder_.tensor(weight);
    const std::string out = value();
    onnx::NodeProto& node = add_node("Conv", {x, weight, weight + ".bias"}, out);
    ints(node, "kernel_shape", {w.size(2), w.size(3)});
    ints(node, "strides", {stride, stride});
    ints(node, "pads", {padding, padding, padding, padding});
    ints(node, "dilations", {dilation, dilation});
    integer(node, "group", groups);
    folder_.conv(out, weight);
    return out;
  }

  std::string batch_norm(const std::string& x, const std::string& prefix) override {
    if (folder_.foldable(x)) {
      folder_.fold(x, prefix);
      return x;  // the BatchNorm is now part of the convolution(s) that make x
    }
    // After something else than a convolution (NAS-Bench-201's last BN follows a sum): its affine.
    const auto [scale, shift] = folder_.affine(prefix);
    const int64_t c = scale.size(0);
    initializer(prefix + ".scale", scale.view({c, 1, 1}));
    initializer(prefix + ".shift", shift.view({c, 1, 1}));
    const std::string scaled = value(), out = value();
    add_node("Mul", {x, prefix + ".scale"}, scaled);
    add_node("Add", {scaled, prefix + ".shift"}, out);
    return out;
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
    folder_.concat(out, a, b);
    return out;
  }

  std::string shift(const std::string& x) override {
    constant("shift.starts", torch::tensor({1, 1}, torch::kInt64));
    constant("shift.ends", torch::tensor({std::numeric_limits<int64_t>::max(),
                                          std::numeric_limits<int64_t>::max()},
                                         torch::kInt64));
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
    initializer(prefix + ".weight", folder_.tensor(prefix + ".weight").to(torch::kFloat32));
    initializer(prefix + ".bias", folder_.tensor(prefix + ".bias").to(torch::kFloat32));
    const std::string out = value();
    integer(add_node("Gemm", {x, prefix + ".weight", prefix + ".bias"}, out), "transB", 1);
    return out;
  }

  std::string avg_pool(const std::string& x, int kernel, int stride, int padding) override {
    const std::string out = value();
    onnx::NodeProto& node = add_node("AveragePool", {x}, out);
    ints(node, "kernel_shape", {kernel, kernel});
    ints(node, "strides", {stride, stride});
    ints(node, "pads", {padding, padding, padding, padding});
    integer(node, "count_include_pad", 0);
    return out;
  }

  std::string zero(const std::string& x) override {
    constant("zero", torch::zeros({1}, torch::kFloat32));
    const std::string out = value();
    add_node("Mul", {x, "zero"}, out);
    return out;
  }

  /// The folded convolution weights and biases as initializers.
  void finish() {
    for (const BatchNormFolder::Conv& c : folder_.convs()) {
      initializer(c.name, c.weight);
      initializer(c.name + ".bias", c.bias);
    }
  }

 private:
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
      folder_.use(in);
    }
    node->add_output(output);
    return *node;
  }

  static void ints(onnx::NodeProto& node, const std::string& name,
                   const std::vector<int64_t>& values) {
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
  BatchNormFolder folder_;
  std::set<std::string> constants_;
  int next_ = 0;
};

void value_info(onnx::ValueInfoProto& info, const std::string& name,
                const std::vector<int64_t>& dims) {
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
torch::Tensor opencv_logits(const std::string& path, const torch::Tensor& images,
                            const std::string& target) {
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
      throw DataError(target + ": OpenCV's output is not a [batch, classes] float matrix");
    }
    return torch::from_blob(const_cast<float*>(out.ptr<float>()), {out.size[0], out.size[1]},
                            torch::kFloat32)
        .clone();
  } catch (const cv::Exception& e) {
    throw DataError(target +
                    ": OpenCV's DNN module refuses the exported ONNX model: " + std::string(e.msg));
  }
}

// Every parameter and buffer of `module` on the CPU, by name with `prefix` (and a dot) before it.
std::map<std::string, torch::Tensor> module_tensors(const torch::nn::Module& module,
                                                    const std::string& prefix) {
  std::map<std::string, torch::Tensor> tensors;
  const std::string p = prefix.empty() ? "" : prefix + ".";
  for (const auto& t : module.named_parameters())
    tensors[p + t.key()] = t.value().detach().to(torch::kCPU).contiguous();
  for (const auto& t : module.named_buffers())
    tensors[p + t.key()] = t.value().detach().to(torch::kCPU).contiguous();
  return tensors;
}

// A model of one graph: input `images` [batch, input_dims...], output `logits` [batch,
// output_dims...] = body(writer, "images"), checked by ONNX's checker (`what` names it).
onnx::ModelProto build_model(
    std::map<std::string, torch::Tensor> tensors, const std::vector<int64_t>& input_dims,
    const std::vector<int64_t>& output_dims,
    const std::function<std::string(NetworkWriter&, const std::string&)>& body,
    const std::string& what) {
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION_2019_1_22);  // IR 5: opset 10's
  model.set_producer_name("gnas");
  model.set_producer_version(version());
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("gnas_network");
  value_info(*graph.add_input(), "images", input_dims);
  OnnxWriter writer(graph, std::move(tensors));
  const std::string last = body(writer, "images");
  writer.finish();
  onnx::NodeProto* output = graph.add_node();
  output->set_op_type("Identity");
  output->set_name("logits");
  output->add_input(last);
  output->add_output("logits");
  value_info(*graph.add_output(), "logits", output_dims);
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw DataError(what + ": the exported ONNX model fails ONNX's checker: " + e.what());
  }
  return model;
}

}  // namespace

namespace {

// export_onnx of either space: `net` runs `forward` on [B, channels, size, size] images and
// `walk` writes the same forward pass.
OnnxExport export_model(torch::nn::Module& net,
                        const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                        int64_t channels, int64_t size, int64_t classes,
                        const std::function<std::string(NetworkWriter&, const std::string&)>& walk,
                        const std::string& arch_text, const std::string& path, std::uint64_t seed,
                        int64_t check_batch) {
  torch::NoGradGuard no_grad;
  const EvalModeGuard eval(net);
  onnx::ModelProto model =
      build_model(module_tensors(net, ""), {channels, size, size}, {classes}, walk, path);
  metadata(model, "gnas.architecture", arch_text);
  metadata(model, "gnas.seed", std::to_string(seed));
  metadata(model, "gnas.version", std::string(version()) + " (" + git_hash() + ")");
  metadata(model, "gnas.input",
           std::to_string(channels) + "x" + std::to_string(size) + "x" + std::to_string(size));
  const onnx::GraphProto& graph = model.graph();

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
    const torch::Tensor images = torch::randn({check_batch, channels, size, size}, generator);
    const torch::Device device = net.parameters().front().device();
    const torch::Tensor expected = forward(images.to(device)).to(torch::kCPU).to(torch::kFloat32);
    const torch::Tensor got = opencv_logits(tmp, images, path);
    if (got.sizes() != expected.sizes()) {
      throw DataError(path + ": OpenCV's logits have shape " + c10::str(got.sizes()) +
                      ", LibTorch's " + c10::str(expected.sizes()));
    }
    result.max_abs_difference = (got - expected).abs().max().item<double>();
    result.relative_difference =
        result.max_abs_difference / std::max(expected.abs().max().item<double>(), 1e-12);
    if (!(result.relative_difference <= kExportTolerance)) {
      throw DataError(path + ": OpenCV's logits differ from LibTorch's by " +
                      std::to_string(result.relative_difference) +
                      " of their scale (max |difference| " +
                      std::to_string(result.max_abs_difference) + "); at most " +
                      std::to_string(kExportTolerance) + " is accepted: the model was not written");
    }
  } catch (...) {
    std::filesystem::remove(tmp);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw Error(path + ": cannot write the exported ONNX model: " + ec.message());
  }
  return result;
}

}  // namespace

OnnxExport export_onnx(Network& net, const MacroShape& shape, const Architecture& arch,
                       const std::string& arch_text, const std::string& path, std::uint64_t seed,
                       int64_t check_batch) {
  return export_model(
      *net, [&net](const torch::Tensor& x) { return net->forward(x); }, shape.input_channels,
      shape.input_size, shape.classes,
      [&](NetworkWriter& w, const std::string& x) {
        return write_layerwise_network(w, shape, arch, x);
      },
      arch_text, path, seed, check_batch);
}

OnnxExport export_onnx(NasBench201Network& net, const CellNetworkShape& shape,
                       const Architecture& arch, const std::string& arch_text,
                       const std::string& path, std::uint64_t seed, int64_t check_batch) {
  return export_model(
      *net, [&net](const torch::Tensor& x) { return net->forward(x); }, shape.input_channels,
      shape.input_size, shape.classes,
      [&](NetworkWriter& w, const std::string& x) { return write_nasbench201_network(w, arch, x); },
      arch_text, path, seed, check_batch);
}

struct OpenCvRunner::State {
  cv::dnn::Net net;
  cv::Mat input;
};

OpenCvRunner::OpenCvRunner(std::unique_ptr<State> state) : state_(std::move(state)) {}
OpenCvRunner::OpenCvRunner(OpenCvRunner&&) noexcept = default;
OpenCvRunner& OpenCvRunner::operator=(OpenCvRunner&&) noexcept = default;
OpenCvRunner::~OpenCvRunner() = default;

namespace {

// `model` loaded from memory by OpenCV on the CPU with a standard-normal input [1, input_dims...].
std::unique_ptr<OpenCvRunner::State> load_for_timing(const onnx::ModelProto& model,
                                                     const std::vector<int64_t>& input_dims,
                                                     const std::string& what) {
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error(what + ": cannot serialise the ONNX model");
  auto state = std::make_unique<OpenCvRunner::State>();
  try {
    state->net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
    state->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    state->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    std::vector<int> dims{1};
    for (const int64_t d : input_dims) dims.push_back(static_cast<int>(d));
    state->input = cv::Mat(static_cast<int>(dims.size()), dims.data(), CV_32F);
    cv::randn(state->input, 0.0, 1.0);
  } catch (const cv::Exception& e) {
    throw DataError(what + ": OpenCV's DNN module refuses the ONNX model: " + std::string(e.msg));
  }
  return state;
}

}  // namespace

OpenCvRunner OpenCvRunner::network(Network& net, const MacroShape& shape,
                                   const Architecture& arch) {
  torch::NoGradGuard no_grad;
  const std::vector<int64_t> input{shape.input_channels, shape.input_size, shape.input_size};
  const onnx::ModelProto model = build_model(
      module_tensors(*net, ""), input, {shape.classes},
      [&](NetworkWriter& w, const std::string& x) {
        return write_layerwise_network(w, shape, arch, x);
      },
      "latency network");
  return OpenCvRunner(load_for_timing(model, input, "latency network"));
}

OpenCvRunner OpenCvRunner::network(NasBench201Network& net, const CellNetworkShape& shape,
                                   const Architecture& arch) {
  torch::NoGradGuard no_grad;
  const std::vector<int64_t> input{shape.input_channels, shape.input_size, shape.input_size};
  const onnx::ModelProto model = build_model(
      module_tensors(*net, ""), input, {shape.classes},
      [&](NetworkWriter& w, const std::string& x) { return write_nasbench201_network(w, arch, x); },
      "latency network");
  return OpenCvRunner(load_for_timing(model, input, "latency network"));
}

OpenCvRunner OpenCvRunner::op(CandidateOpImpl& op, const CandidateOpOptions& options,
                              int input_size) {
  torch::NoGradGuard no_grad;
  const std::string what = "latency op " + op_name(options.kind());
  const std::vector<int64_t> input{options.in_channels(), input_size, input_size};
  const int64_t out_size = (input_size - 1) / options.stride() + 1;
  const onnx::ModelProto model = build_model(
      module_tensors(op, "m"), input, {options.out_channels(), out_size, out_size},
      [&](NetworkWriter& w, const std::string& x) {
        return write_candidate_op(
            w, x, "m", options.kind(), static_cast<int>(options.in_channels()),
            static_cast<int>(options.out_channels()), static_cast<int>(options.stride()));
      },
      what);
  return OpenCvRunner(load_for_timing(model, input, what));
}

OpenCvRunner OpenCvRunner::add(int channels, int size) {
  const std::vector<int64_t> input{channels, size, size};
  const onnx::ModelProto model = build_model(
      {}, input, input, [](NetworkWriter& w, const std::string& x) { return w.add(x, x); },
      "latency add");
  return OpenCvRunner(load_for_timing(model, input, "latency add"));
}

void OpenCvRunner::run() {
  try {
    state_->net.setInput(state_->input, "images");
    (void)state_->net.forward();
  } catch (const cv::Exception& e) {
    throw Error("OpenCV's DNN module failed to run a timed model: " + std::string(e.msg));
  }
}

int set_opencv_threads(int threads) {
  const int previous = cv::getNumThreads();
  cv::setNumThreads(threads);
  return previous;
}

}  // namespace gnas::nn
