#include "gnas/app/cli.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "test_util.hpp"

namespace gnas {
namespace {

int run_step(const std::string& cfg, const std::string& set,
             const std::function<void(const app::StepContext&)>& body) {
  const char* argv[] = {"generate", "--cfg", cfg.c_str(), "--set", set.c_str()};
  return app::run_main(5, const_cast<char**>(argv), "generate", "test", [](CLI::App&) {}, body);
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

}  // namespace
}  // namespace gnas
