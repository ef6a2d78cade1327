#include "gnas/app/summary.hpp"

#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/version.hpp"

namespace gnas::app {

std::string summary_path(const Config& config, const std::string& step) {
  return join_path(config.log_dir, step + "_summary.yml");
}

void write_summary(const Config& config, const std::string& step, const YAML::Node& values,
                   double seconds) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& kv : values) node[kv.first.Scalar()] = kv.second;
  node["step"] = step;
  node["version"] = version();
  node["git_hash"] = git_hash();
  node["seed"] = std::to_string(config.seed);
  node["seconds"] = format_fixed(seconds, 3);
  YAML::Emitter out;
  out << node;
  write_file_atomic(summary_path(config, step), std::string(out.c_str()) + "\n");
}

}  // namespace gnas::app
