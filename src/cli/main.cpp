// sora: the command-line client for the Sora Videos API.
#include "app.hpp"
#include "app_context.hpp"
#include "exit_codes.hpp"

#include <csignal>
#include <cstdio>
#include <exception>

namespace {

extern "C" void on_signal(int) {
  sora::cli::g_interrupted.store(true);
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN); // a closed pipe is a write error, not a silent death
}

} // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  try {
    return sora::cli::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sora: internal error: %s\n  hint: please report this as a bug.\n",
                 e.what());
    return sora::cli::k_exit_internal;
  }
}
