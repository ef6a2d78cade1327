#pragma once

// YAML reading shared by the configuration and any other YAML input: syntax errors as
// file:line:col, keys given twice refused, `!include` resolved, values at dotted paths.
// Errors are ConfigError, naming the file (or the origin given for text).

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

namespace gnas {

/// A node as one line of YAML (flow style); "null" for a missing or null node.
std::string render_yaml(const YAML::Node& node);

/// Parses `text`; `origin` names it in errors (syntax: origin:line:col; a key given twice in one
/// mapping, which yaml-cpp would keep both of: origin:line).
YAML::Node parse_yaml(const std::string& text, const std::string& origin);

/// Reads and parses a file (a folder or an unreadable file is refused, naming it).
YAML::Node read_yaml_file(const std::filesystem::path& path);

/// `node` with every `!include FILE` replaced by FILE's content, FILE relative to the including
/// file (`base_dir` for `node` itself); includes nest at most 16 deep.
YAML::Node resolve_includes(const YAML::Node& node, const std::filesystem::path& base_dir);

/// "a.b.c" -> {"a", "b", "c"}.
std::vector<std::string> split_dotted(const std::string& key);

/// The node at `parts` under `root`; an undefined node when a part is missing.
YAML::Node find_path(const YAML::Node& root, const std::vector<std::string>& parts);

/// Sets the node at `parts` under `map`, creating the mappings on the way.
void set_path(YAML::Node map, const std::vector<std::string>& parts, const YAML::Node& value);

}  // namespace gnas
