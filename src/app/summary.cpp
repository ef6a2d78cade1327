#include "gnas/app/summary.hpp"

#include <filesystem>
#include <set>

#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/version.hpp"

namespace gnas::app {

namespace fs = std::filesystem;

namespace {

YAML::Node hashes(const std::vector<std::string>& files) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& f : files) node[f] = file_hash(f);
  return node;
}

// Every path of `recorded` (a map path: hash) still holds that content.
bool unchanged(const YAML::Node& recorded) {
  if (!recorded || !recorded.IsMap()) return false;
  for (const auto& kv : recorded) {
    if (!kv.second.IsScalar() || file_hash(kv.first.Scalar()) != kv.second.Scalar()) return false;
  }
  return true;
}

}  // namespace

std::string summary_path(const Config& config, const std::string& step) {
  return RunLayout(config).summary(step);
}

void write_resolved_config(const Config& config, const std::string& name,
                           const std::string& origin) {
  write_file_atomic(RunLayout(config).resolved_config(name),
                    "# resolved configuration of gnas " + std::string(version()) + " (" +
                        git_hash() + ")\n# " + origin + "\n" + to_yaml(config));
}

std::string file_hash(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return "absent";
  return content_hash(read_file(path));
}

std::string config_hash(const Config& config) {
  Config c = config;
  const Config defaults;
  c.search.rounds = defaults.search.rounds;
  c.search.per_round = defaults.search.per_round;
  c.search.verify = defaults.search.verify;
  c.search.pick = defaults.search.pick;
  c.num_threads = defaults.num_threads;
  c.ngpu = defaults.ngpu;
  c.trainings_per_device = defaults.trainings_per_device;
  c.print_freq = defaults.print_freq;
  return content_hash(to_yaml(c));
}

void write_summary(const Config& config, const std::string& step, const YAML::Node& values,
                   double seconds, const StepRecord& record) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& kv : values) node[kv.first.Scalar()] = kv.second;
  node["step"] = step;
  node["version"] = version();
  node["git_hash"] = git_hash();
  node["seed"] = std::to_string(config.seed);
  node["seconds"] = format_fixed(seconds, 3);
  if (!record.inputs.empty() || !record.outputs.empty()) {
    node["inputs"] = hashes(record.inputs);
    node["outputs"] = hashes(record.outputs);
    node["config_hash"] = config_hash(config);
  }
  YAML::Emitter out;
  out << node;
  write_file_atomic(summary_path(config, step), std::string(out.c_str()) + "\n");
}

bool up_to_date(const Config& config, const std::string& name,
                const std::vector<std::string>& inputs) {
  const std::string path = summary_path(config, name);
  if (!fs::exists(path)) return false;
  YAML::Node summary;
  try {
    summary = YAML::LoadFile(path);
  } catch (const YAML::Exception&) {
    return false;  // unreadable: the step runs again and rewrites it
  }
  const YAML::Node recorded = summary["inputs"];
  if (!recorded || !recorded.IsMap() ||
      recorded.size() != std::set<std::string>(inputs.begin(), inputs.end()).size()) {
    return false;
  }
  for (const auto& input : inputs) {
    if (!recorded[input]) return false;
  }
  return unchanged(recorded) && unchanged(summary["outputs"]) && summary["config_hash"] &&
         summary["config_hash"].Scalar() == config_hash(config);
}

}  // namespace gnas::app
