#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "gnas/app/cli.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

int run_step(const std::string& cfg, const std::string& set,
             const std::function<void(const app::StepContext&)>& body) {
  const char* argv[] = {"generate", "--cfg", cfg.c_str(), "--set", set.c_str()};
  return app::run_main(
      5, const_cast<char**>(argv), "generate", "test", [](CLI::App&) {}, body);
}

// <step>_config.yml describes the step's outputs: a step refused for bad input (exit 2) must not
// replace the one of the last good run; a step that ran, even one that failed, writes its own.
TEST(RunMain, WritesTheResolvedConfigOnlyWhenTheStepRan) {
  test::TempDir dir;
  Config c;
  c.log_dir = dir.path();
  const std::string cfg = dir.write("c.yml", to_yaml(c));
  const std::string resolved = dir.file("generate_config.yml");
  EXPECT_EQ(run_step(cfg, "epochs=3", [](const app::StepContext&) {}), app::kExitOk);
  EXPECT_NE(read_file(resolved).find("\nepochs: 3"), std::string::npos);

  EXPECT_EQ(run_step(cfg, "epochs=4", [](const app::StepContext&) { throw DataError("bad file"); }),
            app::kExitBadInput);
  EXPECT_NE(read_file(resolved).find("\nepochs: 3"), std::string::npos);

  EXPECT_EQ(run_step(cfg, "epochs=5",
                     [](const app::StepContext&) { throw std::runtime_error("failed midway"); }),
            app::kExitFailure);
  EXPECT_NE(read_file(resolved).find("\nepochs: 5"), std::string::npos);
}

// A mode's resolved config lands under the mode's name, so that one mode does not replace the
// record of another (evaluate --compare and evaluate --proxies each keep their own).
TEST(RunMain, WritesTheConfigUnderTheModesName) {
  test::TempDir dir;
  Config c;
  c.log_dir = dir.path();
  const std::string cfg = dir.write("c.yml", to_yaml(c));
  const auto run = [&](const std::string& set, const std::string& name) {
    const char* argv[] = {"evaluate", "--cfg", cfg.c_str(), "--set", set.c_str()};
    return app::run_main(
        5, const_cast<char**>(argv), "evaluate", "test", [](CLI::App&) {},
        [](const app::StepContext&) {}, [name] { return name; });
  };
  EXPECT_EQ(run("epochs=3", "evaluate_compare"), app::kExitOk);
  EXPECT_EQ(run("epochs=4", "evaluate_proxies"), app::kExitOk);
  EXPECT_NE(read_file(dir.file("evaluate_compare_config.yml")).find("\nepochs: 3"),
            std::string::npos);
  EXPECT_NE(read_file(dir.file("evaluate_proxies_config.yml")).find("\nepochs: 4"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("evaluate_config.yml")));
  // A command line that asks for no mode is refused as bad usage, and writes nothing.
  const char* argv[] = {"evaluate", "--cfg", cfg.c_str()};
  EXPECT_EQ(app::run_main(
                3, const_cast<char**>(argv), "evaluate", "test", [](CLI::App&) {},
                [](const app::StepContext&) {},
                []() -> std::string { throw UsageError("evaluate: give exactly one mode"); }),
            app::kExitBadInput);
  EXPECT_FALSE(std::filesystem::exists(dir.file("evaluate_config.yml")));
}

}  // namespace
}  // namespace gnas
