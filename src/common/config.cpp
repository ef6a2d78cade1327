#include "gnas/common/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/yaml.hpp"

namespace gnas {
namespace {

namespace fs = std::filesystem;
using YAML::Node;

// A field that cannot be decoded; collected, then reported with all the others.
struct FieldError {
  std::string message;
};

[[noreturn]] void reject(const std::string& key, const Node& node, const std::string& rule) {
  throw FieldError{key + " (" + render_yaml(node) + "): " + rule};
}

long long decode_integer(const Node& node, const std::string& key) {
  if (!node.IsScalar()) reject(key, node, "must be an integer");
  const std::string& s = node.Scalar();
  long long v = 0;
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(first, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    reject(key, node, "must be an integer");
  }
  return v;
}

double decode_number(const Node& node, const std::string& key) {
  if (!node.IsScalar() || node.Scalar().empty()) reject(key, node, "must be a number");
  const std::string& s = node.Scalar();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v))
    reject(key, node, "must be a finite number");
  return v;
}

template <typename T, typename = void>
struct Codec;

template <>
struct Codec<bool> {
  static const char* name() { return "bool"; }
  static bool decode(const Node& node, const std::string& key) {
    bool v = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) {
      reject(key, node, "must be true or false");
    }
    return v;
  }
  static Node encode(bool v) { return Node(v); }
};

template <>
struct Codec<int> {
  static const char* name() { return "int"; }
  static int decode(const Node& node, const std::string& key) {
    const long long v = decode_integer(node, key);
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      reject(key, node, "must fit in a 32-bit integer");
    }
    return static_cast<int>(v);
  }
  static Node encode(int v) { return Node(v); }
};

template <>
struct Codec<std::uint64_t> {
  static const char* name() { return "uint64"; }
  static std::uint64_t decode(const Node& node, const std::string& key) {
    if (!node.IsScalar()) reject(key, node, "must be a non-negative integer");
    const std::string& s = node.Scalar();
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      reject(key, node, "must be a non-negative integer");
    }
    return v;
  }
  static Node encode(std::uint64_t v) { return Node(std::to_string(v)); }
};

template <>
struct Codec<double> {
  static const char* name() { return "float"; }
  static double decode(const Node& node, const std::string& key) {
    return decode_number(node, key);
  }
  static Node encode(double v) { return Node(format_number(v)); }
};

template <>
struct Codec<std::string> {
  static const char* name() { return "string"; }
  static std::string decode(const Node& node, const std::string& key) {
    if (!node.IsScalar()) reject(key, node, "must be a string");
    // YAML is Unicode text: other bytes would be written back as U+FFFD, another value
    if (!is_utf8(node.Scalar())) reject(key, node, "must be UTF-8 text");
    return node.Scalar();
  }
  static Node encode(const std::string& v) { return Node(v); }
};

template <typename T>
struct Codec<std::vector<T>> {
  static std::string name() { return std::string("list of ") + Codec<T>::name(); }
  static std::vector<T> decode(const Node& node, const std::string& key) {
    if (!node.IsSequence()) reject(key, node, "must be a list");
    std::vector<T> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
      out.push_back(Codec<T>::decode(node[i], key + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
  static Node encode(const std::vector<T>& v) {
    Node node(YAML::NodeType::Sequence);
    for (const auto& x : v) node.push_back(Codec<T>::encode(x));
    node.SetStyle(YAML::EmitterStyle::Flow);
    return node;
  }
};

// An option is written as one of its names.
template <typename E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static std::string name() {
    std::string names;
    for (const auto& [v, n] : OptionNames<E>::kValues)
      names += (names.empty() ? "" : " | ") + std::string(n);
    return names;
  }
  static E decode(const Node& node, const std::string& key) {
    const std::optional<E> value =
        node.IsScalar() ? option_from_name<E>(node.Scalar()) : std::nullopt;
    if (!value) reject(key, node, "must be one of " + option_names<E>());
    return *value;
  }
  static Node encode(E v) { return Node(option_name(v)); }
};

// A layer is written [out_channels, stride] like the original, or as a mapping.
template <>
struct Codec<LayerConfig> {
  static const char* name() { return "[out_channels, stride]"; }
  static LayerConfig decode(const Node& node, const std::string& key) {
    LayerConfig layer;
    if (node.IsSequence()) {
      if (node.size() != 2) reject(key, node, "must be [out_channels, stride]");
      layer.out_channels = Codec<int>::decode(node[0], key + ".out_channels");
      layer.stride = Codec<int>::decode(node[1], key + ".stride");
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        const std::string sub = kv.first.Scalar();
        if (sub != "out_channels" && sub != "stride") {
          reject(key + "." + sub, kv.second, "unknown key (known: out_channels, stride)");
        }
      }
      if (node["out_channels"]) {
        layer.out_channels = Codec<int>::decode(node["out_channels"], key + ".out_channels");
      }
      if (node["stride"]) layer.stride = Codec<int>::decode(node["stride"], key + ".stride");
    } else {
      reject(key, node, "must be [out_channels, stride]");
    }
    return layer;
  }
  static Node encode(const LayerConfig& v) {
    Node node(YAML::NodeType::Sequence);
    node.push_back(v.out_channels);
    node.push_back(v.stride);
    node.SetStyle(YAML::EmitterStyle::Flow);
    return node;
  }
};

// --- rules: what a key's value must be, declared with the key ----------------------------------
// A rule has a text (shown by --help and in the README's key table) and a test that adds
// "key (value): must ..." to the errors. The test sees the whole Config for rules across keys.

using Errors = std::vector<std::string>;

template <typename T>
std::string shown(const T& value) {
  return render_yaml(Codec<T>::encode(value));
}

// A numeric range; an open end is +-infinity.
struct Range {
  double lo;
  double hi;
  bool lo_in;
  bool hi_in;
  std::string text() const {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    if (hi == kInf) return (lo_in ? ">= " : "> ") + format_number(lo);
    return std::string("in ") + (lo_in ? "[" : "(") + format_number(lo) + ", " + format_number(hi) +
           (hi_in ? "]" : ")");
  }
  template <typename T>
  void operator()(const std::string& key, const T& v, const Config&, Errors& errors) const {
    const double x = static_cast<double>(v);
    if (!((lo_in ? x >= lo : x > lo) && (hi_in ? x <= hi : x < hi))) {
      errors.push_back(key + " (" + shown(v) + "): must be " + text());
    }
  }
};

Range at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), true, true}; }
Range above(double lo) { return {lo, std::numeric_limits<double>::infinity(), false, true}; }
// in_range("[)", 0, 1): the brackets say which ends belong to the range
Range in_range(const char* brackets, double lo, double hi) {
  return {lo, hi, brackets[0] == '[', brackets[1] == ']'};
}

// A string or a list that must hold something; `why` is the rule's wording.
struct NotEmpty {
  std::string why;
  std::string text() const { return why; }
  template <typename T>
  void operator()(const std::string& key, const T& v, const Config&, Errors& errors) const {
    if (v.empty()) errors.push_back(key + " (" + shown(v) + "): " + why);
  }
};

NotEmpty not_empty(std::string why = "must not be empty") { return {std::move(why)}; }

// A rule applied to every element of a list, as key[i].
template <typename R>
struct Each {
  R rule;
  std::string text() const { return "each " + rule.text(); }
  template <typename T>
  void operator()(const std::string& key, const std::vector<T>& v, const Config& c,
                  Errors& errors) const {
    for (std::size_t i = 0; i < v.size(); ++i)
      rule(key + "[" + std::to_string(i) + "]", v[i], c, errors);
  }
};

template <typename R>
Each<R> each(R rule) {
  return {std::move(rule)};
}

// No element of a list twice.
struct Distinct {
  std::string text() const { return "no repeats"; }
  template <typename T>
  void operator()(const std::string& key, const std::vector<T>& v, const Config&,
                  Errors& errors) const {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (std::find(v.begin(), v.begin() + static_cast<long>(i), v[i]) !=
          v.begin() + static_cast<long>(i)) {
        errors.push_back(key + "[" + std::to_string(i) + "] (" + shown(v[i]) +
                         "): appears more than once");
      }
    }
  }
};

constexpr Distinct distinct() { return {}; }

// Any other rule: `test(value, config)` returns "" when the value is right, else the rule it
// breaks ("must be ..."), which may name other keys' values.
template <typename F>
struct Check {
  std::string summary;
  F test;
  std::string text() const { return summary; }
  template <typename T>
  void operator()(const std::string& key, const T& v, const Config& c, Errors& errors) const {
    const std::string why = test(v, c);
    if (!why.empty()) errors.push_back(key + " (" + shown(v) + "): " + why);
  }
};

template <typename F>
Check<F> check(std::string summary, F test) {
  return {std::move(summary), std::move(test)};
}

struct Field {
  std::string key;
  std::string type;
  std::string doc;
  std::string rules;  ///< the rules' texts, "; "-separated; "" = any value of the type
  std::function<void(Config&, const Node&)> read;
  std::function<Node(const Config&)> write;
  std::function<bool(const Config&, const Config&)> equal;
  std::function<void(const Config&, Errors&)> validate;
};

template <typename Access, typename... Rules>
Field make_field(std::string key, Access access, std::string doc, Rules... rules) {
  using T = std::decay_t<decltype(access(std::declval<Config&>()))>;
  Field f{key, Codec<T>::name(), std::move(doc), "", {}, {}, {}, {}};
  for (const std::string& text : {std::string(), rules.text()...}) {
    if (!text.empty()) f.rules += (f.rules.empty() ? "" : "; ") + text;
  }
  f.read = [key, access](Config& c, const Node& node) { access(c) = Codec<T>::decode(node, key); };
  f.write = [access](const Config& c) { return Codec<T>::encode(access(c)); };
  f.equal = [access](const Config& a, const Config& b) { return access(a) == access(b); };
  f.validate = [key, access, rules...](const Config& c, Errors& errors) {
    static_cast<void>(access);  // a key without rules does not call it
    (rules(key, access(c), c, errors), ...);
  };
  return f;
}

// mean and std: one value per input channel.
auto values_per_channel() {
  return check("one value per input channel", [](const std::vector<double>& v, const Config& c) {
    return static_cast<int>(v.size()) == c.input_channels
               ? std::string()
               : "must have input_channels (" + std::to_string(c.input_channels) + ") values";
  });
}

// l_cfgs: each layer's channels and stride; skip's factorized reduce halves the channels.
struct LayerRules {
  std::string text() const {
    return "out_channels >= 1, stride 1 or 2, out_channels even at stride 2 when ops_name has skip";
  }
  void operator()(const std::string& key, const std::vector<LayerConfig>& layers, const Config& c,
                  Errors& errors) const {
    const bool has_skip =
        std::find(c.ops_name.begin(), c.ops_name.end(), OpKind::kSkip) != c.ops_name.end();
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const std::string at = key + "[" + std::to_string(i) + "]";
      const LayerConfig& layer = layers[i];
      if (layer.out_channels < 1) {
        errors.push_back(at + ".out_channels (" + std::to_string(layer.out_channels) +
                         "): must be >= 1");
      }
      if (layer.stride != 1 && layer.stride != 2) {
        errors.push_back(at + ".stride (" + std::to_string(layer.stride) + "): must be 1 or 2");
      }
      if (has_skip && layer.stride == 2 && layer.out_channels % 2 != 0) {
        errors.push_back(
            at + ".out_channels (" + std::to_string(layer.out_channels) +
            "): must be even when stride is 2 (skip's factorized reduce splits it in halves)");
      }
    }
  }
};

LayerRules layer_rules() { return {}; }

// A top-level key's field, and a section's (config_keys.hpp: X(S, type, name, default, doc,
// rules...)); the member's initialiser is the default, so the field needs only the rest.
#define GNAS_TOP_FIELD(S, type, name, default_value, ...) \
  make_field(                                             \
      #name, [](auto& c) -> auto& { return c.name; }, __VA_ARGS__),
#define GNAS_SECTION_FIELD(S, type, name, default_value, ...) \
  make_field(                                                 \
      #S "." #name, [](auto& c) -> auto& { return c.S.name; }, __VA_ARGS__),

// Every key, in the order of a written config. --help, the README's key table
// (config_keys_markdown), the validator, equality and the YAML reader and writer are all made
// from this list.
const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      GNAS_KEYS_ENVIRONMENT(GNAS_TOP_FIELD, )                 //
      GNAS_KEYS_FILES(GNAS_TOP_FIELD, )                       //
      GNAS_KEYS_DATA(GNAS_TOP_FIELD, )                        //
      GNAS_KEYS_OPTIM_STATE(GNAS_SECTION_FIELD, optim_state)  //
      GNAS_KEYS_TRAINING(GNAS_TOP_FIELD, )                    //
      GNAS_KEYS_AUGMENT(GNAS_SECTION_FIELD, augment)          //
      GNAS_KEYS_LABELS(GNAS_SECTION_FIELD, labels)            //
      GNAS_KEYS_SPACE(GNAS_TOP_FIELD, )                       //
      GNAS_KEYS_BUDGETS(GNAS_TOP_FIELD, )                     //
      GNAS_KEYS_SAMPLING(GNAS_SECTION_FIELD, sampling)        //
      GNAS_KEYS_LATENCY(GNAS_SECTION_FIELD, latency)          //
      GNAS_KEYS_PREDICTOR(GNAS_SECTION_FIELD, predictor)      //
      GNAS_KEYS_EVOLUTION(GNAS_SECTION_FIELD, evolution)      //
      GNAS_KEYS_PROXIES(GNAS_SECTION_FIELD, proxies)          //
      GNAS_KEYS_SEARCH(GNAS_SECTION_FIELD, search)            //
  };
  return kFields;
}

#undef GNAS_TOP_FIELD
#undef GNAS_SECTION_FIELD

std::set<std::string> section_names() {
  std::set<std::string> sections;
  for (const auto& f : fields()) {
    const auto dot = f.key.find('.');
    if (dot != std::string::npos) sections.insert(f.key.substr(0, dot));
  }
  return sections;
}

const Field* find_field(const std::string& key) {
  for (const auto& f : fields()) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

std::string closest_key(const std::string& key) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  const auto leaf = [](const std::string& k) { return k.substr(k.rfind('.') + 1); };
  for (const auto& f : fields()) {
    const std::size_t d =
        std::min(edit_distance(key, f.key), edit_distance(leaf(key), leaf(f.key)) + 1);
    if (d < best_distance) {
      best_distance = d;
      best = f.key;
    }
  }
  return best;
}

std::string unknown_key_line(const std::string& key) {
  return "unknown key '" + key + "' (did you mean '" + closest_key(key) + "'?)";
}

void apply_override(Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set " + assignment + ": expected dotted.key=value");
  }
  const std::string key = assignment.substr(0, eq);
  if (!find_field(key)) throw ConfigError("--set: " + unknown_key_line(key));
  const Node value = parse_yaml(assignment.substr(eq + 1), "--set " + key);
  set_path(root, split_dotted(key), value);
}

void collect_unknown(const Node& map, const std::string& prefix,
                     const std::set<std::string>& sections, std::vector<std::string>& unknown,
                     std::vector<std::string>& errors) {
  for (const auto& kv : map) {
    const std::string key = prefix + kv.first.Scalar();
    if (find_field(key)) continue;
    if (sections.count(key)) {
      if (kv.second.IsMap()) {
        collect_unknown(kv.second, key + ".", sections, unknown, errors);
      } else if (!kv.second.IsNull()) {
        errors.push_back(key + " (" + render_yaml(kv.second) + "): must be a mapping of keys");
      }
      continue;
    }
    unknown.push_back(key);
  }
}

Config decode_tree(const Node& root, const std::string& origin) {
  if (!root.IsMap()) throw ConfigError(origin + ": the top level must be a mapping of keys");
  std::vector<std::string> unknown;
  std::vector<std::string> errors;
  collect_unknown(root, "", section_names(), unknown, errors);
  if (!unknown.empty()) {
    std::string msg = origin + ": " + std::to_string(unknown.size()) +
                      " unknown configuration key" + (unknown.size() > 1 ? "s" : "") + ":";
    for (const auto& key : unknown) msg += "\n  " + unknown_key_line(key);
    throw ConfigError(msg);
  }
  Config config;
  std::vector<std::string> undecoded;
  for (const auto& f : fields()) {
    const Node node = find_path(root, split_dotted(f.key));
    if (!node.IsDefined()) continue;
    try {
      f.read(config, node);
    } catch (const FieldError& e) {
      errors.push_back(e.message);
      undecoded.push_back(f.key);
    }
  }
  // A key that could not be read keeps its default; rules about that default would only confuse.
  for (auto& e : validation_errors(config)) {
    const bool about_undecoded =
        std::any_of(undecoded.begin(), undecoded.end(), [&e](const auto& k) {
          return e.rfind(k + " (", 0) == 0 || e.rfind(k + "[", 0) == 0 || e.rfind(k + ".", 0) == 0;
        });
    if (!about_undecoded) errors.push_back(std::move(e));
  }
  if (!errors.empty()) {
    std::string msg = origin + ": invalid configuration:";
    for (const auto& e : errors) msg += "\n  " + e;
    throw ConfigError(msg);
  }
  return config;
}

Config load_tree(Node root, const std::string& origin, const fs::path& base_dir,
                 const std::vector<std::string>& overrides) {
  root = resolve_includes(root, base_dir);
  if (root.IsNull()) root = Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(origin + ": the top level must be a mapping of keys");
  for (const auto& o : overrides) apply_override(root, o);
  return decode_tree(root, origin);
}

}  // namespace

bool Config::operator==(const Config& o) const {
  const auto& all = fields();
  return std::all_of(all.begin(), all.end(), [&](const Field& f) { return f.equal(*this, o); });
}

const std::vector<ConfigKeyDoc>& config_keys() {
  static const std::vector<ConfigKeyDoc> kDocs = [] {
    std::vector<ConfigKeyDoc> docs;
    const Config defaults;
    for (const auto& f : fields()) {
      const Node value = f.write(defaults);
      docs.push_back({f.key, f.type, f.doc,
                      value.IsScalar() && value.Scalar().empty() ? "\"\"" : render_yaml(value),
                      f.rules});
    }
    return docs;
  }();
  return kDocs;
}

std::string config_keys_markdown() {
  // a `|` inside a cell would end it
  const auto cell = [](std::string text) {
    for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) {
      text.replace(at, 1, "\\|");
    }
    return text;
  };
  std::string table = "| key | type | default | rule | meaning |\n|---|---|---|---|---|\n";
  for (const auto& k : config_keys()) {
    table += "| `" + k.key + "` | " + cell(k.type) + " | " + cell(k.default_value) + " | " +
             cell(k.rule) + " | " + cell(k.doc) + " |\n";
  }
  return table;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  const fs::path p(path);
  Node root = read_yaml_file(p);
  // An empty file is far more often a mistake (a truncated copy, the wrong file) than a wish for
  // every default, and a run on defaults writes to the default paths.
  if (root.IsNull() || (root.IsMap() && root.size() == 0)) {
    throw ConfigError(path +
                      ": the configuration file is empty (no keys); start from "
                      "config/config.yml, or name at least one key");
  }
  return load_tree(root, path, p.parent_path(), overrides);
}

Config load_config_text(const std::string& yaml, const std::string& origin,
                        const std::vector<std::string>& overrides) {
  return load_tree(parse_yaml(yaml, origin), origin, fs::path(origin).parent_path(), overrides);
}

std::vector<std::string> validation_errors(const Config& c) {
  std::vector<std::string> errors;
  for (const auto& f : fields()) f.validate(c, errors);
  return errors;
}

std::string to_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string open_section;
  for (const auto& f : fields()) {
    const auto dot = f.key.find('.');
    const std::string section = dot == std::string::npos ? "" : f.key.substr(0, dot);
    if (section != open_section) {
      if (!open_section.empty()) out << YAML::EndMap;
      if (!section.empty()) out << YAML::Key << section << YAML::Value << YAML::BeginMap;
      open_section = section;
    }
    out << YAML::Key << f.key.substr(dot == std::string::npos ? 0 : dot + 1) << YAML::Value
        << f.write(config) << YAML::Comment(f.doc);
  }
  if (!open_section.empty()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace gnas
