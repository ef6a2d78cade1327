// A build without ONNX and OpenCV (cmake -DGNAS_ONNX=OFF, e.g. bench/gpu.sh on a GPU machine):
// the export and the OpenCV runtime stop with a ConfigError that says how to get them. CMake
// compiles this file instead of onnx_export.cpp.

#include "gnas/common/errors.hpp"
#include "gnas/nn/onnx_export.hpp"

namespace gnas::nn {

namespace {

[[noreturn]] void absent(const std::string& what) {
  throw ConfigError(what +
                    ": this gnas was built without ONNX and OpenCV (cmake -DGNAS_ONNX=OFF); " +
                    "rebuild with them (libonnx-dev, libopencv-dnn-dev)");
}

}  // namespace

struct OpenCvRunner::State {};

OnnxExport export_onnx(Network&, const MacroShape&, const Architecture&, const std::string&,
                       const std::string& path, std::uint64_t, int64_t) {
  absent("the ONNX export (" + path + ")");
}

OnnxExport export_onnx(NasBench201Network&, const CellNetworkShape&, const Architecture&,
                       const std::string&, const std::string& path, std::uint64_t, int64_t) {
  absent("the ONNX export (" + path + ")");
}

OpenCvRunner::OpenCvRunner(std::unique_ptr<State> state) : state_(std::move(state)) {}
OpenCvRunner::OpenCvRunner(OpenCvRunner&&) noexcept = default;
OpenCvRunner& OpenCvRunner::operator=(OpenCvRunner&&) noexcept = default;
OpenCvRunner::~OpenCvRunner() = default;

OpenCvRunner OpenCvRunner::network(Network&, const MacroShape&, const Architecture&) {
  absent("latency.runtime (opencv)");
}
OpenCvRunner OpenCvRunner::network(NasBench201Network&, const CellNetworkShape&,
                                   const Architecture&) {
  absent("latency.runtime (opencv)");
}
OpenCvRunner OpenCvRunner::op(CandidateOpImpl&, const CandidateOpOptions&, int) {
  absent("latency.runtime (opencv)");
}
OpenCvRunner OpenCvRunner::add(int, int) { absent("latency.runtime (opencv)"); }
void OpenCvRunner::run() { absent("latency.runtime (opencv)"); }

int set_opencv_threads(int) { return -1; }

}  // namespace gnas::nn
