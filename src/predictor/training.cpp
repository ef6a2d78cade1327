#include "gnas/predictor/training.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "gnas/common/clock.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/encoding.hpp"
#include "gnas/predictor/models.hpp"
#include "gnas/space/rng.hpp"

namespace gnas {
namespace {

// A non-finite loss poisons every weight, and with it the ranking the search sorts by.
void refuse_non_finite(double loss, int epoch, double lr) {
  if (!std::isfinite(loss)) {
    throw DataError("predictor training: the loss became " + format_number(loss) + " at epoch " +
                    std::to_string(epoch) + " (lr " + format_number(lr) +
                    "): labels or graph features with extreme values, or a learning rate too high");
  }
}

// Pairwise logistic loss over the pairs of the batch whose targets differ: it pushes the score
// of the better architecture above the other's, whatever the scale (what evolution needs).
torch::Tensor ranking_loss(const torch::Tensor& scores, const torch::Tensor& targets) {
  const torch::Tensor ds = scores.unsqueeze(1) - scores.unsqueeze(0);
  const torch::Tensor better = (targets.unsqueeze(1) > targets.unsqueeze(0)).to(scores.dtype());
  const torch::Tensor pairs = better.sum();
  if (pairs.item<double>() == 0) return scores.sum() * 0;
  return (torch::softplus(-ds) * better).sum() / pairs;
}

torch::Tensor objective(const torch::Tensor& scores, const torch::Tensor& targets,
                        double ranking_weight) {
  torch::Tensor loss = torch::mse_loss(scores, targets);
  if (ranking_weight > 0) loss = loss + ranking_weight * ranking_loss(scores, targets);
  return loss;
}

torch::Tensor index_tensor(const std::vector<std::size_t>& index) {
  std::vector<int64_t> v(index.begin(), index.end());
  return torch::tensor(v, torch::kInt64);
}

std::vector<torch::Tensor> snapshot(PredictorNet& net) {
  std::vector<torch::Tensor> state;
  for (const auto& p : net.parameters()) state.push_back(p.detach().clone());
  return state;
}

void restore(PredictorNet& net, const std::vector<torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  auto params = net.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(state[i]);
}

MemberReport train_member(PredictorNet& net, const PredictorConfig& config, double ranking_weight,
                          const GraphBatch& all, const torch::Tensor& targets, Rng& rng) {
  const std::size_t n = static_cast<std::size_t>(all.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  auto n_val =
      static_cast<std::size_t>(std::lround(config.validation_share * static_cast<double>(n)));
  if (config.validation_share > 0 && n_val == 0 && n >= 4) n_val = 1;
  n_val = std::min(n_val, n - 1);
  std::vector<std::size_t> train_index(order.begin() + static_cast<long>(n_val), order.end());
  const std::vector<std::size_t> val_index(order.begin(), order.begin() + static_cast<long>(n_val));

  MemberReport report;
  report.n_train = train_index.size();
  report.n_validation = n_val;
  GraphBatch val;
  torch::Tensor val_targets;
  if (n_val > 0) {
    val = all.select(index_tensor(val_index));
    val_targets = targets.index_select(0, index_tensor(val_index));
  }
  torch::optim::Adam optimizer(
      net.parameters(), torch::optim::AdamOptions(config.lr).weight_decay(config.weight_decay));
  std::vector<torch::Tensor> best_state;
  double best_loss = 0;
  int since_best = 0;
  const auto batch = static_cast<std::size_t>(config.batch_size);
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    throw_if_stop_requested("in predictor training at epoch " + std::to_string(epoch));
    net.train();
    for (std::size_t i = train_index.size() - 1; i > 0; --i) {
      std::swap(train_index[i], train_index[rng.below(i + 1)]);
    }
    for (std::size_t start = 0; start < train_index.size(); start += batch) {
      const std::vector<std::size_t> part(
          train_index.begin() + static_cast<long>(start),
          train_index.begin() + static_cast<long>(std::min(train_index.size(), start + batch)));
      const torch::Tensor index = index_tensor(part);
      optimizer.zero_grad();
      const torch::Tensor loss =
          objective(net.forward(all.select(index)), targets.index_select(0, index), ranking_weight);
      refuse_non_finite(loss.item<double>(), epoch, config.lr);
      loss.backward();
      optimizer.step();
    }
    report.epochs = epoch;
    if (n_val == 0) continue;
    net.eval();
    double loss = 0;
    {
      torch::NoGradGuard no_grad;
      loss = objective(net.forward(val), val_targets, ranking_weight).item<double>();
    }
    refuse_non_finite(loss, epoch, config.lr);
    if (best_state.empty() || loss < best_loss) {
      best_loss = loss;
      best_state = snapshot(net);
      report.best_epoch = epoch;
      since_best = 0;
    } else if (config.patience > 0 && ++since_best >= config.patience) {
      break;
    }
  }
  if (best_state.empty()) {
    report.best_epoch = report.epochs;
  } else {
    restore(net, best_state);
    report.best_validation_loss = best_loss;
  }
  net.eval();
  return report;
}

}  // namespace

FitResult fit_predictor(const PredictorConfig& config, std::uint64_t seed, const SearchSpace& space,
                        const LabelledSet& train, spdlog::logger& log) {
  const auto start = Clock::now();
  if (train.size() < 2) {
    throw DataError("the predictor needs at least 2 labelled architectures to train on, got " +
                    std::to_string(train.size()));
  }
  PredictorSpec spec = spec_from_config(config, space);
  // Normalised targets: z-scores for a linear head; for the original's sigmoid head, mean -> 0.5
  // and +-3 standard deviations -> 0 and 1, so the sigmoid works in its responsive range.
  const double n = static_cast<double>(train.size());
  const double mean = std::accumulate(train.labels.begin(), train.labels.end(), 0.0) / n;
  double var = 0;
  for (const double y : train.labels) var += (y - mean) * (y - mean);
  const double sd = std::max(std::sqrt(var / n), 1e-4);
  const bool tuned = config.variant == PredictorVariant::kTuned;
  spec.target_offset = !tuned ? 0.0 : spec.sigmoid ? mean - 3 * sd : mean;
  spec.target_scale = !tuned ? 1.0 : spec.sigmoid ? 6 * sd : sd;
  const double ranking_weight = tuned ? config.ranking_weight : 0.0;
  // The original's recipe (DESIGN 1.6), whatever the config says: raw fraction targets under the
  // sigmoid, Adam 1e-4, MSE, batch 1, 50 epochs, no validation split (the last epoch is kept;
  // the original kept the epoch of lowest *test* loss, which gnas never looks at).
  PredictorConfig recipe = config;
  if (!tuned) {
    recipe.lr = 1e-4;
    recipe.batch_size = 1;
    recipe.epochs = 50;
    recipe.validation_share = 0;
    recipe.weight_decay = 0;
    recipe.patience = 0;
  }

  if (!spec.feature_mean.empty()) {  // standardise graph-level features by the training set
    const torch::Tensor raw =
        encode_architectures(space, train.archs, spec.node_features, spec.graph_features).graph;
    const torch::Tensor centre = raw.to(torch::kFloat64).mean(0);
    const torch::Tensor spread = raw.to(torch::kFloat64).std(0, /*unbiased=*/false).clamp_min(1e-6);
    spec.feature_mean.assign(centre.data_ptr<double>(), centre.data_ptr<double>() + centre.numel());
    spec.feature_scale.assign(spread.data_ptr<double>(),
                              spread.data_ptr<double>() + spread.numel());
  }
  const GraphBatch all = encode_for(spec, space, train.archs);
  std::vector<float> t;
  for (const double y : train.labels) {
    t.push_back(static_cast<float>((y - spec.target_offset) / spec.target_scale));
  }
  const torch::Tensor targets = torch::tensor(t);

  std::vector<MemberReport> reports;
  std::vector<std::shared_ptr<PredictorNet>> members;
  for (int m = 0; m < spec.members; ++m) {
    const std::uint64_t s =
        derive_seed(seed, SeedPurpose::kPredictor, static_cast<std::uint64_t>(m));
    torch::manual_seed(s);
    PredictorSpec one = spec;
    one.members = 1;
    Predictor fresh(one);
    PredictorNet& net = *fresh.members()[0];
    members.push_back(fresh.members()[0]);
    if (net.fit_directly(all, targets, recipe, s)) {  // trees: every label, one fit
      MemberReport r;
      r.epochs = r.best_epoch = recipe.trees;
      r.n_train = train.size();
      reports.push_back(r);
      log.info("[predictor] {} model {}/{}: {} labels, {} trees of depth <= {}",
               option_name(spec.type), m + 1, spec.members, r.n_train, recipe.trees,
               recipe.tree_depth);
      continue;
    }
    Rng rng(s);
    reports.push_back(train_member(net, recipe, ranking_weight, all, targets, rng));
    const MemberReport& r = reports.back();
    log.info(
        "[predictor] {} {} network {}/{}: {} train, {} validation labels; {} epochs, kept "
        "epoch {} (validation loss {:.5f})",
        option_name(spec.variant), option_name(spec.type), m + 1, spec.members, r.n_train,
        r.n_validation, r.epochs, r.best_epoch, r.best_validation_loss);
  }
  Predictor predictor(spec);
  predictor.members() = std::move(members);
  const double seconds = seconds_since(start);
  return {std::move(predictor), std::move(reports), seconds};
}

}  // namespace gnas
