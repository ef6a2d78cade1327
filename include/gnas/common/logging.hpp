#pragma once

// One logger per step: stderr from the start, plus `<log_dir>/<step>.log` once the config is
// known; one pattern for both.

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace gnas {

/// A logger named `step` writing to stderr (level info; debug when GNAS_DEBUG is set).
std::shared_ptr<spdlog::logger> make_step_logger(const std::string& step);

/// Adds a sink that appends to `path` (its folder is created). Throws Error when it cannot.
void add_log_file(spdlog::logger& log, const std::string& path);

}  // namespace gnas
