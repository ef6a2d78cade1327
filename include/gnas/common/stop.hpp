#pragma once

// Graceful stop on SIGINT / SIGTERM. The first signal only raises a flag; long loops check it at
// safe points (between training batches, architectures, predictor epochs, search generations)
// and throw Stopped there. The step then logs one line saying how to continue and exits with
// 128 + the signal's number. Every file gnas writes is written whole (temp file, then rename),
// and labels and checkpoints already on disk are what a rerun continues from. A second signal
// takes the default action (the process ends at once).

#include <string>

#include "gnas/common/errors.hpp"

namespace gnas {

class Stopped : public Error {
 public:
  Stopped(int signal, const std::string& where);
  int signal() const { return signal_; }

 private:
  int signal_;
};

/// Installs the SIGINT / SIGTERM handlers (each fires once, then the default action returns).
void install_stop_handlers();

/// The signal received since the handlers were installed (SIGINT, SIGTERM), or 0.
int stop_signal();

/// Throws Stopped if a signal arrived; `where` names the safe point in the message.
void throw_if_stop_requested(const std::string& where);

/// Forgets a received signal (tests).
void clear_stop_request();

}  // namespace gnas
