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
  EXPECT_EQ(c.predictor.type, "mlp");
  EXPECT_EQ(c.predictor.ensemble, 3);
  EXPECT_EQ(c.predictor.test_split, "random");
  const Config defaults;
  EXPECT_FALSE(c == defaults);
  EXPECT_EQ(error_of({"predictor.type=cnn", "predictor.validation_share=1",
                      "predictor.ensemble=0"}),
            "t.yml: invalid configuration:\n"
            "  predictor.type (cnn): must be one of gnn, mlp\n"
            "  predictor.ensemble (0): must be >= 1\n"
            "  predictor.validation_share (1): must be in [0, 1)");
  EXPECT_NE(error_of({"predictor.epoch=3"}).find("did you mean 'predictor.epochs'?"),
            std::string::npos);
}

}  // namespace
}  // namespace gnas
