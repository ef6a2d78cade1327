#include "gnas/common/stop.hpp"

#include <csignal>

namespace gnas {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_stop_signal(int signal) { received = signal; }

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

}  // namespace

Stopped::Stopped(int signal, const std::string& where)
    : Error("stopped by " + signal_name(signal) + " " + where), signal_(signal) {}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // a second signal ends the process at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return received; }

void throw_if_stop_requested(const std::string& where) {
  if (received != 0) throw Stopped(received, where);
}

void clear_stop_request() { received = 0; }

}  // namespace gnas
