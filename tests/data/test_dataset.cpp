#include <gtest/gtest.h>

#include "gnas/common/errors.hpp"
#include "gnas/data/dataset.hpp"
#include "gnas/data/loader.hpp"

#include "synthetic_data.hpp"

namespace gnas {
namespace {

using test::TempDir;

std::string error_of(const std::function<void()>& f) { return test::error_of<Error>(f); }

TEST(Dataset, ReadsCifar10Binary) {
  TempDir dir;
  test::write_cifar10(dir.path(), 6, 4);
  const data::Dataset train = data::read_cifar(dir.path(), false, true);
  EXPECT_EQ(train.images.sizes(), (std::vector<int64_t>{30, 3, 32, 32}));
  EXPECT_EQ(train.images.dtype(), torch::kUInt8);
  EXPECT_EQ(train.labels[7].item<int64_t>(), 1);  // second batch, second record: label 1
  const data::Dataset test = data::read_cifar(dir.path(), false, false);
  EXPECT_EQ(test.size(), 4);
}

TEST(Dataset, ReadsCifar100FineLabels) {
  TempDir dir;
  test::write_cifar100(dir.path(), 20, 5);
  const data::Dataset train = data::read_cifar(dir.path(), true, true);
  EXPECT_EQ(train.size(), 20);
  EXPECT_EQ(train.labels[1].item<int64_t>(), 37);
}

TEST(Dataset, TruncatedOrMissingFilesNameTheFile) {
  TempDir dir;
  test::write_cifar10(dir.path(), 3, 2);
  const std::string batch = dir.file("cifar-10-batches-bin/data_batch_3.bin");
  std::filesystem::resize_file(batch, 3073 * 2 + 100);
  EXPECT_EQ(error_of([&] { data::read_cifar(dir.path(), false, true); }),
            batch +
                ": 6246 bytes is not a whole number of 3073-byte records (label, 3072 "
                "pixels): truncated or not a CIFAR binary file");
  std::filesystem::remove(batch);
  EXPECT_EQ(error_of([&] { data::read_cifar(dir.path(), false, true); }), batch + ": no such file");
  EXPECT_EQ(error_of([&] { data::read_cifar(dir.path(), true, true); }),
            dir.file("cifar-100-binary") +
                ": no such folder (dataset_dir must hold the extracted cifar-100-binary.tar.gz)");
}

TEST(Dataset, ReadsIdxPlainAndGzip) {
  for (bool gzip : {false, true}) {
    TempDir dir;
    test::write_idx(dir.path(), 10, 5, 28, gzip);
    const std::string ext = gzip ? ".gz" : "";
    const data::Dataset d = data::read_idx(dir.file("train-images-idx3-ubyte" + ext),
                                           dir.file("train-labels-idx1-ubyte" + ext));
    EXPECT_EQ(d.images.sizes(), (std::vector<int64_t>{10, 1, 28, 28}));
    EXPECT_EQ(d.labels[3].item<int64_t>(), 3);
  }
}

TEST(Dataset, MisSizedIdxFilesSayWhatWasExpected) {
  TempDir dir;
  test::write_idx(dir.path(), 10, 5, 28, false);
  const std::string images = dir.file("train-images-idx3-ubyte");
  std::filesystem::resize_file(images, 16 + 784 * 9);
  EXPECT_EQ(
      error_of([&] { data::read_idx(images, dir.file("train-labels-idx1-ubyte")); }),
      images + ": the header promises 10 images of 28x28 (7856 bytes), the file has 7072 bytes");
  EXPECT_EQ(error_of([&] {
              data::read_idx(dir.file("t10k-labels-idx1-ubyte"),
                             dir.file("train-labels-idx1-ubyte"));
            }),
            dir.file("t10k-labels-idx1-ubyte") +
                ": not an IDX image file (expected magic number 2051 and a 16-byte header)");
  // A truncated gzip stream is an error too, not a silently short data set.
  TempDir gz;
  test::write_idx(gz.path(), 50, 5, 28, true);
  const std::string gz_images = gz.file("train-images-idx3-ubyte.gz");
  std::filesystem::resize_file(gz_images, std::filesystem::file_size(gz_images) / 2);
  EXPECT_NE(
      error_of([&] {
        data::read_idx(gz_images, gz.file("train-labels-idx1-ubyte.gz"));
      }).find(gz_images + ": cannot decompress (unexpected end of the gzip stream): truncated"),
      std::string::npos);
}

TEST(Dataset, SplitsApplySubsetsPaddingAndValidation) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.input_size = 16;
  c.train_subset = 100;
  c.test_subset = 20;
  data::Splits s = data::load_splits(c);
  EXPECT_EQ(s.train.images.sizes(), (std::vector<int64_t>{100, 1, 16, 16}));
  EXPECT_EQ(s.eval.size(), 20);
  EXPECT_FALSE(s.eval_is_validation);
  EXPECT_EQ(s.train.images.select(2, 0).sum().item<int64_t>(), 0);  // zero padding on top
  c.train_portion = 0.75;
  s = data::load_splits(c);
  EXPECT_EQ(s.train.size(), 75);
  EXPECT_EQ(s.eval.size(), 25);
  EXPECT_TRUE(s.eval_is_validation);
  // The same seed gives the same subset.
  EXPECT_TRUE(torch::equal(data::load_splits(c).train.labels, s.train.labels));
}

// Smaller images are zero-padded, larger ones area-downscaled: each pixel the rounded mean of the
// block it covers; images larger in one side only fit neither way.
TEST(Dataset, ImagesArePaddedOrAreaDownscaledToInputSize) {
  const torch::Tensor pixels =
      torch::tensor({0, 2, 10, 20, 4, 6, 30, 41, 100, 100, 7, 7, 100, 101, 7, 8}, torch::kUInt8)
          .reshape({1, 1, 4, 4});
  const data::Dataset d{pixels, torch::tensor({3}, torch::kInt64)};
  const data::Dataset small = data::fit_images(d, 2);
  EXPECT_TRUE(torch::equal(small.images,
                           torch::tensor({3, 25, 100, 7}, torch::kUInt8).reshape({1, 1, 2, 2})))
      << small.images;  // (0+2+4+6)/4, (10+20+30+41)/4 = 25.25, 100.25, 7.25
  EXPECT_EQ(small.labels[0].item<int64_t>(), 3);
  const data::Dataset padded = data::fit_images(d, 6);
  EXPECT_EQ(padded.images.sizes(), (std::vector<int64_t>{1, 1, 6, 6}));
  EXPECT_TRUE(torch::equal(padded.images.slice(2, 1, 5).slice(3, 1, 5), pixels));
  EXPECT_EQ(padded.images.sum().item<int64_t>(), pixels.sum().item<int64_t>());
  EXPECT_TRUE(torch::equal(data::fit_images(d, 4).images, pixels));
  const data::Dataset wide{torch::zeros({1, 1, 2, 6}, torch::kUInt8), d.labels};
  EXPECT_EQ(error_of([&] { data::fit_images(wide, 4); }),
            "input_size (4): the data set's 2x6 images are larger in one side only; neither "
            "padding nor downscaling fits them");
  // Through the loader: the generated 12x12 images at 6x6.
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.input_size = 6;
  const data::Splits splits = data::load_splits(c);
  EXPECT_EQ(splits.train.images.size(2), 6);
  EXPECT_EQ(splits.eval.images.size(3), 6);
}

TEST(Dataset, ContradictionsWithTheConfigAreConfigErrors) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.input_channels = 3;
  c.mean = {0, 0, 0};
  c.std = {1, 1, 1};
  EXPECT_EQ(error_of([&] { data::load_splits(c); }),
            "input_channels (3): must be 1 for dataset fashion_mnist");
  c = test::tiny_training_config(dir);
  c.classes = 3;
  {
    // The file, the first record outside the classes, its label, and the setting that fits.
    const std::string message = error_of([&] { data::load_splits(c); });
    const std::string file = c.dataset_dir + "/train-labels-idx1-ubyte";
    EXPECT_EQ(message.rfind(file, 0), 0u) << message;
    EXPECT_NE(message.find(": record "), std::string::npos) << message;
    EXPECT_NE(message.find(" (0-based) holds label "), std::string::npos) << message;
    EXPECT_NE(message.find(", outside 0..2 of classes (3); classes: "), std::string::npos)
        << message;
  }
  c = test::tiny_training_config(dir);
  c.dataset_dir = dir.file("nowhere");
  const std::string missing = error_of([&] { data::load_splits(c); });
  EXPECT_NE(missing.find("train-images-idx3-ubyte[.gz]: no such file"), std::string::npos)
      << missing;
}

TEST(Loader, EvaluationBatchesAreTheNormalisedImagesInOrder) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.batch_size = 50;
  const data::Splits s = data::load_splits(c);
  data::Loader loader(s.eval, c, torch::kCPU, false);
  at::Generator gen = at::detail::createCPUGenerator(0);
  EXPECT_EQ(loader.start_epoch(gen), 2);
  auto [x, y] = loader.batch(1, gen);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{14, 1, 12, 12}));
  const torch::Tensor expected =
      (s.eval.images.narrow(0, 50, 14).to(torch::kFloat32) / 255 - 0.2) / 0.3;
  EXPECT_TRUE(torch::allclose(x, expected, 1e-5, 1e-5));
  EXPECT_TRUE(torch::equal(y, s.eval.labels.narrow(0, 50, 14)));
}

TEST(Loader, TrainingBatchesAreShuffledCroppedAndFlippedDeterministically) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.batch_size = 255;  // 256 images: the last batch of one is dropped
  const data::Splits s = data::load_splits(c);
  data::Loader loader(s.train, c, torch::kCPU, true);
  at::Generator a = at::detail::createCPUGenerator(5), b = at::detail::createCPUGenerator(5);
  EXPECT_EQ(loader.start_epoch(a), 1);
  const auto [xa, ya] = loader.batch(0, a);
  loader.start_epoch(b);
  const auto [xb, yb] = loader.batch(0, b);
  EXPECT_TRUE(torch::equal(xa, xb));
  EXPECT_TRUE(torch::equal(ya, yb));
  EXPECT_FALSE(torch::equal(ya, s.train.labels.narrow(0, 0, 255)));  // shuffled
  // Every augmented image is a shifted (and maybe mirrored) copy: its bright pixels are those of
  // the original, and the crop pads with zeros (normalised: -0.2 / 0.3).
  const float zero = -0.2f / 0.3f;
  EXPECT_TRUE(xa.min().item<float>() >= zero - 1e-5);
  EXPECT_GT((xa - zero).abs().lt(1e-5).sum().item<int64_t>(), 0);
  c.augment.crop_padding = 0;
  c.augment.flip = false;
  data::Loader plain(s.train, c, torch::kCPU, true);
  at::Generator g = at::detail::createCPUGenerator(5);
  plain.start_epoch(g);
  const auto [xp, yp] = plain.batch(0, g);
  const torch::Tensor raw =
      (s.train.images
               .index_select(0,
                             torch::randperm(256, at::detail::createCPUGenerator(5), torch::kInt64)
                                 .narrow(0, 0, 255))
               .to(torch::kFloat32) /
           255 -
       0.2) /
      0.3;
  EXPECT_TRUE(torch::allclose(xp, raw, 1e-5, 1e-5));
}

}  // namespace
}  // namespace gnas
