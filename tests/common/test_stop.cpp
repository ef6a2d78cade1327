#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "gnas/app/cli.hpp"
#include "gnas/app/train.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/stop.hpp"

#include "synthetic_data.hpp"
#include "test_util.hpp"

namespace gnas {
namespace {

TEST(Stop, ASignalIsAFlagThatSafePointsTurnIntoStopped) {
  install_stop_handlers();
  EXPECT_EQ(stop_signal(), 0);
  EXPECT_NO_THROW(throw_if_stop_requested("here"));
  std::raise(SIGTERM);  // the handler only records it: the test process goes on
  EXPECT_EQ(stop_signal(), SIGTERM);
  try {
    throw_if_stop_requested("at the test's safe point");
    FAIL();
  } catch (const Stopped& e) {
    EXPECT_EQ(e.signal(), SIGTERM);
    EXPECT_EQ(std::string(e.what()), "stopped by SIGTERM at the test's safe point");
  }
  clear_stop_request();
  EXPECT_EQ(stop_signal(), 0);
}

// A step stopped by SIGINT exits 130 and leaves the labels written before the signal whole.
TEST(Stop, AStepExitsWith128PlusTheSignal) {
  test::TempDir dir;
  Config c = test::tiny_training_config(dir);
  c.epochs = 1;
  c.repeats = 1;
  write_file_atomic(c.path_to_architecture, "id,arch\n0,110-011\n1,001-100\n");
  const std::string cfg = dir.write("c.yml", to_yaml(c));
  const char* argv[] = {"train", "--cfg", cfg.c_str()};
  const int code = app::run_main(
      3, const_cast<char**>(argv), "train", "test", [](CLI::App&) {},
      [&](const app::StepContext& ctx) {
        std::raise(SIGINT);
        run_train_data(ctx.config, {}, *ctx.log);
      });
  clear_stop_request();
  EXPECT_EQ(code, 128 + SIGINT);
  EXPECT_FALSE(std::filesystem::exists(c.path_to_train_data));  // stopped before the first label
}

}  // namespace
}  // namespace gnas
