// `sora listen`: its options (so help, the man page and completion come from the command table
// as for every command) and the hand-over to the companion sora-listen, which serves it
// (listen_server.cpp). `sora` itself never loads cpp-httplib, a C++ shared library whose
// relocations every command would pay for at start-up (docs/adr/0015).
#include "commands/listen.hpp"

#include "commands/commands.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

// Where sora-listen is installed, relative to the folder sora is installed in
// (src/cli/CMakeLists.txt derives it from CMAKE_INSTALL_LIBEXECDIR).
#ifndef SORA_LISTEN_FROM_BIN
#define SORA_LISTEN_FROM_BIN "../libexec/sora/sora-listen"
#endif

namespace sora::cli {
namespace {

namespace fs = std::filesystem;

// Where sora-listen may be, found from the running sora (/proc/self/exe, so a symlink to sora
// works too): installed, in libexec; in a build tree, beside sora.
std::vector<fs::path> companion_places() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  fs::path folder = self.parent_path();
  return {(folder / SORA_LISTEN_FROM_BIN).lexically_normal(), folder / "sora-listen"};
}

// Replaces this process with sora-listen, given the arguments sora was given, unchanged: the
// process id, signals, the terminal and the exit code stay those of `sora listen`. Returns only
// when that fails: an io error (exit 1, the local system failed) naming the missing file.
int hand_over(AppContext& ctx) {
  const auto& call = ctx.invocation;
  std::string looked;
  for (const auto& place : companion_places()) {
    looked += (looked.empty() ? "" : " and ") + place.string();
    if (::access(place.c_str(), X_OK) != 0) continue;
    std::vector<char*> args(call.argv, call.argv + call.argc);
    args.push_back(nullptr);
    std::fflush(nullptr);
    ::execv(place.c_str(), args.data());
    return ctx.fail(unexpected(ErrorCode::io,
                               "Cannot run " + place.string() +
                                   ", which serves sora listen: " + std::strerror(errno) + ".",
                               "Reinstall sora, then try again.")
                        .error);
  }
  return ctx.fail(
      unexpected(ErrorCode::io,
                 "sora-listen, which serves sora listen, is not installed (looked for " +
                     (looked.empty() ? std::string("it beside /proc/self/exe") : looked) + ").",
                 "Reinstall sora (its package puts sora-listen in libexec/sora), or build the "
                 "sora-listen target beside sora, then try again.")
          .error);
}

} // namespace

Command register_listen(CLI::App& app, AppContext& ctx) {
  auto o = std::make_shared<ListenOptions>();
  auto* sub = app.add_subcommand("listen", "Finish jobs when the server calls back (webhooks)");
  sub->add_option("--host", o->host, "Address to listen on (loopback unless you say otherwise)")
      ->capture_default_str();
  sub->add_option("--port", o->port, "Port to listen on; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub->add_option("--port-file", o->port_file, "Write the bound port to FILE (atomically)")
      ->type_name("FILE");
  auto* env = sub->add_option("--secret-env", o->secret_env,
                              "Environment variable holding the signing secret")
                  ->type_name("NAME")
                  ->capture_default_str();
  sub->add_option("--secret-file", o->secret_file, "Read the signing secret from a file instead")
      ->type_name("PATH")
      ->excludes(env);
  sub->add_option("--download-dir", o->download_dir,
                  "Where finished videos are saved, as VIDEO_ID.mp4")
      ->type_name("DIR")
      ->capture_default_str();
  sub->add_option("--exec", o->exec,
                  "Run CMD (with /bin/sh) after each job ends; it gets SORA_VIDEO_ID, "
                  "SORA_STATUS, SORA_FILE and SORA_ERROR in its environment")
      ->type_name("CMD");
  sub->add_option("--once", o->once,
                  "Exit when these jobs have ended (0: all downloaded), polling any not heard "
                  "from")
      ->type_name("ID");
  sub->add_option("--max-body", o->max_body, "Refuse deliveries larger than BYTES")
      ->check(CLI::Range(std::size_t{256}, std::size_t{64} << 20))
      ->type_name("BYTES")
      ->capture_default_str();
  sub->add_option("--state", o->state,
                  "State file of handled deliveries (default: listen.json beside the journal)")
      ->type_name("FILE");
  sub->add_option("--reconcile-every", o->reconcile_seconds,
                  "Poll --once jobs not heard from this often (1-3600 s)")
      ->check(CLI::Range(1.0, 3600.0))
      ->type_name("SECONDS")
      ->capture_default_str();
  sub->footer(
      "Every delivery is verified (Standard Webhooks as OpenAI signs them, or OpenRouter's\n"
      "X-OpenRouter-Signature) before it is read; a bad or stale signature gets 401, an\n"
      "unreadable body 400, an oversized one 413, and nothing is done. A delivery seen\n"
      "before (kept in the state file across restarts) is answered 200 and ignored.\n"
      "Example (CI): sora listen --port 0 --port-file port --once video_123\n"
      "Setup per provider and the security model: docs/webhooks.md.");
  return {sub, [o, &ctx] {
            return ctx.invocation.listen ? ctx.invocation.listen(*o, ctx) : hand_over(ctx);
          }};
}

} // namespace sora::cli
