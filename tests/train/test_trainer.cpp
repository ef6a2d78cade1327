#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <cmath>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <ATen/CPUGeneratorImpl.h>

#include "gnas/common/csv.hpp"
#include "gnas/data/dataset.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/train/device.hpp"
#include "gnas/train/trainer.hpp"

#include "synthetic_data.hpp"

namespace gnas {
namespace {

using test::TempDir;

spdlog::logger quiet() {
  return spdlog::logger("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

struct Trained {
  nn::Network net{nullptr};
  TrainResult result;
};

Trained train(const Config& config, const std::string& arch_text, bool resume,
              std::uint64_t seed = 3) {
  const LayerwiseSpace space(MacroShape::from_config(config));
  const Architecture arch = space.parse(arch_text);
  torch::manual_seed(seed);
  Trained t;
  t.net = nn::Network(space.shape(), arch);
  TrainRunOptions options;
  options.run = "run";
  options.arch = arch_text;
  options.seed = seed;
  options.resume = resume;
  auto log = quiet();
  t.result = train_network(t.net, config, data::load_splits(config), torch::kCPU, options, log);
  return t;
}

// After recalibration on one batch, eval mode computes what train mode computes on that batch
// (BatchNorm's statistics are the batch's), which the running averages of a fresh network do not.
TEST(Trainer, BatchNormRecalibrationUsesTheCurrentWeightsStatistics) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  const LayerwiseSpace space(MacroShape::from_config(c));
  torch::manual_seed(1);
  nn::Network net(space.shape(), space.parse("110-011"));
  const data::Splits splits = data::load_splits(c);
  data::Loader loader(splits.train, c, torch::kCPU, false);
  at::Generator generator = at::detail::createCPUGenerator(0);
  loader.start_epoch(generator);
  const torch::Tensor x = loader.batch(0, generator).first;
  torch::NoGradGuard no_grad;
  net->train();
  const torch::Tensor batch_stats = net->forward(x);
  net->eval();
  const torch::Tensor before = net->forward(x);
  recalibrate_batchnorm(net, loader, 1, generator);
  net->eval();
  const torch::Tensor after = net->forward(x);
  EXPECT_GT((before - batch_stats).abs().max().item<double>(), 1e-2);
  EXPECT_TRUE(torch::allclose(after, batch_stats, 1e-2, 1e-3));
  for (const auto& m : net->modules(false)) {
    if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
      ASSERT_TRUE(bn->options.momentum().has_value());  // restored
      EXPECT_DOUBLE_EQ(*bn->options.momentum(), 0.1);
    }
  }
}

TEST(Trainer, LearnsTheSyntheticTaskAndRecordsEveryEpoch) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.epochs = 3;
  const Trained t = train(c, "110-011", false);
  ASSERT_EQ(t.result.history.size(), 3u);
  EXPECT_GT(t.result.best_top1, 0.6);  // chance is 0.25
  EXPECT_EQ(t.result.final_top1, t.result.history.back().eval_top1);
  EXPECT_GE(t.result.final_top5, t.result.final_top1);
  EXPECT_GT(t.result.images_per_second, 0);
  const CsvTable epochs = read_csv(dir.file("logs/run/epochs.csv"));
  EXPECT_EQ(epochs.header,
            (std::vector<std::string>{"epoch", "lr", "train_loss", "train_top1", "eval_top1",
                                      "eval_top5", "seconds", "images_per_second", "eval_loss"}));
  ASSERT_EQ(epochs.rows.size(), 3u);
  EXPECT_EQ(epochs.rows[1][1], "0.1");
  EXPECT_TRUE(std::filesystem::exists(checkpoint_path(c, "run")));
}

TEST(Trainer, ResumedTrainingEndsWithTheSameWeights) {
  TempDir a, b;
  Config ca = test::tiny_training_config(a);
  Config cb = test::tiny_training_config(b);
  ca.epochs = 3;
  const Trained whole = train(ca, "111-101", false);
  cb.epochs = 1;  // "interrupted" after one epoch
  train(cb, "111-101", false);
  cb.epochs = 3;
  const Trained resumed = train(cb, "111-101", true);
  EXPECT_EQ(resumed.result.resumed_from, 1);
  ASSERT_EQ(resumed.result.history.size(), 3u);
  EXPECT_EQ(resumed.result.history.back().eval_top1, whole.result.history.back().eval_top1);
  const auto whole_state = whole.net->named_parameters();
  for (const auto& p : resumed.net->named_parameters()) {
    EXPECT_TRUE(torch::equal(p.value(), whole_state[p.key()])) << p.key();
  }
  const auto whole_buffers = whole.net->named_buffers();
  for (const auto& p : resumed.net->named_buffers()) {
    EXPECT_TRUE(torch::equal(p.value(), whole_buffers[p.key()])) << p.key();
  }
}

TEST(Trainer, RefusesTheCheckpointOfAnotherArchitecture) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.epochs = 1;
  train(c, "111-101", false);
  c.epochs = 2;
  EXPECT_THROW(train(c, "100-101", true), DataError);
}

TEST(Trainer, ADivergingLossStopsWithAClearError) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.optim_state.lr = 1e30;
  c.optim_state.momentum = 0;
  try {
    train(c, "010-010", false);
    FAIL() << "no error";
  } catch (const TrainingDiverged& e) {
    EXPECT_NE(std::string(e.what()).find("run: the loss became"), std::string::npos) << e.what();
  }
}

TEST(Trainer, OptimizersAndSchedules) {
  TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.epochs = 10;
  c.optim_state.lr = 0.1;
  c.step_size = 4;
  c.decay_ratio = 0.5;
  EXPECT_DOUBLE_EQ(learning_rate(c, 3), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(c, 4), 0.05);
  EXPECT_DOUBLE_EQ(learning_rate(c, 9), 0.025);
  c.lr_scheduler = LrScheduler::kCosine;
  EXPECT_DOUBLE_EQ(learning_rate(c, 0), 0.1);
  EXPECT_NEAR(learning_rate(c, 5), 0.05, 1e-12);
  // The original's cosine: T_max counted in batches but stepped per epoch, so after 5 of 10
  // epochs of 49 batches the rate has barely moved.
  c.lr_scheduler = LrScheduler::kCosineOriginal;
  EXPECT_NEAR(learning_rate(c, 5, 49), 0.05 * (1 + std::cos(M_PI * 5 / 490.0)), 1e-12);
  EXPECT_GT(learning_rate(c, 9, 49), 0.099);
  c.epochs = 3;
  c.lr_scheduler = LrScheduler::kStep;
  for (const Optimizer optimizer : {Optimizer::kAdam, Optimizer::kRmsprop}) {
    c.optim_state.optimizer = optimizer;
    c.optim_state.lr = 0.003;
    EXPECT_GT(train(c, "110-011", false).result.best_top1, 0.25) << option_name(optimizer);
  }
}

TEST(Trainer, DeviceFollowsTheConfig) {
  Config c;
  c.device = "cpu";
  EXPECT_TRUE(resolve_device(c).is_cpu());
  c.device = "auto";
  c.cuda = false;
  EXPECT_TRUE(resolve_device(c).is_cpu());
  if (!torch::cuda::is_available()) {
    c.device = "cuda:0";
    EXPECT_THROW(resolve_device(c), ConfigError);
  }
}

// ngpu spreads label trainings over CUDA devices; on the CPU or beyond the devices present it is
// refused, naming the key and what was found.
TEST(Trainer, LabelDevicesFollowNgpu) {
  Config c;
  c.device = "cpu";
  ASSERT_EQ(label_devices(c).size(), 1u);
  EXPECT_TRUE(label_devices(c)[0].is_cpu());
  c.ngpu = 2;
  try {
    label_devices(c);
    ADD_FAILURE() << "ngpu 2 on the CPU was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("ngpu (2): the training device is the CPU"),
              std::string::npos)
        << e.what();
  }
  if (torch::cuda::is_available()) {
    c.device = "cuda";
    c.ngpu = static_cast<int>(torch::cuda::device_count()) + 1;
    EXPECT_THROW(label_devices(c), ConfigError);
  }
  c.num_threads = 5;
  EXPECT_EQ(threads_per_training(c, 2), 2);
  EXPECT_EQ(threads_per_training(c, 8), 1);
}

// mixed_precision: bf16 autocast trains on the CPU too (its forward passes in bfloat16, so the
// losses differ from float32's); fp16 needs CUDA, and says so.
TEST(Trainer, MixedPrecision) {
  TempDir a, b;
  Config full = test::tiny_training_config(a);
  Config bf16 = test::tiny_training_config(b);
  bf16.mixed_precision = MixedPrecision::kBf16;
  const Trained f = train(full, "110-011", false);
  const Trained h = train(bf16, "110-011", false);
  ASSERT_EQ(h.result.history.size(), 2u);
  EXPECT_TRUE(std::isfinite(h.result.history.back().train_loss));
  EXPECT_NE(h.result.history.back().train_loss, f.result.history.back().train_loss);
  EXPECT_GT(h.result.best_top1, 0.3);  // 4 classes
  bf16.mixed_precision = MixedPrecision::kFp16;
  try {
    train(bf16, "110-011", false);
    ADD_FAILURE() << "fp16 on the CPU was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("mixed_precision (fp16): needs a CUDA device"),
              std::string::npos)
        << e.what();
  }
}

// LibTorch's own default on the development machine was one intra-op thread of two.
TEST(Trainer, CpuRuntimeUsesEveryAvailableCpuUnlessTold) {
  const int before = torch::get_num_threads();
  Config c;
  configure_cpu_runtime(c);
  EXPECT_EQ(torch::get_num_threads(), available_cpus());
  c.num_threads = 1;
  configure_cpu_runtime(c);
  EXPECT_EQ(torch::get_num_threads(), 1);
  torch::set_num_threads(before);
}

// Large activations served by fresh mmaps were zero-filled by the kernel on every step, which
// made batch-1024 training 5x slower; the runtime keeps them in the heap.
TEST(Trainer, CpuRuntimeKeepsLargeTensorsInTheHeap) {
#ifdef __GLIBC__
  const Config defaults;
  configure_cpu_runtime(defaults);
  const std::size_t mapped = mallinfo2().hblkhd;
  const torch::Tensor big = torch::ones({16 << 20});  // 64 MB, above glibc's 32 MB mmap ceiling
  EXPECT_EQ(mallinfo2().hblkhd, mapped);
  EXPECT_EQ(big.sum().item<double>(), 16 << 20);
#else
  GTEST_SKIP() << "the allocator policy applies to glibc only";
#endif
}

TEST(Trainer, TrainingLabelIsTheBestTop1OrTheLastEpochsLikelihood) {
  TrainResult r;
  r.best_top1 = 0.7;
  r.history.push_back({1, 0.1, 2.0, 0.3, 0.7, 0.9, 1.0, 100.0, 1.5});
  r.history.push_back({2, 0.01, 0.5, 0.8, 0.6, 0.9, 1.0, 100.0, 0.9});
  EXPECT_DOUBLE_EQ(training_label(r, LabelMeasure::kBestTop1), 0.7);
  EXPECT_DOUBLE_EQ(training_label(r, LabelMeasure::kTrainLoss), std::exp(-0.5));
  EXPECT_DOUBLE_EQ(training_label(r, LabelMeasure::kEvalLoss), std::exp(-0.9));
  r.history.back().eval_loss = std::nan("");  // resumed from a checkpoint that predates it
  EXPECT_THROW(training_label(r, LabelMeasure::kEvalLoss), DataError);
}

}  // namespace
}  // namespace gnas
