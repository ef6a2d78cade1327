#include "gnas/app/cli.hpp"

#include <exception>
#include <iostream>

#include "gnas/app/summary.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/logging.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/version.hpp"
#include "gnas/train/device.hpp"

namespace gnas::app {

namespace {

std::string keys_help() {
  std::string text = "\nConfiguration keys (in --cfg YAML or as --set key=value):\n";
  for (const auto& k : config_keys()) {
    std::string key = "  " + k.key;
    key.resize(std::max<std::size_t>(key.size() + 1, 36), ' ');
    text += key + k.doc + " [" + k.type + ", default " + k.default_value +
            (k.rule.empty() ? "" : "; " + k.rule) + "]\n";
  }
  return text;
}

std::string command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  return line;
}

// After a stop or a failure the resolved config is written if it can be; a second error here
// must not hide the first.
void write_config_after(const StepContext& ctx, const std::function<void()>& write_config) {
  try {
    write_config();
  } catch (const std::exception& e) {
    ctx.log->warn("the resolved configuration was not written: {}", e.what());
  }
}

}  // namespace

int run_main(int argc, char** argv, const std::string& step, const std::string& description,
             const std::function<void(CLI::App&)>& add_options,
             const std::function<void(const StepContext&)>& body,
             const std::function<std::string()>& outputs_name) {
  StepContext ctx;
  ctx.step = step;
  ctx.log = make_step_logger(step);
  std::vector<std::string> overrides;
  CLI::App cli(description, step);
  cli.option_defaults()->always_capture_default();
  ctx.config_path = "config/config.yml";
  cli.add_option("--cfg", ctx.config_path, "configuration YAML");
  cli.add_option("--set", overrides, "override a key: dotted.key=value (value in YAML syntax)")
      ->take_all();
  cli.set_version_flag("--version", std::string(version()) + " (" + git_hash() + ")");
  bool show_config = false;
  cli.add_flag("--show-config", show_config,
               "print the resolved configuration (defaults < --cfg < --set) as YAML and exit; "
               "nothing is written");
  bool keys_table = false;
  cli.add_flag("--keys-table", keys_table,
               "print every configuration key as the README's Markdown table and exit");
  cli.footer(keys_help());
  add_options(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  if (keys_table) {
    std::cout << config_keys_markdown();
    return kExitOk;
  }
  std::function<void()> write_config = [] {};
  try {
    install_stop_handlers();
    ctx.config = load_config(ctx.config_path, overrides);
    if (show_config) {
      std::cout << to_yaml(ctx.config);
      return kExitOk;
    }
    const std::string name = outputs_name ? outputs_name() : step;
    configure_cpu_runtime(ctx.config);
    add_log_file(*ctx.log, RunLayout(ctx.config).step_log(step));
    ctx.log->info("gnas {} ({}) {}", version(), git_hash(), step);
    ctx.log->info("command line: {}", command_line(argc, argv));
    ctx.log->info("config: {} (seed {})", ctx.config_path, ctx.config.seed);
    const std::string resolved = to_yaml(ctx.config);
    ctx.log->debug("resolved config:\n{}", resolved);
    // The resolved config describes the step's outputs, so it is written when the step ran (done,
    // stopped, or failed after writing some): a run refused for bad input (exit 2) writes
    // nothing and leaves the config of the outputs already there.
    write_config = [&ctx, name, argc, argv] {
      write_resolved_config(ctx.config, name, command_line(argc, argv));
    };
    body(ctx);
    write_config();
    return kExitOk;
  } catch (const Stopped& e) {
    write_config_after(ctx, write_config);
    ctx.log->error(
        "{}; every file written so far is whole: run the same command again to "
        "continue (labels done are skipped, a final training resumes with --resume)",
        e.what());
    return 128 + e.signal();
  } catch (const ConfigError& e) {
    ctx.log->error("configuration error: {}", e.what());
  } catch (const DataError& e) {
    ctx.log->error("input error: {}", e.what());
  } catch (const UsageError& e) {
    ctx.log->error("usage error: {}", e.what());
  } catch (const std::exception& e) {
    ctx.log->error("{}", e.what());
    write_config_after(ctx, write_config);
    return kExitFailure;
  }
  return kExitBadInput;
}

}  // namespace gnas::app
