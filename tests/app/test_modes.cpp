#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <set>
#include <string>

#include "gnas/app/modes.hpp"
#include "gnas/common/errors.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

// Every mode of every step names its files differently, so no run overwrites another mode's
// summary or resolved config.
TEST(Modes, EveryModeHasItsOwnName) {
  std::set<std::string> names;
  for (auto m : {GenerateMode::kSample, GenerateMode::kRefine, GenerateMode::kVerify})
    names.insert(outputs_name(m));
  for (auto m : {TrainMode::kLabels, TrainMode::kFinal}) names.insert(outputs_name(m));
  for (auto m : {EvolutionMode::kEvolution, EvolutionMode::kRandomSearch})
    names.insert(outputs_name(m));
  for (auto m :
       {EvaluateMode::kArchitectures, EvaluateMode::kPredictor, EvaluateMode::kLearningCurve,
        EvaluateMode::kProfileLatency, EvaluateMode::kCompare, EvaluateMode::kReport,
        EvaluateMode::kProxies, EvaluateMode::kFidelity, EvaluateMode::kExportOnnx}) {
    EXPECT_EQ(outputs_name(m).rfind("evaluate_", 0), 0u) << outputs_name(m);
    names.insert(outputs_name(m));
  }
  names.insert("train_predictor");  // the one step without modes
  EXPECT_EQ(names.size(), 3u + 2u + 2u + 9u + 1u);
}

// Flags given by name, so each case reads as its command line.
template <typename Flags>
Flags given(std::initializer_list<std::pair<const char*, bool Flags::*>> all,
            std::initializer_list<std::string> names) {
  Flags f;
  for (const auto& name : names) {
    bool found = false;
    for (const auto& [n, member] : all) {
      if (name == n) f.*member = found = true;
    }
    if (!found) ADD_FAILURE() << "no flag " << name;
  }
  return f;
}

TrainFlags train_flags(std::initializer_list<std::string> names) {
  return given<TrainFlags>({{"load_architecture", &TrainFlags::load_architecture},
                            {"train_data", &TrainFlags::train_data},
                            {"shard", &TrainFlags::shard},
                            {"arch_file", &TrainFlags::arch_file},
                            {"index", &TrainFlags::index},
                            {"best_labelled", &TrainFlags::best_labelled}},
                           names);
}

EvaluateFlags evaluate_flags(std::initializer_list<std::string> names) {
  return given<EvaluateFlags>({{"arch_file", &EvaluateFlags::arch_file},
                               {"no_latency", &EvaluateFlags::no_latency},
                               {"predictor", &EvaluateFlags::predictor},
                               {"learning_curve", &EvaluateFlags::learning_curve},
                               {"profile_latency", &EvaluateFlags::profile_latency},
                               {"compare", &EvaluateFlags::compare},
                               {"report", &EvaluateFlags::report},
                               {"proxies", &EvaluateFlags::proxies},
                               {"fidelity", &EvaluateFlags::fidelity},
                               {"export_onnx", &EvaluateFlags::export_onnx},
                               {"index", &EvaluateFlags::index}},
                              names);
}

std::string usage_error(const std::function<void()>& f) { return test::error_of<UsageError>(f); }

TEST(Modes, TrainFlagsChooseOneMode) {
  EXPECT_EQ(train_mode(train_flags({"load_architecture", "train_data"})), TrainMode::kLabels);
  EXPECT_EQ(train_mode(train_flags({"load_architecture", "train_data", "shard"})),
            TrainMode::kLabels);
  EXPECT_EQ(train_mode(train_flags({"load_architecture"})), TrainMode::kFinal);
  EXPECT_EQ(train_mode(train_flags({"load_architecture", "best_labelled"})), TrainMode::kFinal);
  EXPECT_NE(
      usage_error([] { train_mode(train_flags({"train_data"})); }).find("--load-architecture"),
      std::string::npos);
  EXPECT_NE(usage_error([] {
              train_mode(train_flags({"load_architecture", "train_data", "index"}));
            }).find("--train-data labels every architecture"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              train_mode(train_flags({"load_architecture", "shard"}));
            }).find("--shard only applies"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              train_mode(train_flags({"load_architecture", "arch_file", "best_labelled"}));
            }).find("drop --arch-file/--index"),
            std::string::npos);
}

TEST(Modes, EvaluateFlagsChooseExactlyOneMode) {
  EXPECT_EQ(evaluate_mode(evaluate_flags({"arch_file"})), EvaluateMode::kArchitectures);
  EXPECT_EQ(evaluate_mode(evaluate_flags({"arch_file", "no_latency"})),
            EvaluateMode::kArchitectures);
  EXPECT_EQ(evaluate_mode(evaluate_flags({"compare"})), EvaluateMode::kCompare);
  // With --proxies or --export-onnx, --arch-file names the architectures: not a second mode.
  EXPECT_EQ(evaluate_mode(evaluate_flags({"arch_file", "proxies"})), EvaluateMode::kProxies);
  EXPECT_EQ(evaluate_mode(evaluate_flags({"arch_file", "export_onnx", "index"})),
            EvaluateMode::kExportOnnx);
  EXPECT_EQ(evaluate_mode(evaluate_flags({"fidelity"})), EvaluateMode::kFidelity);
  EXPECT_EQ(evaluate_mode(evaluate_flags({"profile_latency"})), EvaluateMode::kProfileLatency);
  EXPECT_NE(usage_error([] { evaluate_mode(evaluate_flags({})); }).find("give exactly one of"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              evaluate_mode(evaluate_flags({"predictor", "compare"}));
            }).find("give exactly one of"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              evaluate_mode(evaluate_flags({"arch_file", "compare"}));
            }).find("give exactly one of"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              evaluate_mode(evaluate_flags({"compare", "index"}));
            }).find("--index goes with --export-onnx"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              evaluate_mode(evaluate_flags({"proxies", "no_latency"}));
            }).find("--no-latency goes with --arch-file"),
            std::string::npos);
}

}  // namespace
}  // namespace gnas
