#include "gnas/data/dataset.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <zlib.h>

#include <filesystem>
#include <vector>

#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"

namespace gnas::data {

namespace {

namespace fs = std::filesystem;

// The whole file, inflated when it is gzip-compressed (zlib reads plain files unchanged).
std::vector<unsigned char> read_bytes(const std::string& path) {
  if (!fs::exists(path)) throw DataError(path + ": no such file");
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw DataError(path + ": cannot open");
  std::vector<unsigned char> bytes;
  unsigned char buffer[1 << 16];
  while (true) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      throw DataError(path + ": cannot decompress (" + message + "): truncated or corrupt");
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  int code = 0;
  gzerror(file, &code);  // a gzip stream cut short reads as a short file without this check
  gzclose(file);
  if (code == Z_BUF_ERROR)
    throw DataError(path + ": cannot decompress (unexpected end of the gzip stream): truncated");
  return bytes;
}

std::uint32_t big_endian(const std::vector<unsigned char>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

// The first of `name` and `name.gz` under `dir`.
std::string find_idx(const std::string& dir, const std::string& name) {
  for (const std::string& candidate : {name, name + ".gz"}) {
    const fs::path p = fs::path(dir) / candidate;
    if (fs::exists(p)) return p.string();
  }
  throw DataError(
      (fs::path(dir) / name).string() +
      "[.gz]: no such file (dataset_dir must hold the IDX files; Debian's "
      "dataset-fashion-mnist installs Fashion-MNIST in /usr/share/datasets/fashion-mnist)");
}

Dataset concat(const std::vector<Dataset>& parts) {
  std::vector<torch::Tensor> images, labels;
  for (const auto& p : parts) {
    images.push_back(p.images);
    labels.push_back(p.labels);
  }
  return {torch::cat(images), torch::cat(labels)};
}

Dataset read_cifar_file(const std::string& path, bool cifar100) {
  const std::vector<unsigned char> bytes = read_bytes(path);
  const std::size_t label_bytes = cifar100 ? 2 : 1;
  const std::size_t record = label_bytes + 3072;
  if (bytes.empty() || bytes.size() % record != 0) {
    throw DataError(path + ": " + std::to_string(bytes.size()) +
                    " bytes is not a whole number of " + std::to_string(record) +
                    "-byte records (" + (cifar100 ? "coarse label, fine label" : "label") +
                    ", 3072 pixels): truncated or not a CIFAR binary file");
  }
  const int64_t n = static_cast<int64_t>(bytes.size() / record);
  torch::Tensor raw = torch::from_blob(const_cast<unsigned char*>(bytes.data()),
                                       {n, static_cast<int64_t>(record)}, torch::kUInt8);
  Dataset d;
  d.labels = raw.select(1, static_cast<int64_t>(label_bytes) - 1).to(torch::kInt64);
  d.images = raw.narrow(1, static_cast<int64_t>(label_bytes), 3072).reshape({n, 3, 32, 32}).clone();
  return d;
}

// The first record of `file` whose label is not below `classes`: the file, the record and the
// value, then the setting that would accept it.
void check_labels(const Dataset& d, int classes, const std::string& file) {
  if (d.size() == 0) return;
  const torch::Tensor outside = (d.labels >= classes).nonzero();
  if (outside.size(0) == 0) return;
  const int64_t record = outside[0][0].item<int64_t>();
  const int64_t label = d.labels[record].item<int64_t>();
  const int64_t max = d.labels.max().item<int64_t>();
  throw DataError(file + ": record " + std::to_string(record) + " (0-based) holds label " +
                  std::to_string(label) + ", outside 0.." + std::to_string(classes - 1) +
                  " of classes (" + std::to_string(classes) + "); classes: " +
                  std::to_string(max + 1) + " would accept every label of the file");
}

// The files of a CIFAR split, in the order their records are concatenated.
std::vector<std::string> cifar_files(const std::string& dataset_dir, bool cifar100, bool train) {
  const fs::path dir =
      fs::path(dataset_dir) / (cifar100 ? "cifar-100-binary" : "cifar-10-batches-bin");
  if (!fs::is_directory(dir)) {
    throw DataError(dir.string() + ": no such folder (dataset_dir must hold the extracted " +
                    (cifar100 ? "cifar-100-binary.tar.gz" : "cifar-10-binary.tar.gz") + ")");
  }
  if (cifar100) return {(dir / (train ? "train.bin" : "test.bin")).string()};
  if (!train) return {(dir / "test_batch.bin").string()};
  std::vector<std::string> files;
  for (int i = 1; i <= 5; ++i)
    files.push_back((dir / ("data_batch_" + std::to_string(i) + ".bin")).string());
  return files;
}

// A CIFAR split, each file's labels checked against `classes` (< 0: unchecked).
Dataset read_cifar_split(const std::string& dataset_dir, bool cifar100, bool train, int classes) {
  std::vector<Dataset> parts;
  for (const auto& file : cifar_files(dataset_dir, cifar100, train)) {
    parts.push_back(read_cifar_file(file, cifar100));
    if (classes >= 0) check_labels(parts.back(), classes, file);
  }
  return parts.size() == 1 ? parts[0] : concat(parts);
}

torch::Tensor seeded_permutation(int64_t n, std::uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randperm(n, gen, torch::kInt64);
}

}  // namespace

Dataset read_cifar(const std::string& dataset_dir, bool cifar100, bool train) {
  return read_cifar_split(dataset_dir, cifar100, train, -1);
}

Dataset read_idx(const std::string& images_path, const std::string& labels_path) {
  const auto images = read_bytes(images_path);
  if (images.size() < 16 || big_endian(images, 0) != 2051) {
    throw DataError(images_path +
                    ": not an IDX image file (expected magic number 2051 and a "
                    "16-byte header)");
  }
  const std::uint32_t n = big_endian(images, 4);
  const std::uint32_t rows = big_endian(images, 8);
  const std::uint32_t cols = big_endian(images, 12);
  const std::size_t expected = 16 + std::size_t{n} * rows * cols;
  if (images.size() != expected) {
    throw DataError(images_path + ": the header promises " + std::to_string(n) + " images of " +
                    std::to_string(rows) + "x" + std::to_string(cols) + " (" +
                    std::to_string(expected) + " bytes), the file has " +
                    std::to_string(images.size()) + " bytes");
  }
  const auto labels = read_bytes(labels_path);
  if (labels.size() < 8 || big_endian(labels, 0) != 2049) {
    throw DataError(labels_path +
                    ": not an IDX label file (expected magic number 2049 and an "
                    "8-byte header)");
  }
  const std::uint32_t m = big_endian(labels, 4);
  if (m != n || labels.size() != 8 + std::size_t{m}) {
    throw DataError(labels_path + ": expected " + std::to_string(n) + " labels (8 + " +
                    std::to_string(n) + " bytes) to match " + images_path + ", the file has " +
                    std::to_string(labels.size()) + " bytes");
  }
  Dataset d;
  d.images = torch::from_blob(const_cast<unsigned char*>(images.data() + 16),
                              {static_cast<int64_t>(n), 1, static_cast<int64_t>(rows),
                               static_cast<int64_t>(cols)},
                              torch::kUInt8)
                 .clone();
  d.labels = torch::from_blob(const_cast<unsigned char*>(labels.data() + 8),
                              {static_cast<int64_t>(n)}, torch::kUInt8)
                 .to(torch::kInt64);
  return d;
}

Dataset fit_images(const Dataset& data, int size) {
  const int64_t h = data.images.size(2);
  const int64_t w = data.images.size(3);
  if (h == size && w == size) return data;
  if (h >= size && w >= size) {
    // Each output pixel the mean of the input pixels it covers (exact 2x2 blocks for 28 -> 14).
    const torch::Tensor area =
        torch::adaptive_avg_pool2d(data.images.to(torch::kFloat32), {size, size});
    return {area.round().clamp(0, 255).to(torch::kUInt8), data.labels};
  }
  if (h > size || w > size) {
    throw ConfigError("input_size (" + std::to_string(size) + "): the data set's " +
                      std::to_string(h) + "x" + std::to_string(w) +
                      " images are larger in one side only; neither padding nor downscaling "
                      "fits them");
  }
  const int64_t top = (size - h) / 2;
  const int64_t left = (size - w) / 2;
  return {torch::constant_pad_nd(data.images, {left, size - w - left, top, size - h - top}),
          data.labels};
}

Dataset select(const Dataset& data, const torch::Tensor& index) {
  return {data.images.index_select(0, index), data.labels.index_select(0, index)};
}

std::string describe_splits(const Splits& splits, const Config& config, const std::string& device) {
  return option_name(config.dataset) + ": " + std::to_string(splits.train.size()) +
         " training images, " + std::to_string(splits.eval.size()) +
         (splits.eval_is_validation ? " validation" : " test") + " images of " +
         std::to_string(config.input_channels) + "x" + std::to_string(config.input_size) + "x" +
         std::to_string(config.input_size) + "; device " + device;
}

Splits load_splits(const Config& config) {
  Dataset train, test;
  int channels = 0;
  if (config.dataset == DatasetKind::kCifar10 || config.dataset == DatasetKind::kCifar100) {
    const bool cifar100 = config.dataset == DatasetKind::kCifar100;
    train = read_cifar_split(config.dataset_dir, cifar100, true, config.classes);
    test = read_cifar_split(config.dataset_dir, cifar100, false, config.classes);
    channels = 3;
  } else {
    // Looked up one by one so that the first missing file is the one reported.
    const std::string train_images = find_idx(config.dataset_dir, "train-images-idx3-ubyte");
    const std::string train_labels = find_idx(config.dataset_dir, "train-labels-idx1-ubyte");
    const std::string test_images = find_idx(config.dataset_dir, "t10k-images-idx3-ubyte");
    const std::string test_labels = find_idx(config.dataset_dir, "t10k-labels-idx1-ubyte");
    train = read_idx(train_images, train_labels);
    test = read_idx(test_images, test_labels);
    check_labels(train, config.classes, train_labels);
    check_labels(test, config.classes, test_labels);
    channels = 1;
  }
  if (config.input_channels != channels) {
    throw ConfigError("input_channels (" + std::to_string(config.input_channels) + "): must be " +
                      std::to_string(channels) + " for dataset " + option_name(config.dataset));
  }
  // Independent seeded streams: changing one subset size leaves the other's images unchanged.
  if (config.train_subset > 0 && config.train_subset < train.size()) {
    train = select(train, seeded_permutation(train.size(),
                                             derive_seed(config.seed, SeedPurpose::kDataSubset, 1))
                              .narrow(0, 0, config.train_subset));
  }
  if (config.test_subset > 0 && config.test_subset < test.size()) {
    test = select(
        test, seeded_permutation(test.size(), derive_seed(config.seed, SeedPurpose::kDataSubset, 2))
                  .narrow(0, 0, config.test_subset));
  }
  // After the subsets: only the images kept are padded or downscaled (each image alone, so the
  // same ones as before either way).
  train = fit_images(train, config.input_size);
  test = fit_images(test, config.input_size);
  Splits splits;
  if (config.train_portion < 1) {
    const int64_t n = train.size();
    const int64_t n_train = static_cast<int64_t>(static_cast<double>(n) * config.train_portion);
    if (n_train < 1 || n_train >= n) {
      throw ConfigError("train_portion (" + std::to_string(config.train_portion) + "): leaves " +
                        std::to_string(n_train) + " of " + std::to_string(n) +
                        " images for training; both parts must be non-empty");
    }
    const torch::Tensor perm =
        seeded_permutation(n, derive_seed(config.seed, SeedPurpose::kDataSubset, 3));
    splits.train = select(train, perm.narrow(0, 0, n_train));
    splits.eval = select(train, perm.narrow(0, n_train, n - n_train));
    splits.eval_is_validation = true;
  } else {
    splits.train = std::move(train);
    splits.eval = std::move(test);
  }
  return splits;
}

}  // namespace gnas::data
