#pragma once

// What every executable shares: flags --cfg and --set, config loading, logging set-up, the start
// banner, the resolved config written next to the outputs, and one guard that maps failures to
// exit codes (STYLE rule 7).

#include <CLI/CLI.hpp>
#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <string>

#include "gnas/common/config.hpp"

namespace gnas::app {

struct StepContext {
  std::string step;         ///< generate, train, ...
  std::string config_path;  ///< --cfg
  Config config;            ///< resolved: defaults < YAML < --set
  std::shared_ptr<spdlog::logger> log;
};

/// Exit codes: 0 success, 2 bad usage, configuration or input, 1 anything else.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

/// Parses the command line (the step adds its own flags in `add_options`), loads the config,
/// logs to stderr and `<log_dir>/<step>.log`, runs `body`, writes `<log_dir>/<name>_config.yml`
/// (unless the step was refused with exit 2: bad usage, configuration or input) and returns the
/// exit code. `outputs_name`, called once the command line is parsed, names the mode's files
/// (app/modes.hpp; it may throw UsageError); without it, name = step. Prints nothing to stdout
/// itself.
int run_main(int argc, char** argv, const std::string& step, const std::string& description,
             const std::function<void(CLI::App&)>& add_options,
             const std::function<void(const StepContext&)>& body,
             const std::function<std::string()>& outputs_name = {});

}  // namespace gnas::app
