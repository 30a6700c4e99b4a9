// `sora listen`'s options, shared by the two halves of the command: its definition in `sora`
// (listen.cpp: the options, help, man page and completion) and its HTTP server in the companion
// executable `sora-listen` (listen_server.cpp, the only code that links cpp-httplib).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sora::cli {

class AppContext;

struct ListenOptions {
  std::string host = "127.0.0.1";
  int port = 8787;
  std::string port_file;
  std::string secret_env = "SORA_WEBHOOK_SECRET";
  std::string secret_file;
  std::string download_dir = ".";
  std::string exec;
  std::vector<std::string> once;
  std::size_t max_body = 1 << 20;
  std::string state;
  double reconcile_seconds = 60;
};

/// Serves `sora listen` until Ctrl-C (or until every --once job has ended) and returns the exit
/// code. Defined in listen_server.cpp, linked into sora-listen only; its main() passes it to
/// run_cli as CliHooks::listen.
int serve_listen(const ListenOptions& options, AppContext& ctx);

} // namespace sora::cli
