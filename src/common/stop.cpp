#include "gnas/common/stop.hpp"

#include <atomic>
#include <csignal>

namespace gnas {
namespace {

// read by every thread that trains (trainings_per_device); lock-free, so the handler may set it
std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free);

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
  if (const int signal = received.load(); signal != 0) throw Stopped(signal, where);
}

void clear_stop_request() { received = 0; }

}  // namespace gnas
