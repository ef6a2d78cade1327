#include "gnas/predictor/predictor.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/predictor/encoding.hpp"
#include "gnas/predictor/models.hpp"

namespace gnas {
namespace {

constexpr const char* kSpecKey = "gnas_predictor";
// Graphs per forward pass: small enough for the GRU products to stay in cache (256 ran 2.6x
// faster than 4096 on the 2-core development machine, docs/benchmarks.md).
constexpr int64_t kPredictChunk = 256;

PredictorNetOptions net_options(const PredictorSpec& s) {
  return PredictorNetOptions()
      .type(s.type)
      .num_nodes(s.num_nodes)
      .feature_dim(s.feature_dim)
      .gene_dim(s.gene_dim)
      .graph_dim(static_cast<int64_t>(s.feature_mean.size()))
      .hidden(s.hidden)
      .blocks(s.blocks)
      .decoder_hidden(s.decoder_hidden)
      .sigmoid(s.sigmoid);
}

std::string spec_yaml(const PredictorSpec& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << option_name(s.type);
  out << YAML::Key << "variant" << YAML::Value << option_name(s.variant);
  out << YAML::Key << "node_features" << YAML::Value << option_name(s.node_features);
  out << YAML::Key << "num_nodes" << YAML::Value << s.num_nodes;
  out << YAML::Key << "feature_dim" << YAML::Value << s.feature_dim;
  out << YAML::Key << "gene_dim" << YAML::Value << s.gene_dim;
  out << YAML::Key << "hidden" << YAML::Value << s.hidden;
  out << YAML::Key << "blocks" << YAML::Value << s.blocks;
  out << YAML::Key << "decoder_hidden" << YAML::Value << s.decoder_hidden;
  out << YAML::Key << "sigmoid" << YAML::Value << s.sigmoid;
  out << YAML::Key << "members" << YAML::Value << s.members;
  out << YAML::Key << "target_offset" << YAML::Value << format_number(s.target_offset);
  out << YAML::Key << "target_scale" << YAML::Value << format_number(s.target_scale);
  out << YAML::Key << "space_fingerprint" << YAML::Value << s.space_fingerprint;
  std::vector<std::string> feature_sets;
  for (const GraphFeatureSet set : s.graph_features) feature_sets.push_back(option_name(set));
  out << YAML::Key << "graph_features" << YAML::Value << YAML::Flow << feature_sets;
  std::vector<std::string> mean, scale;  // exact round trip through text
  for (const double v : s.feature_mean) mean.push_back(format_number(v));
  for (const double v : s.feature_scale) scale.push_back(format_number(v));
  out << YAML::Key << "feature_mean" << YAML::Value << YAML::Flow << mean;
  out << YAML::Key << "feature_scale" << YAML::Value << YAML::Flow << scale;
  out << YAML::EndMap;
  return out.c_str();
}

// An option's value as the file spells it; `key` names it in the error.
template <typename E>
E spec_option(const std::string& name, const std::string& key) {
  const std::optional<E> value = option_from_name<E>(name);
  if (!value) throw DataError(key + " " + name + " is not one of " + option_names<E>());
  return *value;
}

template <typename E>
E spec_option(const YAML::Node& spec, const char* key) {
  return spec_option<E>(spec[key].as<std::string>(), key);
}

PredictorSpec parse_spec(const std::string& text, const std::string& path) {
  try {
    const YAML::Node n = YAML::Load(text);
    PredictorSpec s;
    s.type = spec_option<PredictorType>(n, "type");
    s.variant = spec_option<PredictorVariant>(n, "variant");
    s.node_features = spec_option<NodeFeatures>(n, "node_features");
    s.num_nodes = n["num_nodes"].as<int>();
    s.feature_dim = n["feature_dim"].as<int>();
    s.gene_dim = n["gene_dim"].as<int>();
    s.hidden = n["hidden"].as<int>();
    s.blocks = n["blocks"].as<int>();
    s.decoder_hidden = n["decoder_hidden"].as<int>();
    s.sigmoid = n["sigmoid"].as<bool>();
    s.members = n["members"].as<int>();
    s.target_offset = n["target_offset"].as<double>();
    s.target_scale = n["target_scale"].as<double>();
    s.space_fingerprint = n["space_fingerprint"].as<std::string>();
    if (n["graph_features"]) {  // files written before graph-level features have none
      for (const auto& name : n["graph_features"].as<std::vector<std::string>>()) {
        s.graph_features.push_back(spec_option<GraphFeatureSet>(name, "graph_features"));
      }
      s.feature_mean = n["feature_mean"].as<std::vector<double>>();
      s.feature_scale = n["feature_scale"].as<std::vector<double>>();
    }
    if (s.feature_mean.size() != s.feature_scale.size()) {
      throw DataError("feature_mean and feature_scale differ in length");
    }
    if (s.members < 1) throw DataError("members must be >= 1");
    return s;
  } catch (const std::exception& e) {
    throw DataError(path + ": damaged predictor description (" + e.what() + ")");
  }
}

// The original's state dict (DESIGN 1.6) read as a spec: dimensions from the tensor shapes.
PredictorSpec original_spec(const std::map<std::string, torch::Tensor>& t, const SearchSpace& space,
                            const std::string& path) {
  for (const char* key : {"e.first.weight", "predictor.0.weight", "predictor.2.weight"}) {
    if (!t.count(key)) {
      throw DataError(path + ": neither a gnas predictor nor the original's weights (no " +
                      std::string(key) + ")");
    }
  }
  PredictorSpec s;
  s.hidden = static_cast<int>(t.at("e.first.weight").size(0));
  s.feature_dim = static_cast<int>(t.at("e.first.weight").size(1));
  s.decoder_hidden = static_cast<int>(t.at("predictor.0.weight").size(0));
  s.num_nodes = static_cast<int>(t.at("predictor.0.weight").size(1) / s.hidden);
  s.blocks = 0;
  while (t.count("e.layers." + std::to_string(s.blocks) + ".gru.weight_ih_l0")) ++s.blocks;
  s.gene_dim = flat_encoding_dim(space);
  s.space_fingerprint = space.fingerprint();
  const int n = graph_node_count(space);
  const int f = node_feature_dim(space, NodeFeatures::kDegree);
  if (s.num_nodes != n || s.feature_dim != f) {
    throw DataError(path + ": the original's weights expect graphs of " +
                    std::to_string(s.num_nodes) + " nodes with " + std::to_string(s.feature_dim) +
                    " features; the space " + space.name() + " has " + std::to_string(n) +
                    " nodes with " + std::to_string(f));
  }
  return s;
}

}  // namespace

bool PredictorSpec::operator==(const PredictorSpec& o) const {
  return spec_yaml(*this) == spec_yaml(o);
}

PredictorSpec spec_from_config(const PredictorConfig& config, const SearchSpace& space) {
  PredictorSpec s;
  s.type = config.type;
  s.variant = config.variant;
  const bool tuned = config.variant == PredictorVariant::kTuned;
  s.node_features =
      tuned && config.type == PredictorType::kGnn ? config.node_features : NodeFeatures::kDegree;
  const NodeFeatures mode = s.node_features;
  s.num_nodes = graph_node_count(space);
  s.feature_dim = node_feature_dim(space, mode);
  s.gene_dim = flat_encoding_dim(space);
  if (tuned) {  // the original's dimensions are DESIGN 1.6's, PredictorSpec's defaults
    s.hidden = config.hidden;
    s.blocks = config.blocks;
  }
  s.sigmoid = !tuned;
  s.members = tuned ? config.ensemble : 1;
  s.space_fingerprint = space.fingerprint();
  if (tuned) {
    s.graph_features = config.graph_features;
    const std::vector<GraphFeatureSet>& sets = s.graph_features;
    const std::size_t k = graph_feature_names(space, sets).size();
    s.feature_mean.assign(k, 0.0);  // fit_predictor sets the training set's
    s.feature_scale.assign(k, 1.0);
  }
  return s;
}

Predictor::Predictor(PredictorSpec spec) : spec_(std::move(spec)) {
  for (int i = 0; i < spec_.members; ++i)
    members_.push_back(make_predictor_net(net_options(spec_)));
}

Predictor Predictor::load(const std::string& path, const SearchSpace& space) {
  const c10::IValue value = nn::read_torch_saved(path, "a predictor file (torch.save format)");
  if (!value.isGenericDict()) throw DataError(path + ": not a predictor file (expected a dict)");
  std::map<std::string, torch::Tensor> tensors;
  std::string spec_text;
  for (const auto& entry : value.toGenericDict()) {
    if (!entry.key().isString()) continue;
    if (entry.key().toStringRef() == kSpecKey && entry.value().isString()) {
      spec_text = entry.value().toStringRef();
    } else if (entry.value().isTensor()) {
      tensors[entry.key().toStringRef()] = entry.value().toTensor();
    }
  }
  const bool original = spec_text.empty();
  const PredictorSpec spec =
      original ? original_spec(tensors, space, path) : parse_spec(spec_text, path);
  try {
    const std::vector<GraphFeatureSet>& sets = spec.graph_features;
    const std::size_t k = graph_feature_names(space, sets).size();
    if (k != spec.feature_mean.size()) {
      throw DataError("its " + std::to_string(spec.feature_mean.size()) +
                      " graph-level features "
                      "are not the " +
                      std::to_string(k) + " the space gives");
    }
  } catch (const ConfigError& e) {
    throw DataError(path +
                    ": the predictor needs graph features that the configuration cannot "
                    "supply: " +
                    e.what());
  } catch (const DataError& e) {
    throw DataError(path + ": " + e.what());
  }
  if (spec.space_fingerprint != space.fingerprint()) {
    throw DataError(path + ": the predictor was trained on the search space '" +
                    spec.space_fingerprint + "', the configuration's is '" + space.fingerprint() +
                    "'; train a predictor for this space");
  }
  Predictor predictor(spec);
  for (int m = 0; m < spec.members; ++m) {
    std::map<std::string, torch::Tensor> own;
    const std::string prefix = original ? "" : "member" + std::to_string(m) + ".";
    for (const auto& [name, t] : tensors) {
      if (name.rfind(prefix, 0) == 0) own[name.substr(prefix.size())] = t;
    }
    try {
      predictor.members_[static_cast<std::size_t>(m)]->load_state(own);
    } catch (const DataError& e) {
      throw DataError(path + ": " + e.what());
    }
  }
  return predictor;
}

void Predictor::save(const std::string& path) const {
  c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
  dict.insert(kSpecKey, spec_yaml(spec_));
  for (std::size_t m = 0; m < members_.size(); ++m) {
    const std::string prefix = "member" + std::to_string(m) + ".";
    for (const auto& [name, t] : members_[m]->saved_state()) dict.insert(prefix + name, t);
  }
  const std::vector<char> bytes = torch::pickle_save(dict);
  write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
}

GraphBatch encode_for(const PredictorSpec& spec, const SearchSpace& space,
                      const std::vector<Architecture>& archs) {
  const std::vector<GraphFeatureSet>& sets = spec.graph_features;
  GraphBatch batch = encode_architectures(space, archs, spec.node_features, sets);
  if (!spec.feature_mean.empty()) {
    const torch::Tensor mean =
        torch::tensor(spec.feature_mean, torch::kFloat64).to(torch::kFloat32);
    const torch::Tensor scale =
        torch::tensor(spec.feature_scale, torch::kFloat64).to(torch::kFloat32);
    batch.graph = (batch.graph - mean) / scale;
  }
  return batch;
}

Predictor::Spread Predictor::predict_spread(const SearchSpace& space,
                                            const std::vector<Architecture>& archs) const {
  torch::NoGradGuard no_grad;
  Spread out;
  out.mean.reserve(archs.size());
  out.std.reserve(archs.size());
  for (auto& member : members_) member->eval();
  for (std::size_t start = 0; start < archs.size(); start += kPredictChunk) {
    const std::size_t end = std::min(archs.size(), start + static_cast<std::size_t>(kPredictChunk));
    const GraphBatch batch =
        encode_for(spec_, space,
                   std::vector<Architecture>(archs.begin() + static_cast<long>(start),
                                             archs.begin() + static_cast<long>(end)));
    std::vector<torch::Tensor> outputs;
    for (auto& member : members_) outputs.push_back(member->forward(batch));
    const torch::Tensor accuracy =
        torch::stack(outputs).to(torch::kFloat64) * spec_.target_scale + spec_.target_offset;
    const auto mean = accuracy.mean(0).contiguous();
    // NaN breaks the strict weak ordering every sort of predictions relies on.
    const torch::Tensor finite = torch::isfinite(mean);
    if (!finite.all().item<bool>()) {
      const int64_t bad = torch::logical_not(finite).nonzero()[0][0].item<int64_t>();
      throw DataError("predictor: the prediction for " +
                      space.format(archs[start + static_cast<std::size_t>(bad)]) + " is " +
                      format_number(mean[bad].item<double>()) +
                      ", not a finite number: the predictor file is damaged or was trained on "
                      "extreme values; train it again (train_predictor)");
    }
    const auto std =
        (members_.size() > 1 ? accuracy.std(0, /*unbiased=*/false) : torch::zeros_like(mean))
            .contiguous();
    out.mean.insert(out.mean.end(), mean.data_ptr<double>(),
                    mean.data_ptr<double>() + mean.numel());
    out.std.insert(out.std.end(), std.data_ptr<double>(), std.data_ptr<double>() + std.numel());
  }
  return out;
}

std::vector<double> Predictor::predict(const SearchSpace& space,
                                       const std::vector<Architecture>& archs) const {
  return predict_spread(space, archs).mean;
}

}  // namespace gnas
