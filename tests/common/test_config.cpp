#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

using test::TempDir;

// The message of the ConfigError that loading `yaml` throws, or "" when it loads.
std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    load_config_text(yaml, "test.yml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, ShippedConfigEqualsTheDefaults) {
  const Config loaded = load_config(std::string(GNAS_SOURCE_DIR) + "/config/config.yml");
  const Config defaults;
  EXPECT_TRUE(loaded == defaults);
  EXPECT_EQ(loaded.optim_state.lr, 0.1);
  EXPECT_EQ(loaded.optim_state.weight_decay, 4e-4);
  ASSERT_EQ(loaded.l_cfgs.size(), 5u);
  EXPECT_EQ(loaded.l_cfgs[4].out_channels, 320);
}

TEST(Config, EveryShippedConfigLoads) {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(GNAS_SOURCE_DIR) + "/config")) {
    if (entry.path().extension() != ".yml" || entry.path().filename() == "optim_state.yml")
      continue;
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_config(entry.path().string()));
    ++count;
  }
  EXPECT_GE(count, 1);
}

TEST(Config, EmptyTextGivesDefaults) {
  const Config loaded = load_config_text("", "empty.yml");
  const Config defaults;
  EXPECT_TRUE(loaded == defaults);
}

TEST(Config, EmptyFileDirectoryAndDuplicateKeysAreRefused) {
  TempDir dir;
  const auto message = [](const std::string& path) {
    try {
      load_config(path);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string empty = dir.write("empty.yml", "# nothing here\n");
  EXPECT_EQ(message(empty), empty +
                                ": the configuration file is empty (no keys); start from "
                                "config/config.yml, or name at least one key");
  EXPECT_NE(message(dir.write("braces.yml", "{}\n")).find("is empty"), std::string::npos);
  std::filesystem::create_directories(dir.file("cfgdir"));
  EXPECT_EQ(message(dir.file("cfgdir")),
            dir.file("cfgdir") + ": is a directory, not a configuration file");
  const std::string twice = dir.write("twice.yml", "epochs: 2\nseed: 1\nepochs: 5\n");
  EXPECT_EQ(message(twice),
            twice + ":3: key 'epochs' is given twice (also on line 1); keep one of them");
  // nested, and in an included file
  dir.write("inc/optim.yml", "optimizer: sgd\nlr: 0.1\nlr: 0.2\n");
  const std::string outer =
      dir.write("inc/main.yml", "epochs: 3\noptim_state: !include optim.yml\n");
  EXPECT_EQ(message(outer), dir.file("inc/optim.yml") +
                                ":3: key 'lr' is given twice (also on line 2); keep one of them");
  const std::string nested =
      dir.write("nested.yml", "labels:\n  agreement_check: 3\n  agreement_check: 4\n");
  EXPECT_NE(message(nested).find(":3: key 'agreement_check' is given twice (also on line 2)"),
            std::string::npos);
}

TEST(Config, IncludeIsResolvedRelativeToTheIncludingFile) {
  TempDir dir;
  dir.write("sub/optim.yml", "optimizer: adam\nlr: 0.001\n");
  dir.write("sub/main.yml", "epochs: 3\noptim_state: !include optim.yml\n");
  const Config c = load_config(dir.file("sub/main.yml"));
  EXPECT_EQ(c.epochs, 3);
  EXPECT_EQ(c.optim_state.optimizer, Optimizer::kAdam);
  EXPECT_EQ(c.optim_state.lr, 0.001);
  EXPECT_EQ(c.optim_state.momentum, 0.9);  // not in the included file: default
}

TEST(Config, MissingIncludeNamesTheFile) {
  TempDir dir;
  const std::string path = dir.write("main.yml", "optim_state: !include nowhere.yml\n");
  try {
    load_config(path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.yml: cannot read the configuration file"),
              std::string::npos)
        << e.what();
  }
}

TEST(Config, MissingFileNamesIt) {
  try {
    load_config("/nonexistent/gnas.yml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/gnas.yml: cannot read the configuration file");
  }
}

TEST(Config, UnknownKeysAreAllListedWithTheClosestKnownKey) {
  EXPECT_EQ(error_of("epoch: 5\nbatch_sise: 3\noptim_state:\n  lrr: 0.1\n"),
            "test.yml: 3 unknown configuration keys:\n"
            "  unknown key 'epoch' (did you mean 'epochs'?)\n"
            "  unknown key 'batch_sise' (did you mean 'batch_size'?)\n"
            "  unknown key 'optim_state.lrr' (did you mean 'optim_state.lr'?)");
}

TEST(Config, WrongTypesNameKeyValueAndRule) {
  EXPECT_EQ(error_of("epochs: abc\n"),
            "test.yml: invalid configuration:\n  epochs (abc): must be an integer");
  EXPECT_EQ(error_of("cuda: maybe\n"),
            "test.yml: invalid configuration:\n  cuda (maybe): must be true or false");
  EXPECT_EQ(error_of("macs_budget: [1]\n"),
            "test.yml: invalid configuration:\n  macs_budget ([1]): must be a number");
  EXPECT_EQ(error_of("mean: 0.5\ninput_channels: 1\nstd: [1]\n"),
            "test.yml: invalid configuration:\n  mean (0.5): must be a list");
  EXPECT_EQ(error_of("optim_state: 3\n"),
            "test.yml: invalid configuration:\n  optim_state (3): must be a mapping of keys");
}

TEST(Config, RangesNameKeyValueAndRule) {
  EXPECT_EQ(error_of("l_cfgs: [[16, 1], [32, 2], [40, 3]]\n"),
            "test.yml: invalid configuration:\n  l_cfgs[2].stride (3): must be 1 or 2");
  EXPECT_EQ(error_of("epochs: 0\ntrain_portion: 1.5\n"),
            "test.yml: invalid configuration:\n"
            "  epochs (0): must be >= 1\n"
            "  train_portion (1.5): must be in (0, 1]");
  EXPECT_EQ(error_of("ops_name: [skip, sep_conv_4x4]\n"),
            "test.yml: invalid configuration:\n  ops_name[1] (sep_conv_4x4): must be one of skip, "
            "sep_conv_3x3, sep_conv_5x5, sep_conv_7x7, dil_conv_3x3, dil_conv_5x5");
  EXPECT_EQ(error_of("dataset: imagenet\n"),
            "test.yml: invalid configuration:\n  dataset (imagenet): must be one of cifar10, "
            "cifar100, fashion_mnist, mnist");
  EXPECT_EQ(error_of("input_channels: 1\n"),
            "test.yml: invalid configuration:\n"
            "  mean ([0.49139968, 0.48215827, 0.44653124]): must have input_channels (1) values\n"
            "  std ([0.2023, 0.1994, 0.201]): must have input_channels (1) values");
  EXPECT_EQ(error_of("l_cfgs: [[15, 2]]\n"),
            "test.yml: invalid configuration:\n  l_cfgs[0].out_channels (15): must be even when "
            "stride is 2 (skip's factorized reduce splits it in halves)");
}

TEST(Config, SearchAndPredictorSwitchesNameKeyValueAndRule) {
  EXPECT_EQ(error_of("search:\n  verify: 5\n  pick: evolved\n"),
            "test.yml: invalid configuration:\n  search.verify (5): labels the best predicted so "
            "that the best label can be the answer: needs search.pick best_labelled");
  EXPECT_EQ(error_of("predictor:\n  test_repeats: 5\n"),
            "test.yml: invalid configuration:\n  predictor.test_repeats (5): more splits need "
            "test_split random and test_count > 0 (the last rows are always the same split)");
  EXPECT_EQ(error_of("search:\n  race: 1\n"),
            "test.yml: invalid configuration:\n  search.race (1): must be 0 or >= 2 (a race needs "
            "two runners)");
  EXPECT_EQ(error_of("search:\n  race: 3\n  verify: 0\n  pick: evolved\n"),
            "test.yml: invalid configuration:\n  search.race (3): races the best labels for the "
            "answer: needs search.pick best_labelled");
  EXPECT_EQ(error_of("search:\n  uncertainty_weight: 1\n"),
            "test.yml: invalid configuration:\n  search.uncertainty_weight (1): needs "
            "predictor.ensemble >= 2 (the spread of an ensemble)");
  EXPECT_EQ(error_of("predictor:\n  graph_features: [graf, paths]\n"),
            "test.yml: invalid configuration:\n"
            "  predictor.graph_features[1] (paths): must be one of graf, cost, synflow, zico");
  EXPECT_EQ(error_of("predictor:\n  graph_features: [graf, cost, graf]\n"),
            "test.yml: invalid configuration:\n"
            "  predictor.graph_features[2] (graf): appears more than once");
  EXPECT_EQ(error_of("sample_count: 10\nlabels:\n  agreement_check: 11\n  bn_recalibration: -1\n"),
            "test.yml: invalid configuration:\n"
            "  labels.agreement_check (11): must be <= sample_count (10): the check retrains "
            "labelled architectures\n"
            "  labels.bn_recalibration (-1): must be >= 0");
  EXPECT_EQ(error_of("labels:\n  agreement_check: 2\n"),
            "test.yml: invalid configuration:\n"
            "  labels.agreement_check (2): must be 0 or >= 3 (a rank agreement needs three "
            "architectures)");
  EXPECT_EQ(error_of("evolution:\n  variant: darts\n"),
            "test.yml: invalid configuration:\n  evolution.variant (darts): must be one of gnas, "
            "original");
}

TEST(Config, LayersMayBeMappings) {
  const Config c = load_config_text("l_cfgs:\n  - {out_channels: 8, stride: 2}\n", "t.yml");
  ASSERT_EQ(c.l_cfgs.size(), 1u);
  EXPECT_EQ(c.l_cfgs[0], (LayerConfig{8, 2}));
  EXPECT_EQ(error_of("l_cfgs:\n  - {channels: 8}\n"),
            "test.yml: invalid configuration:\n  l_cfgs[0].channels (8): unknown key (known: "
            "out_channels, stride)");
}

TEST(Config, SyntaxErrorsGiveFileLineColumn) {
  TempDir dir;
  const std::string path = dir.write("bad.yml", "epochs: 3\nmean: [0.1, 0.2\nstd: [1]\n");
  try {
    load_config(path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ":3:", 0), 0u) << msg;
    EXPECT_NE(msg.find("YAML syntax error"), std::string::npos) << msg;
  }
}

TEST(Config, LossLabelsNeedTraining) {
  for (const std::string measure : {"train_loss", "eval_loss"}) {
    EXPECT_EQ(error_of("benchmark_table: t.csv\nlabels:\n  measure: " + measure + "\n"),
              "test.yml: invalid configuration:\n  labels.measure (" + measure +
                  "): a benchmark table holds accuracies, not losses; use best_top1 or leave "
                  "benchmark_table empty");
  }
}

TEST(Config, SetOverridesTheFile) {
  const Config c = load_config_text(
      "epochs: 3\n", "t.yml",
      {"epochs=7", "optim_state.lr=0.5", "l_cfgs=[[8, 1], [16, 2]]", "ops_name=[skip]", "seed=42"});
  EXPECT_EQ(c.epochs, 7);
  EXPECT_EQ(c.optim_state.lr, 0.5);
  EXPECT_EQ(c.l_cfgs, (std::vector<LayerConfig>{{8, 1}, {16, 2}}));
  EXPECT_EQ(c.ops_name, std::vector<OpKind>{OpKind::kSkip});
  EXPECT_EQ(c.seed, 42u);
}

TEST(Config, SetIsValidatedLikeTheFile) {
  EXPECT_EQ(error_of("", {"epoc=1"}), "--set: unknown key 'epoc' (did you mean 'epochs'?)");
  EXPECT_EQ(error_of("", {"epochs"}), "--set epochs: expected dotted.key=value");
  EXPECT_EQ(error_of("", {"epochs=-1"}),
            "test.yml: invalid configuration:\n  epochs (-1): must be >= 1");
  EXPECT_EQ(error_of("", {"latency.repeats=x"}),
            "test.yml: invalid configuration:\n  latency.repeats (x): must be an integer");
}

TEST(Config, WrittenConfigReadsBackEqual) {
  Config c;
  c.seed = 123456789012345ULL;
  c.epochs = 2;
  c.cuda = false;
  c.train_portion = 0.9;
  c.mean = {0.3};
  c.std = {0.7};
  c.input_channels = 1;
  c.input_size = 28;
  c.optim_state.optimizer = Optimizer::kAdam;
  c.optim_state.lr = 1e-4;
  c.ops_name = {OpKind::kSepConv3, OpKind::kSkip};
  c.l_cfgs = {{8, 1}, {12, 2}};
  c.macs_budget = 2.5;
  c.sampling.within_budget = true;
  c.latency.threads = 2;
  const Config back = load_config_text(to_yaml(c), "written.yml");
  EXPECT_TRUE(back == c);
  const Config defaults;
  const Config defaults_back = load_config_text(to_yaml(defaults), "written.yml");
  EXPECT_TRUE(defaults_back == defaults);
}

TEST(Config, EveryKeyIsDocumented) {
  for (const auto& k : config_keys()) {
    EXPECT_FALSE(k.doc.empty()) << k.key;
    EXPECT_FALSE(k.type.empty()) << k.key;
    EXPECT_FALSE(k.default_value.empty()) << k.key;
  }
  EXPECT_GE(config_keys().size(), 30u);
}

// A key's rules are declared with it: the text --help shows is the rule the validator applies.
TEST(Config, DeclaredRulesAreShownAndApplied) {
  const auto rule_of = [](const std::string& key) {
    for (const auto& k : config_keys()) {
      if (k.key == key) return k.rule;
    }
    return std::string("(no such key)");
  };
  EXPECT_EQ(rule_of("epochs"), ">= 1");
  EXPECT_EQ(rule_of("optim_state.momentum"), "in [0, 1)");
  EXPECT_EQ(rule_of("train_portion"), "in (0, 1]");
  EXPECT_EQ(rule_of("dataset"), "");  // an option: its type names its values
  for (const auto& k : config_keys()) {
    if (k.key == "dataset") {
      EXPECT_EQ(k.type, "cifar10 | cifar100 | fashion_mnist | mnist");
    }
  }
  EXPECT_EQ(rule_of("proxies.names"), "must name at least one proxy; no repeats");
  EXPECT_EQ(rule_of("cuda"), "");
  const auto errors = [](const std::string& yaml) {
    try {
      load_config_text(yaml, "t.yml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(loaded)");
  };
  EXPECT_NE(
      errors("optim_state: {momentum: 1}\n").find("optim_state.momentum (1): must be in [0, 1)"),
      std::string::npos);
  EXPECT_NE(errors("dataset: svhn\n")
                .find("dataset (svhn): must be one of cifar10, cifar100, fashion_mnist, mnist"),
            std::string::npos);
  EXPECT_NE(errors("proxies: {names: [snip, snip]}\n")
                .find("proxies.names[1] (snip): appears more than once"),
            std::string::npos);
}

// Equality is made from the key list, so every key takes part: one changed value is a change.
TEST(Config, EqualityComparesEveryKey) {
  const Config defaults;
  for (const char* set :
       {"seed=1", "optim_state.lr=0.2", "labels.bn_recalibration=3", "l_cfgs=[[16,1]]",
        "predictor.graph_features=[cost]", "search.rounds=2", "lr_scheduler=cosine",
        "latency.runtime=opencv", "proxies.batch_size=8"}) {
    EXPECT_FALSE(load_config_text("seed: 0\n", "t.yml", {set}) == defaults) << set;
  }
  EXPECT_TRUE(load_config_text("seed: 0\n", "t.yml") == defaults);
}

}  // namespace
}  // namespace gnas

namespace gnas {
namespace {

// The README's key table is the one config_keys_markdown() makes from the key declarations.
TEST(Config, ReadmeKeyTableIsTheGeneratedOne) {
  std::ifstream in(std::string(GNAS_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md is missing";
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string begin = "<!-- keys:begin";
  const std::string end = "<!-- keys:end -->";
  const auto from = readme.find('\n', readme.find(begin));
  const auto to = readme.find(end);
  ASSERT_NE(readme.find(begin), std::string::npos) << "README.md has no " << begin << " marker";
  ASSERT_NE(to, std::string::npos) << "README.md has no " << end << " marker";
  EXPECT_EQ(readme.substr(from + 1, to - from - 1), config_keys_markdown())
      << "README.md's key table is not the code's: paste `build/bin/generate --keys-table` between "
         "the markers";
  for (const auto& k : config_keys()) {
    EXPECT_NE(readme.find("`" + k.key + "`"), std::string::npos) << k.key << " is not in README.md";
  }
}

}  // namespace
}  // namespace gnas

namespace gnas {
namespace {

// Found by tests/fuzz/fuzz_config: a path holding bytes that are not UTF-8 was loaded, written
// back as U+FFFD and so read back as another path. Such a string is refused, naming the key.
TEST(Config, AStringThatIsNotUtf8IsRefused) {
  const std::string text = read_file(test::test_data("config_fuzz_round_trip.yml"));
  try {
    load_config_text(text, "fuzz.yml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("path_to_train_data (logs"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("): must be UTF-8 text"), std::string::npos) << e.what();
  }
  const Config unicode = load_config_text("log_dir: \"logs/\u00e9t\u00e9 \U0001F600\"\n", "t.yml");
  EXPECT_TRUE(load_config_text(to_yaml(unicode), "written.yml") == unicode);
}

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("plain ascii"));
  EXPECT_TRUE(is_utf8("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_utf8("\xFF"));              // never a UTF-8 byte
  EXPECT_FALSE(is_utf8("a\x80"));             // continuation without a lead
  EXPECT_FALSE(is_utf8("\xC3"));              // cut short
  EXPECT_FALSE(is_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
}

}  // namespace
}  // namespace gnas
