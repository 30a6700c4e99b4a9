// sora-mock entry point: options, signal handling, the port file, then serve until stopped.
#include "server.hpp"

#include <CLI/CLI.hpp>
#include <cli11_doc.hpp>

#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

namespace {

constexpr int k_exit_usage = 2;
constexpr int k_exit_failure = 1;

/// sora-mock(1), from the same option definitions as --help.
std::string man_page(const CLI::App& app) {
  cli_doc::ManPage page;
  page.source = std::string("sora-mock ") + SORA_MOCK_VERSION;
  page.description = {
      "It serves the Videos API under /v1 (create, retrieve, list, delete, remix, extensions, "
      "edits and content downloads with Range) from memory: a job finishes after --polls status "
      "requests. Faults injected with --fault let clients be tested against failures. It is a "
      "test tool: it keeps nothing on disk and is not hardened for untrusted networks.",
      "--dialect NAME impersonates another OpenAI-compatible server (status words, ids, error "
      "bodies, missing routes, result URLs): see docs/mock-server.md.",
      "GET /_mock/health answers when it is ready; GET /_mock/requests returns the log of "
      "requests received and DELETE /_mock/requests clears it."};
  page.sections.push_back({"EXIT STATUS", cli_doc::definition_list({
                                              {"0", "stopped by SIGINT or SIGTERM"},
                                              {"1", "cannot listen or write the port file"},
                                              {"2", "usage error"},
                                          })});
  page.sections.push_back({"SEE ALSO", "\\fBsora\\fR(1)\n"});
  return cli_doc::render(app, page);
}

/// Writes "PORT\n" to `path` via a temporary file and a rename, so readers never see half.
bool write_port_file(const std::string& path, int port) {
  const auto temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << '\n';
    out.close();
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  return !ec;
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

/// Blocks SIGINT/SIGTERM (and SIGUSR1, used to end the watcher) in every thread but sigwait's.
sigset_t blocked_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

} // namespace

// Longer than 80 lines: it is the option table of sora-mock (one add_option per flag, as
// docs/mock-server.md lists them), read top to bottom; the work is done in the server.
int main(int argc, char** argv) {
  sora_mock::Options options;
  std::vector<std::string> fault_args;
  std::string dialect_arg = "openai";

  CLI::App app{"sora-mock: a stateful mock server for the OpenAI Videos (Sora) API.", "sora-mock"};
  app.set_version_flag("--version", std::string("sora-mock ") + SORA_MOCK_VERSION);
  app.add_option("--host", options.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "Port to listen on; 0 picks a free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--port-file", options.port_file,
                 "Write the bound port to FILE (atomically) once listening");
  app.add_option("--polls", options.polls, "Status GETs until a job finishes")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--poll-after-ms", options.poll_after_ms,
                 "openai-poll-after-ms header value on pending jobs")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--api-key", options.api_key,
                 "Require 'Authorization: Bearer KEY' (or 'api-key: KEY') on API routes");
  app.add_option("--video", options.video, "Serve FILE as the video variant")
      ->check(CLI::ExistingFile);
  app.add_option("--thumbnail", options.thumbnail, "Serve FILE as the thumbnail variant")
      ->check(CLI::ExistingFile);
  app.add_option("--spritesheet", options.spritesheet, "Serve FILE as the spritesheet variant")
      ->check(CLI::ExistingFile);
  app.add_option("--fault", fault_args,
                 "Inject failures (repeatable, comma-separated): " + sora_mock::fault_names())
      ->delimiter(',')
      ->type_name("NAME[,NAME...]");
  app.add_option("--delay-ms", options.delay_ms, "Delay of the create-delay fault")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--latency-ms", options.latency_ms, "Delay every API response by MS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--dialect", dialect_arg,
                 "Impersonate another server's quirks: " + sora_mock::dialect_names() +
                     " (see docs/mock-server.md)")
      ->type_name("NAME")
      ->capture_default_str();
  app.add_option("--webhook-url", options.webhooks.url,
                 "POST a signed video.completed / video.failed event here when a job ends "
                 "(openrouter dialect: a job's callback_url wins)")
      ->type_name("URL");
  app.add_option("--webhook-url-file", options.webhooks.url_file,
                 "Read the webhook URL from FILE each time an event is sent (a receiver that "
                 "starts after the mock)")
      ->type_name("FILE");
  app.add_option("--webhook-secret", options.webhooks.secret,
                 "Signing secret: whsec_BASE64 (Standard Webhooks, as OpenAI) or any text "
                 "(openrouter dialect)")
      ->type_name("SECRET");
  app.add_option("--finish-after-ms", options.webhooks.finish_after_ms,
                 "Jobs also finish this long after creation, without being polled (0: off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--webhook-attempts", options.webhooks.attempts,
                 "Deliveries tried per event when the receiver answers non-2xx")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  app.add_flag("--quiet", options.quiet, "Do not log one line per request");
  app.add_flag("--render", options.render,
               "Render each job as its own H.264 MP4 (size, seconds, input reference, prompt)");
  app.add_flag_callback(
         "--generate-man",
         [&app] {
           std::cout << man_page(app);
           throw CLI::Success();
         },
         "Print the man page (roff) and exit")
      ->group(""); // hidden; the build writes sora-mock.1 with it

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : k_exit_usage;
  }
  for (const auto& name : fault_args) {
    const auto fault = sora_mock::parse_fault(name);
    if (!fault) {
      std::cerr << "sora-mock: unknown fault '" << name
                << "'; valid faults: " << sora_mock::fault_names() << "\n"
                << "Run with --help for more information.\n";
      return k_exit_usage;
    }
    options.faults.push_back(*fault);
  }
  if (const auto dialect = sora_mock::parse_dialect(dialect_arg)) {
    options.dialect = *dialect;
  } else {
    std::cerr << "sora-mock: unknown dialect '" << dialect_arg
              << "'; valid dialects: " << sora_mock::dialect_names() << "\n"
              << "Run with --help for more information.\n";
    return k_exit_usage;
  }

  if ((!options.webhooks.url.empty() || !options.webhooks.url_file.empty()) &&
      options.webhooks.secret.empty()) {
    std::cerr << "sora-mock: --webhook-url needs --webhook-secret (e.g. whsec_ and base64)\n";
    return k_exit_usage;
  }
  if (!options.webhooks.secret.empty() &&
      !sora_mock::standard_webhook_key(options.webhooks.secret)) {
    std::cerr << "sora-mock: --webhook-secret starts with whsec_ but is not base64 after it\n";
    return k_exit_usage;
  }

  // glibc gives each thread that allocates while the others hold theirs an arena of its own (up
  // to 8 per core), and an arena keeps what was freed in it: with 64 worker threads taking turns,
  // each upload's MiB of image prefix and parser buffers stayed resident in another arena, and
  // the mock grew with the number of uploads. Two arenas are plenty for a test server.
  mallopt(M_ARENA_MAX, 2);

  // Signals are taken by one watcher thread (sigwait), never by an async handler, so stopping
  // the server runs in ordinary thread context.
  const sigset_t signals = blocked_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sora_mock::MockServer server(options);
  const int port = server.bind();
  if (port < 0) {
    std::cerr << "sora-mock: cannot listen on " << options.host << ":" << options.port << "\n";
    return k_exit_failure;
  }
  if (!options.port_file.empty() && !write_port_file(options.port_file, port)) {
    std::cerr << "sora-mock: cannot write port file " << options.port_file << "\n";
    return k_exit_failure;
  }

  std::mutex mutex;
  std::condition_variable served;
  bool listen_returned = false;
  std::thread watcher([&] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number == SIGUSR1) return; // main is done already
    // stop() is a no-op until listen has started, so repeat it until listen returns.
    std::unique_lock lock(mutex);
    while (!listen_returned) {
      lock.unlock();
      server.stop();
      lock.lock();
      served.wait_for(lock, std::chrono::milliseconds(20), [&] { return listen_returned; });
    }
  });

  std::cerr << "sora-mock listening on http://" << url_host(options.host) << ":" << port
            << sora_mock::base_prefix(options.dialect) << " (dialect "
            << sora_mock::dialect_name(options.dialect) << ", polls " << options.polls << ")"
            << std::endl;
  const bool ok = server.listen();
  server.stop(); // wakes handlers still sleeping in create-delay or content-slow
  {
    std::lock_guard lock(mutex);
    listen_returned = true;
  }
  served.notify_all();
  pthread_kill(watcher.native_handle(), SIGUSR1);
  watcher.join();
  return ok ? 0 : k_exit_failure;
}
