// sora-listen: the companion that serves `sora listen`, so that cpp-httplib (and the C++ shared
// library it is) is loaded by `sora listen` alone. `sora` parses `sora listen ...`, then replaces
// itself with this program, given the same arguments; it parses them again with the same command
// table, and runs listen's HTTP server where `sora` would have handed over.
#include "app.hpp"
#include "commands/listen.hpp"

int main(int argc, char** argv) {
  sora::cli::CliHooks hooks;
  hooks.listen = sora::cli::serve_listen;
  return sora::cli::run_main(argc, argv, hooks);
}
