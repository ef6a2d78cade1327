#pragma once

// Tiny data sets written in the real on-disk formats (CIFAR binary, IDX plain or gzip), with
// images a small network can learn: the class sets the brightness.

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace gnas::test {

/// Pixels [channels * size * size] of one image of class `label`, with seeded noise. The class
/// sets the brightness, a feature that random crops and flips keep.
inline std::vector<std::uint8_t> synthetic_image(int label, int classes, int size, int channels,
                                                 std::mt19937& rng) {
  std::vector<std::uint8_t> px(static_cast<std::size_t>(channels * size * size));
  std::uniform_int_distribution<int> noise(0, 40);
  const int level = 20 + (190 * label) / std::max(1, classes - 1);
  for (auto& p : px) p = static_cast<std::uint8_t>(std::min(255, level + noise(rng)));
  return px;
}

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes,
                        bool gzip) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return;
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

/// CIFAR-10 layout under dir/cifar-10-batches-bin: 5 training batches of `per_batch` records
/// and a test batch of `test` records. Labels cycle through `classes`.
inline void write_cifar10(const std::string& dir, int per_batch, int test, int classes = 10,
                          unsigned seed = 1) {
  std::mt19937 rng(seed);
  const auto batch = [&](const std::string& name, int n) {
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < n; ++i) {
      const int label = i % classes;
      bytes.push_back(static_cast<std::uint8_t>(label));
      const auto px = synthetic_image(label, classes, 32, 3, rng);
      bytes.insert(bytes.end(), px.begin(), px.end());
    }
    write_bytes(dir + "/cifar-10-batches-bin/" + name, bytes, false);
  };
  for (int b = 1; b <= 5; ++b) batch("data_batch_" + std::to_string(b) + ".bin", per_batch);
  batch("test_batch.bin", test);
}

/// CIFAR-100 layout under dir/cifar-100-binary: coarse label = fine / 5.
inline void write_cifar100(const std::string& dir, int train, int test, unsigned seed = 2) {
  std::mt19937 rng(seed);
  const auto file = [&](const std::string& name, int n) {
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < n; ++i) {
      const int fine = (i * 37) % 100;
      bytes.push_back(static_cast<std::uint8_t>(fine / 5));
      bytes.push_back(static_cast<std::uint8_t>(fine));
      const auto px = synthetic_image(fine, 100, 32, 3, rng);
      bytes.insert(bytes.end(), px.begin(), px.end());
    }
    write_bytes(dir + "/cifar-100-binary/" + name, bytes, false);
  };
  file("train.bin", train);
  file("test.bin", test);
}

inline void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

/// (Fashion-)MNIST IDX files under dir (train-*, t10k-*), size x size images, gzip or plain.
inline void write_idx(const std::string& dir, int train, int test, int size = 28, bool gzip = true,
                      int classes = 10, unsigned seed = 3) {
  std::mt19937 rng(seed);
  const auto pair = [&](const std::string& prefix, int n) {
    std::vector<std::uint8_t> images, labels;
    put_u32(images, 2051);
    put_u32(images, static_cast<std::uint32_t>(n));
    put_u32(images, static_cast<std::uint32_t>(size));
    put_u32(images, static_cast<std::uint32_t>(size));
    put_u32(labels, 2049);
    put_u32(labels, static_cast<std::uint32_t>(n));
    for (int i = 0; i < n; ++i) {
      const int label = i % classes;
      labels.push_back(static_cast<std::uint8_t>(label));
      const auto px = synthetic_image(label, classes, size, 1, rng);
      images.insert(images.end(), px.begin(), px.end());
    }
    const std::string ext = gzip ? ".gz" : "";
    write_bytes(dir + "/" + prefix + "-images-idx3-ubyte" + ext, images, gzip);
    write_bytes(dir + "/" + prefix + "-labels-idx1-ubyte" + ext, labels, gzip);
  };
  pair("train", train);
  pair("t10k", test);
}

}  // namespace gnas::test

#include "test_util.hpp"

namespace gnas::test {

/// A config that trains a 2-layer, 3-op network on 12x12 one-channel IDX data (4 classes, 256
/// training and 64 test images written into `dir`) in well under a second per epoch.
inline Config tiny_training_config(const TempDir& dir) {
  Config c = config_in(dir);
  c.dataset = DatasetKind::kFashionMnist;
  c.dataset_dir = dir.file("data");
  c.input_size = 12;
  c.input_channels = 1;
  c.classes = 4;
  c.mean = {0.2};
  c.std = {0.3};
  c.ops_name = {OpKind::kSkip, OpKind::kSepConv3, OpKind::kDilConv3};
  c.l_cfgs = {{8, 1}, {16, 2}};
  c.stem_channels = 8;
  c.head_channels = 32;
  c.epochs = 2;
  c.batch_size = 32;
  c.step_size = 100;
  c.optim_state.lr = 0.1;
  c.repeats = 1;
  c.print_freq = 1000;
  c.num_threads = 1;
  c.cuda = false;
  if (!std::filesystem::exists(c.dataset_dir)) write_idx(c.dataset_dir, 256, 64, 12, true, 4);
  return c;
}

}  // namespace gnas::test
