#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/nn/onnx_export.hpp"
#include "gnas/space/layerwise_space.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

MacroShape shape_of(int size, int channels, int classes) {
  Config c;
  c.input_size = size;
  c.input_channels = channels;
  c.classes = classes;
  return MacroShape::from_config(c);
}

// A network whose BatchNorm statistics and affine parameters are not the initial ones, so that
// folding them is tested for real.
nn::Network trained_like(const MacroShape& shape, const Architecture& arch, std::uint64_t seed) {
  torch::manual_seed(seed);
  nn::Network net(shape, arch);
  torch::NoGradGuard no_grad;
  for (auto& p : net->named_parameters()) {
    if (p.key().find("bn") != std::string::npos || p.key().find("op.3") != std::string::npos ||
        p.key().find("op.7") != std::string::npos ||
        p.key().find("last_stage.1") != std::string::npos) {
      p.value().uniform_(0.5, 1.5);
    }
  }
  net->train();
  for (int i = 0; i < 3; ++i)
    net->forward(torch::randn({4, shape.input_channels, shape.input_size, shape.input_size}));
  return net;
}

// Every op of the space (alone in a layer and all together), stride 1 and 2, the skip's three
// forms, even and odd input sizes, one and three channels: OpenCV's logits match LibTorch's.
TEST(OnnxExport, OpenCvComputesTheNetworksLogitsForEveryOpAndSize) {
  GNAS_SKIP_WITHOUT(kHaveOnnx, "ONNX and OpenCV");
  const test::TempDir dir;
  for (const auto& [size, channels] : std::vector<std::pair<int, int>>{{32, 3}, {28, 1}, {15, 3}}) {
    const MacroShape shape = shape_of(size, channels, 10);
    const LayerwiseSpace space(shape);
    std::vector<std::string> archs{"111111-111111-111111-111111-111111"};
    for (int k = 0; k < 6; ++k) {
      std::string layer(6, '0');
      layer[static_cast<std::size_t>(k)] = '1';
      archs.push_back(layer + "-" + layer + "-" + layer + "-" + layer + "-" + layer);
    }
    for (const auto& text : archs) {
      const Architecture arch = space.parse(text);
      nn::Network net = trained_like(shape, arch, 3);
      const std::string path = dir.file("model.onnx");
      const nn::OnnxExport e = nn::export_onnx(net, shape, arch, text, path, 7);
      EXPECT_TRUE(std::filesystem::exists(path));
      EXPECT_LE(e.relative_difference, nn::kExportTolerance)
          << text << " at " << size << "x" << size;
      EXPECT_EQ(e.check_batch, 4);
      EXPECT_TRUE(net->is_training()) << "the network's mode is restored";
    }
  }
}

// The file: no BatchNorm node left, the documented names, a dynamic batch, the metadata; and a
// batch of one or of three images checks as well as four (the batch dimension is dynamic).
TEST(OnnxExport, FoldsBatchNormAndRecordsTheArchitecture) {
  GNAS_SKIP_WITHOUT(kHaveOnnx, "ONNX and OpenCV");
  const test::TempDir dir;
  const MacroShape shape = shape_of(32, 3, 100);
  const LayerwiseSpace space(shape);
  const std::string text = "111000-011101-111111-111111-011101";  // the original's searched network
  const Architecture arch = space.parse(text);
  nn::Network net = trained_like(shape, arch, 5);
  const std::string path = dir.file("final_model.onnx");
  for (const int64_t batch : {1, 3}) {
    EXPECT_LE(nn::export_onnx(net, shape, arch, text, path, 11, batch).relative_difference,
              nn::kExportTolerance);
  }
  const std::string bytes = read_file(path);
  EXPECT_EQ(bytes.find("BatchNormalization"), std::string::npos);
  for (const char* expected :
       {"images", "logits", "batch", "gnas.architecture", text.c_str(), "gnas.seed", "gnas.version",
        "gnas.input", "3x32x32", "Conv", "Gemm"}) {
    EXPECT_NE(bytes.find(expected), std::string::npos) << expected;
  }
}

// NAS-Bench-201 cells: every op on every edge, mixed cells, nodes that only `none` edges reach,
// input sizes 32, 28 and 12, one and three channels, BatchNorm statistics away from their
// initial values: OpenCV's logits match LibTorch's; no BatchNormalization node is left.
TEST(OnnxExport, OpenCvComputesNasBench201CellsLogits) {
  GNAS_SKIP_WITHOUT(kHaveOnnx, "ONNX and OpenCV");
  const test::TempDir dir;
  std::vector<std::vector<std::uint8_t>> cells;
  for (std::uint8_t op = 0; op < 5; ++op) cells.push_back(std::vector<std::uint8_t>(6, op));
  cells.push_back({3, 2, 4, 1, 0, 3});  // every op in one cell
  cells.push_back({0, 0, 0, 3, 2, 0});  // nodes 1 and 2 are zero; edge 2 -> 3 and 1 -> 3 read them
  cells.push_back({0, 3, 0, 0, 0, 4});  // a chain through node 2 only
  for (const auto& [size, channels] : std::vector<std::pair<int, int>>{{32, 3}, {28, 1}, {12, 3}}) {
    CellNetworkShape shape;
    shape.input_size = size;
    shape.input_channels = channels;
    shape.classes = 10;
    const NasBench201Space space(shape);
    for (const auto& genes : cells) {
      const Architecture arch{genes};
      torch::manual_seed(4);
      nn::NasBench201Network net(shape, arch);
      {
        torch::NoGradGuard no_grad;
        for (auto& p : net->named_parameters()) {
          if (p.key().find("bn") != std::string::npos) p.value().uniform_(0.5, 1.5);
        }
        net->train();
        for (int i = 0; i < 3; ++i) net->forward(torch::randn({4, channels, size, size}));
      }
      {  // the check compares logits that depend on the image, not only the classifier's bias
        torch::NoGradGuard no_grad;
        net->eval();
        const torch::Tensor y = net->forward(torch::randn({4, channels, size, size}));
        const torch::Tensor from_features = y - net->named_parameters()["classifier.bias"];
        if (genes != std::vector<std::uint8_t>(6, 0)) {
          EXPECT_GT(from_features.abs().max().item<double>(), 0.1 * y.abs().max().item<double>())
              << size;
        }
        net->train();
      }
      const std::string text = space.format(arch);
      const std::string path = dir.file("cell.onnx");
      const nn::OnnxExport e = nn::export_onnx(net, shape, arch, text, path, 9);
      EXPECT_LE(e.relative_difference, nn::kExportTolerance)
          << text << " at " << size << "x" << size;
      EXPECT_TRUE(net->is_training());
      const std::string bytes = read_file(path);
      EXPECT_EQ(bytes.find("BatchNormalization"), std::string::npos) << text;
      EXPECT_NE(bytes.find(text), std::string::npos) << "the metadata names the cell";
    }
  }
}

// The original's searched network with the original's own trained tensors (../shared/data).
TEST(OnnxExport, TheOriginalsSearchedNetworkWithItsWeights) {
  GNAS_SKIP_WITHOUT(kHaveOnnx, "ONNX and OpenCV");
  const std::string shared = test::shared_data_dir();
  if (shared.empty())
    GTEST_SKIP() << "../shared/data is absent: the original's tensors are not here";
  const MacroShape shape = shape_of(32, 3, 100);
  const LayerwiseSpace space(shape);
  const std::string text = "111000-011101-111111-111111-011101";
  const Architecture arch = space.parse(text);
  nn::Network net(shape, arch);
  nn::load_tensors(*net, nn::read_tensor_dict(shared + "/seed/network_final.pt"));
  const test::TempDir dir;
  const nn::OnnxExport e = nn::export_onnx(net, shape, arch, text, dir.file("original.onnx"), 3);
  EXPECT_LE(e.relative_difference, nn::kExportTolerance);
}

// A model whose logits OpenCV cannot reproduce (here NaN weights) is an error, and the file
// already at the path is left as it was, with no temporary file beside it.
TEST(OnnxExport, AMismatchWritesNothing) {
  GNAS_SKIP_WITHOUT(kHaveOnnx, "ONNX and OpenCV");
  const test::TempDir dir;
  const MacroShape shape = shape_of(28, 1, 10);
  const LayerwiseSpace space(shape);
  const std::string text = "100000-010000-001000-000100-000010";
  const Architecture arch = space.parse(text);
  nn::Network net = trained_like(shape, arch, 2);
  const std::string path = dir.file("final_model.onnx");
  write_file_atomic(path, "the good model");
  {
    torch::NoGradGuard no_grad;
    net->named_parameters()["classifier.weight"].fill_(std::nan(""));
  }
  try {
    nn::export_onnx(net, shape, arch, text, path, 1);
    FAIL() << "no error";
  } catch (const DataError& e) {  // exit 2
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not written"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path), "the good model");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace gnas
