#include "gnas/app/labeller.hpp"

#include <torch/torch.h>

#include <mutex>
#include <optional>
#include <vector>

#include "gnas/data/dataset.hpp"
#include "gnas/space/macro.hpp"
#include "gnas/train/device.hpp"
#include "gnas/train/trainer.hpp"

namespace gnas {

namespace {

class TableLabeller : public Labeller {
 public:
  explicit TableLabeller(BenchmarkTable table) : table_(std::move(table)) {}

  double label(const Architecture& arch, const std::string& text, const std::string&, std::uint64_t,
               int) override {
    return table_.accuracy(arch, text) / 100.0;
  }
  int slots() const override { return 1; }
  bool trains() const override { return false; }
  void describe(YAML::Node& summary) const override {
    summary["mode"] = "train_data_lookup";
    summary["benchmark_table"] = table_.path();
  }

 private:
  BenchmarkTable table_;
};

class TrainingLabeller : public Labeller {
 public:
  TrainingLabeller(const Config& config, const SearchSpace& space, bool resume, spdlog::logger& log)
      : config_(config),
        space_(space),
        resume_(resume),
        log_(log),
        devices_(label_devices(config)),
        slots_(static_cast<int>(devices_.size()) * config.trainings_per_device),
        threads_(torch::get_num_threads()) {}
  // The slots set LibTorch's thread count (one per process) to their share; the steps after
  // labelling in the same process (the pipeline's) get the whole count back.
  ~TrainingLabeller() override { torch::set_num_threads(threads_); }
  TrainingLabeller(const TrainingLabeller&) = delete;
  TrainingLabeller& operator=(const TrainingLabeller&) = delete;

  double label(const Architecture& arch, const std::string& text, const std::string& run,
               std::uint64_t seed, int slot) override {
    const torch::Device device = devices_.at(static_cast<std::size_t>(slot) % devices_.size());
    // Trainings side by side on the CPU share its threads (the count is LibTorch's, per process;
    // setting it here also sets this thread's OpenMP team size).
    if (slots_ > 1 && device.is_cpu())
      torch::set_num_threads(threads_per_training(config_, slots_));
    std::call_once(splits_loaded_, [&] {
      splits_ = data::load_splits(config_);
      std::string where;
      for (const auto& d : devices_) where += (where.empty() ? "" : ", ") + describe_device(d);
      if (config_.trainings_per_device > 1)
        where += ", " + std::to_string(config_.trainings_per_device) + " trainings at once on each";
      log_.info("[data] {}", data::describe_splits(*splits_, config_, where));
    });
    TrainRunOptions options;
    options.run = run;
    options.arch = text;
    options.seed = seed;
    options.resume = resume_;
    options.keep_checkpoint = false;
    const TrainResult result = train_architecture(require_macro_shape(space_, "train"), arch,
                                                  config_, *splits_, device, options, log_);
    return training_label(result, config_.labels.measure);
  }
  int slots() const override { return slots_; }
  bool trains() const override { return true; }
  void describe(YAML::Node& summary) const override {
    summary["mode"] = "train_data";
    summary["label_measure"] = option_name(config_.labels.measure);
    summary["devices"] = static_cast<int>(devices_.size());
    summary["trainings_per_device"] = config_.trainings_per_device;
  }

 private:
  const Config& config_;
  const SearchSpace& space_;
  bool resume_;
  spdlog::logger& log_;
  std::vector<torch::Device> devices_;
  int slots_;
  int threads_;
  std::once_flag splits_loaded_;
  std::optional<data::Splits> splits_;
};

}  // namespace

std::optional<BenchmarkTable> load_benchmark_table(const Config& config, const SearchSpace& space,
                                                   spdlog::logger& log) {
  if (config.benchmark_table.empty()) return std::nullopt;
  BenchmarkTable table = BenchmarkTable::load(config.benchmark_table, space);
  log.info("[train] benchmark mode: {} accuracies of {} (best {:.4f} %)", table.size(),
           table.path(), table.best());
  return table;
}

std::unique_ptr<Labeller> make_labeller(const Config& config, const SearchSpace& space, bool resume,
                                        spdlog::logger& log) {
  if (auto table = load_benchmark_table(config, space, log)) {
    return std::make_unique<TableLabeller>(std::move(*table));
  }
  return std::make_unique<TrainingLabeller>(config, space, resume, log);
}

}  // namespace gnas
