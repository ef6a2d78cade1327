// Training on a CUDA device: the same network and batch give the CPU's logits and gradients
// within float tolerance, the data set resident on the device gives the CPU's batches, a training
// resumes there, mixed precision trains, and trainings side by side label as one at a time.
// Every test is named *_CUDA and is skipped without a CUDA device (bench/gpu.sh runs them on one:
// gnas_tests --gtest_filter='*_CUDA').
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "gnas/app/train.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/io.hpp"
#include "gnas/data/dataset.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/train/device.hpp"
#include "gnas/train/trainer.hpp"

#include "synthetic_data.hpp"

#define GNAS_SKIP_WITHOUT_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device (or a CPU-only LibTorch)"

namespace gnas {
namespace {

using test::TempDir;

spdlog::logger quiet() {
  return spdlog::logger("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

const torch::Device kCuda(torch::kCUDA, 0);

TrainResult train_on(const Config& config, const torch::Device& device, bool resume,
                     nn::Network* trained = nullptr) {
  const LayerwiseSpace space(MacroShape::from_config(config));
  TrainRunOptions options;
  options.run = "run";
  options.arch = "111-101";
  options.seed = 3;
  options.resume = resume;
  auto log = quiet();
  return train_architecture(space.shape(), space.parse(options.arch), config,
                            data::load_splits(config), device, options, log, trained);
}

TEST(Cuda, ForwardAndBackwardMatchTheCpu_CUDA) {
  GNAS_SKIP_WITHOUT_CUDA();
  TempDir dir;
  const Config c = test::tiny_training_config(dir);
  const LayerwiseSpace space(MacroShape::from_config(c));
  const Architecture arch = space.parse("111-101");
  torch::manual_seed(1);
  nn::Network cpu(space.shape(), arch);
  torch::manual_seed(1);
  nn::Network gpu(space.shape(), arch);
  gpu->to(kCuda);
  const torch::Tensor x = torch::randn({16, 1, 12, 12});
  const torch::Tensor y = torch::randint(0, 4, {16});
  const torch::Tensor loss_cpu = torch::nn::functional::cross_entropy(cpu->forward(x), y);
  const torch::Tensor logits_gpu = gpu->forward(x.to(kCuda));
  const torch::Tensor loss_gpu = torch::nn::functional::cross_entropy(logits_gpu, y.to(kCuda));
  EXPECT_TRUE(torch::allclose(logits_gpu.cpu(), cpu->forward(x), 1e-3, 1e-4));
  loss_cpu.backward();
  loss_gpu.backward();
  const auto gpu_params = gpu->named_parameters();
  for (const auto& p : cpu->named_parameters()) {
    EXPECT_TRUE(torch::allclose(gpu_params[p.key()].grad().cpu(), p.value().grad(), 1e-3, 1e-4))
        << p.key();
  }
}

TEST(Cuda, TheDataSetOnTheDeviceGivesTheCpusBatches_CUDA) {
  GNAS_SKIP_WITHOUT_CUDA();
  TempDir dir;
  const Config c = test::tiny_training_config(dir);
  const data::Splits splits = data::load_splits(c);
  data::Loader cpu(splits.train, c, torch::kCPU, true);
  data::Loader gpu(splits.train, c, kCuda, true);
  at::Generator a = at::detail::createCPUGenerator(5);
  at::Generator b = at::detail::createCPUGenerator(5);
  ASSERT_EQ(cpu.start_epoch(a), gpu.start_epoch(b));
  for (int64_t i = 0; i < 2; ++i) {
    const auto [xc, yc] = cpu.batch(i, a);
    const auto [xg, yg] = gpu.batch(i, b);
    EXPECT_TRUE(xg.is_cuda());
    EXPECT_TRUE(torch::allclose(xg.cpu(), xc, 1e-6, 1e-6)) << "batch " << i;
    EXPECT_TRUE(torch::equal(yg.cpu(), yc)) << "batch " << i;
  }
}

TEST(Cuda, ResumedTrainingEndsWhereAnUninterruptedOneDoes_CUDA) {
  GNAS_SKIP_WITHOUT_CUDA();
  TempDir a, b;
  Config whole = test::tiny_training_config(a);
  whole.epochs = 3;
  const TrainResult uninterrupted = train_on(whole, kCuda, false);
  Config cut = test::tiny_training_config(b);
  cut.epochs = 1;
  train_on(cut, kCuda, false);
  cut.epochs = 3;
  const TrainResult resumed = train_on(cut, kCuda, true);
  EXPECT_EQ(resumed.resumed_from, 1);
  ASSERT_EQ(resumed.history.size(), 3u);
  // cuDNN may pick other algorithms in another process state: equal within float noise
  EXPECT_NEAR(resumed.history.back().train_loss, uninterrupted.history.back().train_loss, 1e-3);
  EXPECT_NEAR(resumed.history.back().eval_top1, uninterrupted.history.back().eval_top1, 0.05);
}

TEST(Cuda, MixedPrecisionTrains_CUDA) {
  GNAS_SKIP_WITHOUT_CUDA();
  for (const MixedPrecision precision : {MixedPrecision::kBf16, MixedPrecision::kFp16}) {
    TempDir dir;
    Config c = test::tiny_training_config(dir);
    c.epochs = 3;
    c.mixed_precision = precision;
    const TrainResult r = train_on(c, kCuda, false);
    ASSERT_EQ(r.history.size(), 3u) << option_name(precision);
    EXPECT_LT(r.history.back().train_loss, r.history.front().train_loss) << option_name(precision);
    EXPECT_GT(r.best_top1, 0.4) << option_name(precision);  // 4 classes: chance is 0.25
  }
}

TEST(Cuda, TrainingsSideBySideLabelAsOneAtATime_CUDA) {
  GNAS_SKIP_WITHOUT_CUDA();
  TempDir one_dir, two_dir;
  Config one = test::tiny_training_config(one_dir);
  Config two = test::tiny_training_config(two_dir);
  for (Config* c : {&one, &two}) {
    c->device = "cuda";
    c->epochs = 1;
    write_file_atomic(c->path_to_architecture, "id,arch\n0,110-011\n1,001-100\n2,111-111\n");
  }
  two.trainings_per_device = 2;
  auto log = quiet();
  run_train_data(one, {}, log);
  run_train_data(two, {}, log);
  const CsvTable a = read_csv(one.path_to_train_data);
  const CsvTable b = read_csv(two.path_to_train_data);
  ASSERT_EQ(a.rows.size(), 3u);
  ASSERT_EQ(b.rows.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(a.rows[r][0], b.rows[r][0]);
    EXPECT_NEAR(std::stod(a.rows[r][a.column("mean")]), std::stod(b.rows[r][b.column("mean")]),
                0.02)
        << "row " << r;
  }
}

}  // namespace
}  // namespace gnas
