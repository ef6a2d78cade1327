#include "gnas/train/trainer.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "gnas/common/clock.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"

#define GNAS_TORCH_AUTOCAST_BY_DEVICE \
  (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))

namespace gnas {

namespace {

namespace fs = std::filesystem;

std::unique_ptr<torch::optim::Optimizer> make_optimizer(nn::Network& net, const Config& config) {
  const OptimState& o = config.optim_state;
  if (o.optimizer == Optimizer::kAdam) {
    return std::make_unique<torch::optim::Adam>(
        net->parameters(), torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
  }
  if (o.optimizer == Optimizer::kRmsprop) {
    return std::make_unique<torch::optim::RMSprop>(
        net->parameters(),
        torch::optim::RMSpropOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay));
  }
  return std::make_unique<torch::optim::SGD>(
      net->parameters(),
      torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay));
}

// A progress line refreshed in place on a terminal; plain log lines every print_freq batches
// otherwise.
class Progress {
 public:
  Progress(spdlog::logger& log, std::string label, int64_t batches, int print_freq)
      : log_(log),
        label_(std::move(label)),
        batches_(batches),
        print_freq_(print_freq),
        tty_(::isatty(STDERR_FILENO) != 0),
        start_(Clock::now()) {}

  void update(int64_t done_batches, int64_t images) {
    const double elapsed = seconds_since(start_);
    const double rate = images / std::max(elapsed, 1e-9);
    const double eta =
        elapsed / static_cast<double>(done_batches) * static_cast<double>(batches_ - done_batches);
    char line[200];
    std::snprintf(line, sizeof line, "%s %3.0f%%  %.0f img/s  ETA %.0f s", label_.c_str(),
                  100.0 * static_cast<double>(done_batches) / static_cast<double>(batches_), rate,
                  eta);
    if (tty_) {
      std::fprintf(stderr, "\r%-78s", line);
      std::fflush(stderr);
    } else if (done_batches % print_freq_ == 0 || done_batches == batches_) {
      log_.info("{}", line);
    }
  }

  void finish() {
    if (tty_) std::fprintf(stderr, "\r%78s\r", "");
  }

 private:
  spdlog::logger& log_;
  std::string label_;
  int64_t batches_;
  int print_freq_;
  bool tty_;
  Clock::time_point start_;
};

// Autocast (mixed_precision) of the forward passes in its scope, on the device's kind; the state
// is the thread's own, so trainings side by side do not see each other's.
class AutocastScope {
 public:
  AutocastScope(MixedPrecision precision, const torch::Device& device)
      : active_(precision != MixedPrecision::kNone), type_(device.type()) {
    if (!active_) return;
    const at::ScalarType dtype = precision == MixedPrecision::kFp16 ? at::kHalf : at::kBFloat16;
    was_enabled_ = enabled();
    set_enabled(true);
#if GNAS_TORCH_AUTOCAST_BY_DEVICE
    at::autocast::set_autocast_dtype(type_, dtype);
#else
    if (type_ == at::kCUDA) {
      at::autocast::set_autocast_gpu_dtype(dtype);
    } else {
      at::autocast::set_autocast_cpu_dtype(dtype);
    }
#endif
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (!active_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_enabled(was_enabled_);
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  // LibTorch 2.4 replaced the per-device functions with ones taking the device type.
  bool enabled() const {
#if GNAS_TORCH_AUTOCAST_BY_DEVICE
    return at::autocast::is_autocast_enabled(type_);
#else
    return type_ == at::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
  }
  void set_enabled(bool on) const {
#if GNAS_TORCH_AUTOCAST_BY_DEVICE
    at::autocast::set_autocast_enabled(type_, on);
#else
    if (type_ == at::kCUDA) {
      at::autocast::set_enabled(on);
    } else {
      at::autocast::set_cpu_enabled(on);
    }
#endif
  }

  bool active_;
  at::DeviceType type_;
  bool was_enabled_ = false;
};

// fp16's dynamic loss scale, as PyTorch's GradScaler keeps it (initial 2^16, x2 after 2,000
// steps without inf/NaN gradients, /2 and the step skipped after one with them), with its CUDA
// kernels; the scale stays on the device, read back once per step.
class LossScaler {
 public:
  explicit LossScaler(const torch::Device& device)
      : scale_(torch::full({1}, 65536.0, torch::dtype(torch::kFloat32).device(device))),
        growth_tracker_(torch::zeros({1}, torch::dtype(torch::kInt32).device(device))),
        found_inf_(torch::zeros({1}, torch::dtype(torch::kFloat32).device(device))) {}

  torch::Tensor scaled(const torch::Tensor& loss) const { return loss * scale_; }

  /// Unscales the gradients, steps unless one is inf/NaN, updates the scale; whether it stepped.
  bool step(torch::optim::Optimizer& optimizer) {
    std::vector<torch::Tensor> grads;
    for (auto& group : optimizer.param_groups()) {
      for (auto& p : group.params()) {
        if (p.grad().defined()) grads.push_back(p.grad());
      }
    }
    found_inf_.zero_();
    const torch::Tensor inv_scale = scale_.to(torch::kFloat64).reciprocal().to(torch::kFloat32);
    at::_amp_foreach_non_finite_check_and_unscale_(grads, found_inf_, inv_scale);
    const bool finite = found_inf_.item<float>() == 0.0F;
    if (finite) optimizer.step();
    at::_amp_update_scale_(scale_, growth_tracker_, found_inf_, 2.0, 0.5, 2000);
    return finite;
  }

 private:
  torch::Tensor scale_;
  torch::Tensor growth_tracker_;
  torch::Tensor found_inf_;
};

}  // namespace

std::string checkpoint_path(const Config& config, const std::string& run) {
  return RunLayout(config).checkpoint(run);
}

double learning_rate(const Config& config, int epoch, int64_t batches_per_epoch) {
  const double lr = config.optim_state.lr;
  if (config.lr_scheduler == LrScheduler::kCosine) {
    return 0.5 * lr * (1 + std::cos(M_PI * epoch / config.epochs));
  }
  if (config.lr_scheduler == LrScheduler::kCosineOriginal) {
    const double t_max =
        static_cast<double>(config.epochs) * static_cast<double>(batches_per_epoch);
    return 0.5 * lr * (1 + std::cos(M_PI * epoch / t_max));
  }
  return lr * std::pow(config.decay_ratio, epoch / config.step_size);
}

Evaluation evaluate_accuracy(nn::Network& net, data::Loader& loader, at::Generator& generator,
                             MixedPrecision precision) {
  torch::NoGradGuard no_grad;
  net->eval();
  const AutocastScope autocast(precision, loader.device());
  int64_t top1 = 0, top5 = 0;
  double loss_sum = 0;
  const int64_t batches = loader.start_epoch(generator);
  for (int64_t b = 0; b < batches; ++b) {
    auto [x, y] = loader.batch(b, generator);
    const torch::Tensor logits = net->forward(x);
    const int64_t k = std::min<int64_t>(5, logits.size(1));
    const torch::Tensor best = std::get<1>(logits.topk(k, 1));
    const torch::Tensor hit = best.eq(y.unsqueeze(1));
    top1 += hit.select(1, 0).sum().item<int64_t>();
    top5 += hit.any(1).sum().item<int64_t>();
    loss_sum += torch::nn::functional::cross_entropy(
                    logits.to(torch::kFloat32), y,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
  }
  const double n = static_cast<double>(loader.num_images());
  return {static_cast<double>(top1) / n, static_cast<double>(top5) / n, loss_sum / n};
}

void recalibrate_batchnorm(nn::Network& net, data::Loader& loader, int64_t batches,
                           at::Generator& generator) {
  std::vector<torch::nn::BatchNorm2dImpl*> layers;
  for (const auto& m : net->modules(/*include_self=*/false)) {
    if (auto* bn = m->as<torch::nn::BatchNorm2d>()) layers.push_back(bn);
  }
  if (layers.empty() || batches <= 0) return;
  std::vector<c10::optional<double>> momentum;
  for (auto* bn : layers) {
    momentum.push_back(bn->options.momentum());
    bn->reset_running_stats();
    bn->options.momentum(c10::nullopt);  // cumulative average over the batches below
  }
  {
    torch::NoGradGuard no_grad;
    net->train();
    const int64_t n = std::min(batches, loader.start_epoch(generator));
    for (int64_t b = 0; b < n; ++b) net->forward(loader.batch(b, generator).first);
  }
  for (std::size_t i = 0; i < layers.size(); ++i) layers[i]->options.momentum(momentum[i]);
}

double training_label(const TrainResult& result, LabelMeasure measure) {
  if (measure == LabelMeasure::kTrainLoss) return std::exp(-result.history.back().train_loss);
  if (measure == LabelMeasure::kEvalLoss) {
    const double loss = result.history.back().eval_loss;
    if (!std::isfinite(loss)) {
      throw DataError("labels.measure (eval_loss): the last epoch's evaluation loss is unknown (a "
                      "checkpoint written before gnas recorded it); train it again without "
                      "--resume");
    }
    return std::exp(-loss);
  }
  return result.best_top1;
}

TrainResult train_architecture(const MacroShape& shape, const Architecture& arch,
                               const Config& config, const data::Splits& splits,
                               torch::Device device, const TrainRunOptions& options,
                               spdlog::logger& log, nn::Network* trained) {
  nn::Network net = [&] {
    // The modules draw their initial weights from LibTorch's global generator: trainings side by
    // side (trainings_per_device, ngpu) take turns, so each network starts from its own seed.
    static std::mutex global_generator;
    const std::lock_guard<std::mutex> lock(global_generator);
    torch::manual_seed(options.seed);
    return nn::Network(shape, arch);
  }();
  net->to(device);
  TrainResult result = train_network(net, config, splits, device, options, log);
  if (trained != nullptr) *trained = net;
  return result;
}

TrainResult train_network(nn::Network& net, const Config& config, const data::Splits& splits,
                          torch::Device device, const TrainRunOptions& options,
                          spdlog::logger& log) {
  const auto start = Clock::now();
  if (config.channels_last) net->to_channels_last();
  auto optimizer = make_optimizer(net, config);
  if (config.mixed_precision == MixedPrecision::kFp16 && !device.is_cuda()) {
    throw ConfigError("mixed_precision (fp16): needs a CUDA device, and the training device is " +
                      device.str() + "; use bf16 or none");
  }
  std::optional<LossScaler> scaler;
  if (config.mixed_precision == MixedPrecision::kFp16) scaler.emplace(device);
  at::Generator generator = at::detail::createCPUGenerator(options.seed);
  data::Loader train_loader(splits.train, config, device, true);
  data::Loader eval_loader(splits.eval, config, device, false);
  // labels.bn_recalibration: training images as evaluation sees them (no augmentation); built
  // only when asked for (on a GPU it holds a second copy of the training split)
  std::optional<data::Loader> calibration_loader;
  if (config.labels.bn_recalibration > 0)
    calibration_loader.emplace(splits.train, config, device, false);
  const std::string ckpt = checkpoint_path(config, options.run);
  const std::string epochs_csv = RunLayout(config).epochs_csv(options.run);

  TrainResult result;
  if (options.resume && fs::exists(ckpt)) {
    result.history =
        load_checkpoint(ckpt, net, *optimizer, generator, {options.arch, options.seed}, device);
    result.resumed_from = static_cast<int>(result.history.size());
    log.info("[train] {}: resumed from {} after epoch {}", options.run, ckpt, result.resumed_from);
  }
  const auto loss_options =
      torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(config.label_smoothing);
  int64_t trained_images = 0;
  double train_seconds = 0;
  for (int epoch = result.resumed_from; epoch < config.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    net->train();
    const int64_t batches = train_loader.start_epoch(generator);
    const double lr = learning_rate(config, epoch, batches);
    for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
    Progress progress(
        log,
        options.run + " epoch " + std::to_string(epoch + 1) + "/" + std::to_string(config.epochs),
        batches, config.print_freq);
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    for (int64_t b = 0; b < batches; ++b) {
      throw_if_stop_requested("in " + options.run + " at epoch " + std::to_string(epoch + 1) +
                              ", batch " + std::to_string(b + 1));
      auto [x, y] = train_loader.batch(b, generator);
      torch::Tensor logits, loss;
      {
        const AutocastScope autocast(config.mixed_precision, device);
        logits = net->forward(x);
        loss = torch::nn::functional::cross_entropy(logits, y, loss_options);
      }
      const double loss_value = loss.item<double>();
      if (!std::isfinite(loss_value)) {
        progress.finish();
        throw TrainingDiverged(options.run + ": the loss became " + format_number(loss_value) +
                               " at epoch " + std::to_string(epoch + 1) + ", batch " +
                               std::to_string(b + 1) + " (lr " + format_number(lr) + ")");
      }
      optimizer->zero_grad();
      if (scaler) {
        scaler->scaled(loss).backward();
        scaler->step(*optimizer);
      } else {
        loss.backward();
        optimizer->step();
      }
      loss_sum += loss_value * static_cast<double>(y.size(0));
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      seen += y.size(0);
      progress.update(b + 1, seen);
    }
    progress.finish();
    const double train_phase = seconds_since(epoch_start);
    if (calibration_loader) {
      at::Generator own = at::detail::createCPUGenerator(options.seed);  // leaves `generator` alone
      recalibrate_batchnorm(net, *calibration_loader, config.labels.bn_recalibration, own);
    }
    const Evaluation evaluation =
        evaluate_accuracy(net, eval_loader, generator, config.mixed_precision);
    const double top1 = evaluation.top1, top5 = evaluation.top5;
    EpochRecord record{epoch + 1,
                       lr,
                       loss_sum / static_cast<double>(seen),
                       static_cast<double>(correct) / static_cast<double>(seen),
                       top1,
                       top5,
                       seconds_since(epoch_start),
                       static_cast<double>(seen) / train_phase,
                       evaluation.loss};
    trained_images += seen;
    train_seconds += train_phase;
    result.history.push_back(record);
    log.info(
        "[train] {} epoch {}/{}: lr {:.6g} loss {:.4f} train top-1 {:.4f} {} top-1 {:.4f} "
        "top-5 {:.4f} ({:.1f} s, {:.0f} img/s)",
        options.run, record.epoch, config.epochs, lr, record.train_loss, record.train_top1,
        splits.eval_is_validation ? "val" : "test", top1, top5, record.seconds,
        record.images_per_second);
    write_epochs_csv(epochs_csv, result.history);
    save_checkpoint(ckpt, net, *optimizer, generator, result.history, {options.arch, options.seed});
  }
  if (result.history.empty()) throw Error(options.run + ": no epoch was trained");
  for (const auto& e : result.history) result.best_top1 = std::max(result.best_top1, e.eval_top1);
  result.final_top1 = result.history.back().eval_top1;
  result.final_top5 = result.history.back().eval_top5;
  result.seconds = seconds_since(start);
  result.images_per_second =
      train_seconds > 0 ? static_cast<double>(trained_images) / train_seconds : 0;
  if (!options.keep_checkpoint) {
    std::error_code ignored;
    fs::remove(ckpt, ignored);
  }
  return result;
}

}  // namespace gnas
