#include "gnas/data/loader.hpp"

namespace gnas::data {

Loader::Loader(const Dataset& data, const Config& config, torch::Device device, bool train)
    : images_(data.images.to(device)),
      labels_(data.labels.to(device)),
      device_(device),
      train_(train),
      batch_size_(config.batch_size),
      crop_padding_(config.augment.crop_padding),
      flip_(config.augment.flip),
      channels_last_(config.channels_last) {
  const auto channels = static_cast<int64_t>(config.mean.size());
  mean_ = torch::tensor(std::vector<float>(config.mean.begin(), config.mean.end()))
              .reshape({1, channels, 1, 1})
              .to(device);
  std_ = torch::tensor(std::vector<float>(config.std.begin(), config.std.end()))
             .reshape({1, channels, 1, 1})
             .to(device);
  order_ =
      torch::arange(images_.size(0), torch::TensorOptions().dtype(torch::kInt64).device(device));
}

int64_t Loader::start_epoch(at::Generator& generator) {
  const int64_t n = images_.size(0);
  if (train_) order_ = torch::randperm(n, generator, torch::kInt64).to(device_);
  num_batches_ = (n + batch_size_ - 1) / batch_size_;
  if (train_ && num_batches_ > 1 && n % batch_size_ == 1) --num_batches_;
  return num_batches_;
}

std::pair<torch::Tensor, torch::Tensor> Loader::batch(int64_t i, at::Generator& generator) const {
  const int64_t start = i * batch_size_;
  const int64_t size = std::min<int64_t>(batch_size_, images_.size(0) - start);
  const torch::Tensor index = order_.narrow(0, start, size);
  torch::Tensor x = images_.index_select(0, index);
  if (train_ && crop_padding_ > 0) {
    // Random crop of the zero-padded batch: one gather for rows, one for columns.
    const int64_t p = crop_padding_;
    const int64_t c = x.size(1), h = x.size(2), w = x.size(3);
    const torch::Tensor padded = torch::constant_pad_nd(x, {p, p, p, p});
    const auto cpu_long = torch::TensorOptions().dtype(torch::kInt64);
    const torch::Tensor dy =
        torch::randint(0, 2 * p + 1, {size, 1, 1, 1}, generator, cpu_long).to(device_);
    const torch::Tensor dx =
        torch::randint(0, 2 * p + 1, {size, 1, 1, 1}, generator, cpu_long).to(device_);
    const auto on_device = cpu_long.device(device_);
    const torch::Tensor rows =
        (dy + torch::arange(h, on_device).reshape({1, 1, h, 1})).expand({size, c, h, w + 2 * p});
    const torch::Tensor cols =
        (dx + torch::arange(w, on_device).reshape({1, 1, 1, w})).expand({size, c, h, w});
    x = padded.gather(2, rows).gather(3, cols);
  }
  if (train_ && flip_) {
    const torch::Tensor flip = torch::rand({size, 1, 1, 1}, generator).lt(0.5).to(device_);
    x = torch::where(flip, x.flip({3}), x);
  }
  torch::Tensor input = (x.to(torch::kFloat32).div_(255.0f) - mean_) / std_;
  if (channels_last_) input = input.contiguous(torch::MemoryFormat::ChannelsLast);
  return {input, labels_.index_select(0, index)};
}

}  // namespace gnas::data
