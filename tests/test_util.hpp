#pragma once

// Fixtures shared by the tests: temporary folders and the optional ../shared data.

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include "gnas/common/config.hpp"
#include "gnas/common/features.hpp"

// A test of an optional part (CMake GNAS_ONNX, GNAS_XGBOOST) is skipped by a build without it.
#define GNAS_SKIP_WITHOUT(have, part) \
  if (!(have)) GTEST_SKIP() << "this build has no " part

namespace gnas::test {

/// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("gnas_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `content` to `name` inside the folder and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

/// The default config with every output redirected into `dir`.
inline Config config_in(const TempDir& dir) {
  Config c;
  c.log_dir = dir.file("logs");
  c.write_dir = dir.file("logs/checkpoints");
  c.path_to_architecture = dir.file("logs/architecture.csv");
  c.path_to_evolution_architecture = dir.file("logs/evolution_architecture.csv");
  c.path_to_train_data = dir.file("logs/train_data.csv");
  c.path_to_save_predictor = dir.file("logs/predictor.pt");
  c.predictor_pretrained = dir.file("logs/predictor.pt");
  return c;
}

/// The reference data beside the project (../shared/data), or "" when it is absent.
inline std::string shared_data_dir() {
  const std::filesystem::path p = std::filesystem::path(GNAS_SOURCE_DIR) / ".." / "shared" / "data";
  return std::filesystem::exists(p / "seed") ? p.string() : "";
}

/// Files copied into the test tree (tests/fixtures).
inline std::string test_data(const std::string& name) {
  return (std::filesystem::path(GNAS_TEST_DATA_DIR) / name).string();
}

/// The message of the `E` that `f` throws; "" when it throws nothing.
template <typename E>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace gnas::test
