#include "gnas/common/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <filesystem>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"

namespace gnas {

namespace {
constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e [%n] %^%l%$ %v";
}

std::shared_ptr<spdlog::logger> make_step_logger(const std::string& step) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto log = std::make_shared<spdlog::logger>(step, sink);
  log->set_pattern(kPattern);
  log->set_level(std::getenv("GNAS_DEBUG") ? spdlog::level::debug : spdlog::level::info);
  log->flush_on(spdlog::level::info);
  return log;
}

void add_log_file(spdlog::logger& log, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) ensure_directory(p.parent_path().string());
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
    sink->set_pattern(kPattern);
    log.sinks().push_back(std::move(sink));
  } catch (const spdlog::spdlog_ex& e) {
    throw Error(path + ": cannot open the log file: " + e.what());
  }
}

}  // namespace gnas
