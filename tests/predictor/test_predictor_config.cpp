#include <gtest/gtest.h>

#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"

namespace gnas {
namespace {

std::string error_of(const std::vector<std::string>& overrides) {
  try {
    load_config_text("", "t.yml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PredictorConfig, KeysLiveInTheirSectionAndAreValidated) {
  const Config c = load_config_text("predictor:\n  type: mlp\n  ensemble: 3\n", "t.yml",
                                    {"predictor.test_split=random"});
  EXPECT_EQ(c.predictor.type, PredictorType::kMlp);
  EXPECT_EQ(c.predictor.ensemble, 3);
  EXPECT_EQ(c.predictor.test_split, TestSplit::kRandom);
  const Config defaults;
  EXPECT_FALSE(c == defaults);
  EXPECT_EQ(
      error_of({"predictor.type=cnn", "predictor.validation_share=1", "predictor.ensemble=0"}),
      "t.yml: invalid configuration:\n"
      "  predictor.type (cnn): must be one of gnn, mlp, xgboost\n"
      "  predictor.ensemble (0): must be >= 1\n"
      "  predictor.validation_share (1): must be in [0, 1)");
  EXPECT_NE(error_of({"predictor.epoch=3"}).find("did you mean 'predictor.epochs'?"),
            std::string::npos);
}

TEST(PredictorConfig, TreeKeysAreValidated) {
  const Config c = load_config_text("predictor:\n  type: xgboost\n  trees: 50\n  tree_depth: 4\n",
                                    "t.yml", {"predictor.tree_eta=0.1"});
  EXPECT_EQ(c.predictor.trees, 50);
  EXPECT_EQ(c.predictor.tree_depth, 4);
  EXPECT_EQ(c.predictor.tree_eta, 0.1);
  EXPECT_FALSE(c == Config());
  EXPECT_EQ(
      error_of({"predictor.type=xgboost", "predictor.variant=original", "predictor.trees=0",
                "predictor.tree_depth=17", "predictor.tree_eta=0", "predictor.tree_subsample=1.5"}),
      "t.yml: invalid configuration:\n"
      "  predictor.type (xgboost): needs predictor.variant tuned (the original has no tree model)\n"
      "  predictor.trees (0): must be >= 1\n"
      "  predictor.tree_depth (17): must be in [1, 16]\n"
      "  predictor.tree_eta (0): must be in (0, 1]\n"
      "  predictor.tree_subsample (1.5): must be in (0, 1]");
}

}  // namespace
}  // namespace gnas
