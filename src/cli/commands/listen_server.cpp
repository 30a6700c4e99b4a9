// `sora listen`'s HTTP server: a local endpoint that finishes jobs from signed webhook
// deliveries. Linked into the companion sora-listen only, so that `sora` does not load
// cpp-httplib (docs/adr/0015-libraries-opened-on-first-use.md).
#include "commands/listen.hpp"
#include "commands/listen_worker.hpp"
#include "exit_codes.hpp"

#include <sora/webhooks.hpp>

#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

namespace sora::cli {
namespace {

namespace fs = std::filesystem;

Error usage(std::string message, std::string hint) {
  return unexpected(ErrorCode::invalid_argument, std::move(message), std::move(hint)).error;
}

Result<WebhookSecret> read_secret(const ListenOptions& o) {
  std::string text;
  if (!o.secret_file.empty()) {
    std::ifstream in(o.secret_file, std::ios::binary);
    if (!in)
      return unexpected(usage("Cannot read the webhook secret file " + o.secret_file + ".",
                              "Check the path given to --secret-file."));
    text.assign(std::istreambuf_iterator<char>(in), {});
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
  } else if (const char* value = std::getenv(o.secret_env.c_str()); value && *value) {
    text = value;
  } else {
    return unexpected(usage("No webhook signing secret: " + o.secret_env + " is not set.",
                            "Set " + o.secret_env +
                                " to the secret the provider shows (whsec_… for OpenAI), or give "
                                "--secret-file PATH."));
  }
  auto secret = WebhookSecret::parse(text);
  if (!secret) {
    Error e = secret.error();
    e.hint = "Copy the whole signing secret from the provider's webhook settings.";
    return unexpected(e);
  }
  return secret;
}

fs::path state_path(const ListenOptions& o, const AppContext& ctx) {
  if (!o.state.empty()) return o.state;
  return ctx.journal().path().parent_path() / "listen.json";
}

WebhookHeaders headers_of(const httplib::Request& req) {
  WebhookHeaders h;
  h.webhook_id = req.get_header_value("webhook-id");
  h.webhook_timestamp = req.get_header_value("webhook-timestamp");
  h.webhook_signature = req.get_header_value("webhook-signature");
  h.openrouter_signature = req.get_header_value("x-openrouter-signature");
  h.openrouter_key = req.get_header_value("x-openrouter-idempotency-key");
  return h;
}

void answer(httplib::Response& res, int status, const std::string& why) {
  res.status = status;
  res.set_content(status < 300 ? "{\"ok\":true}\n" : "{\"error\":\"" + why + "\"}\n",
                  "application/json");
}

// Verify first, on the exact bytes; only a delivery that checks is read as JSON.
void handle(const httplib::Request& req, httplib::Response& res, const WebhookSecret& secret,
            std::size_t max_body, ListenWorker& worker) {
  std::string from = req.remote_addr;
  if (req.body.size() > max_body) {
    listen_log("413 from " + from + ": the body is larger than --max-body; ignored");
    return answer(res, 413, "body too large");
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto verdict = verify_webhook(headers_of(req), req.body, secret, now);
  if (!verdict.ok()) {
    listen_log("401 from " + from + ": " + std::string(describe(verdict.problem)) + "; ignored");
    return answer(res, 401, "signature");
  }
  auto event = parse_webhook_event(req.body);
  if (!event) {
    listen_log("400 from " + from + ": " + event.error().message +
               " (signed, but unreadable); "
               "ignored");
    return answer(res, 400, "payload");
  }
  int status = worker.accept(verdict, *event);
  answer(res, status, "state");
}

bool write_port_file(const std::string& path, int port) {
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) return false;
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  return !ec;
}

std::string host_in_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void print_banner(const AppContext& ctx, const ListenOptions& o, int port) {
  std::string url = "http://" + host_in_url(o.host) + ":" + std::to_string(port) + "/";
  bool loopback = is_loopback_url(url);
  listen_log("listening on " + url + (loopback ? " (this machine only)" : ""));
  if (!loopback)
    ctx.warn("--host " + o.host +
             " accepts connections from other machines; every delivery is "
             "still verified, but put TLS in front of it (a reverse proxy).");
  ctx.note("  Providers need a public https URL: put a reverse proxy (nginx, Caddy) or a tunnel\n"
           "  (cloudflared, ngrok, tailscale funnel) in front of this address; sora does not\n"
           "  expose it itself. See docs/webhooks.md. Ctrl-C stops.");
}

} // namespace

int serve_listen(const ListenOptions& o, AppContext& ctx) {
  auto secret = read_secret(o);
  if (!secret) return ctx.fail(secret.error());
  std::error_code ec;
  if (!fs::is_directory(o.download_dir, ec))
    return ctx.fail(usage("--download-dir " + o.download_dir + " is not a folder.",
                          "Create it first, or give another folder."));
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  DeliveryLedger ledger(state_path(o, ctx));
  if (auto ok = ledger.load(); !ok) return ctx.fail(ok.error());

  ListenSettings settings{
      o.download_dir, o.exec, o.once,
      std::chrono::milliseconds(static_cast<std::int64_t>(o.reconcile_seconds * 1000))};
  ListenWorker worker(ctx, **client, ledger, settings);
  httplib::Server server;
  server.set_payload_max_length(o.max_body);
  server.set_read_timeout(10, 0);
  server.Post(".*", [&](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, *secret, o.max_body, worker);
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    if (res.status == 413 && req.body.empty()) // refused by cpp-httplib before the handler
      listen_log("413 from " + req.remote_addr + ": the body is larger than --max-body; ignored");
  });
  int port = o.port == 0 ? server.bind_to_any_port(o.host) : o.port;
  if (o.port != 0 && !server.bind_to_port(o.host, o.port)) port = -1;
  if (port < 0)
    return ctx.fail(usage("Cannot listen on " + o.host + ":" + std::to_string(o.port) + ".",
                          "Is the port in use? Give another --port (0 picks a free one)."));
  if (!o.port_file.empty() && !write_port_file(o.port_file, port))
    return ctx.fail(
        unexpected(ErrorCode::io, "Cannot write the port file " + o.port_file + ".").error);
  print_banner(ctx, o, port);
  worker.start();
  std::thread serving([&] { server.listen_after_bind(); });
  // stop() does nothing before listening has begun, so wait for it (bounded) before any stop.
  for (int i = 0; i < 500 && !server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  while (!g_interrupted.load() && !(!o.once.empty() && worker.once_done()))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  serving.join();
  worker.stop();
  if (g_interrupted.load()) {
    listen_log("stopped (Ctrl-C)");
    return k_exit_interrupted;
  }
  listen_log("every --once job has ended");
  return worker.once_exit_code();
}

} // namespace sora::cli
