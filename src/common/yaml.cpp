#include "gnas/common/yaml.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "gnas/common/errors.hpp"

namespace gnas {
namespace {

namespace fs = std::filesystem;
using YAML::Node;

// A key given twice in one mapping: yaml-cpp keeps both and a lookup sees only one of them.
void refuse_duplicate_keys(const Node& node, const std::string& origin) {
  if (node.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const int line = kv.first.Mark().line + 1;
      const auto [it, fresh] = first_line.emplace(key, line);
      if (!fresh) {
        throw ConfigError(origin + ":" + std::to_string(line) + ": key '" + key +
                          "' is given twice (also on line " + std::to_string(it->second) +
                          "); keep one of them");
      }
      refuse_duplicate_keys(kv.second, origin);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) refuse_duplicate_keys(item, origin);
  }
}

Node resolve_includes_at(const Node& node, const fs::path& base_dir, int depth) {
  if (depth > 16)
    throw ConfigError("!include nested more than 16 deep (a cycle?) under " + base_dir.string());
  if (node.Tag() == "!include") {
    if (!node.IsScalar())
      throw ConfigError("!include (" + render_yaml(node) + "): must name a file");
    const fs::path target = base_dir / node.Scalar();
    return resolve_includes_at(read_yaml_file(target), target.parent_path(), depth + 1);
  }
  if (node.IsMap()) {
    Node out(YAML::NodeType::Map);
    for (const auto& kv : node)
      out[kv.first.Scalar()] = resolve_includes_at(kv.second, base_dir, depth);
    return out;
  }
  if (node.IsSequence()) {
    Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(resolve_includes_at(item, base_dir, depth));
    out.SetStyle(node.Style());
    return out;
  }
  return node;
}

void set_path_from(Node map, const std::vector<std::string>& parts, std::size_t i,
                   const Node& value) {
  if (i + 1 == parts.size()) {
    map[parts[i]] = value;
    return;
  }
  if (!map[parts[i]].IsMap()) map[parts[i]] = Node(YAML::NodeType::Map);
  set_path_from(map[parts[i]], parts, i + 1, value);
}

}  // namespace

std::string render_yaml(const Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

Node parse_yaml(const std::string& text, const std::string& origin) {
  Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
  }
  refuse_duplicate_keys(root, origin);
  return root;
}

Node read_yaml_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw ConfigError(path.string() + ": is a directory, not a configuration file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path.string() + ": cannot read the configuration file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_yaml(buffer.str(), path.string());
}

Node resolve_includes(const Node& node, const fs::path& base_dir) {
  return resolve_includes_at(node, base_dir, 0);
}

std::vector<std::string> split_dotted(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream ss(key);
  std::string part;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  return parts;
}

Node find_path(const Node& root, const std::vector<std::string>& parts) {
  Node cur(root);
  for (const auto& part : parts) {
    if (!cur.IsMap()) return Node(YAML::NodeType::Undefined);
    const Node next = static_cast<const Node&>(cur)[part];
    if (!next.IsDefined()) return next;
    cur.reset(next);
  }
  return cur;
}

void set_path(Node map, const std::vector<std::string>& parts, const Node& value) {
  set_path_from(std::move(map), parts, 0, value);
}

}  // namespace gnas
