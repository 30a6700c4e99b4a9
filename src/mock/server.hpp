// The sora-mock HTTP server: routes, auth, faults and the request log on top of cpp-httplib.
#pragma once

#include "dialect.hpp"
#include "faults.hpp"
#include "media.hpp"
#include "render.hpp"
#include "request_log.hpp"
#include "shutdown.hpp"
#include "store.hpp"
#include "upload.hpp"
#include "webhooks.hpp"

#include <httplib.h>

#include <array>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace sora_mock {

/// Settings from the command line (see docs/mock-server.md).
struct Options {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::string port_file;
  int polls = 5;
  int poll_after_ms = 500;
  std::string api_key;
  std::string video;
  std::string thumbnail;
  std::string spritesheet;
  std::vector<Fault> faults;
  int delay_ms = 5000;
  int latency_ms = 0; // added before every API response (benchmarks)
  bool quiet = false;
  bool render = false; ///< --render: each job's video is rendered (render.hpp), not the sample
  Dialect dialect = Dialect::openai; ///< --dialect: which server to impersonate
  WebhookOptions webhooks;           ///< --webhook-url, --webhook-secret, --finish-after-ms
};

/// A stateful mock of the Videos API. Construct, `bind`, then `listen` (blocks until `stop`).
class MockServer {
public:
  explicit MockServer(Options options);
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  /// Binds the listening socket; returns the bound port, or -1 on failure.
  int bind();
  /// Serves until `stop`; false if the server could not run.
  bool listen();
  /// Stops serving and wakes sleeping handlers. Safe from any thread, also before `listen`.
  void stop();
  /// True while `listen` is serving.
  bool running() const { return m_http.is_running(); }

private:
  /// `upload_sizes`: the sizes of file parts streamed to disk (req.files holds their start).
  void handle(const httplib::Request& req, httplib::Response& res,
              const UploadSizes* upload_sizes = nullptr);
  void handle_mock(const httplib::Request& req, httplib::Response& res, const std::string& route);
  bool handle_api(const httplib::Request& req, httplib::Response& res, const std::string& route,
                  const std::string& range_header);
  std::optional<ApiError> check_auth(const httplib::Request& req) const;

  void create(const httplib::Request& req, httplib::Response& res);
  void list(const httplib::Request& req, httplib::Response& res);
  void retrieve(httplib::Response& res, const std::string& id);
  void remove(httplib::Response& res, const std::string& id);
  void content(const httplib::Request& req, httplib::Response& res, const std::string& id,
               const std::string& range_header);
  void remix(const httplib::Request& req, httplib::Response& res, const std::string& id);
  // continuations.cpp: POST /videos/extensions and POST /videos/edits.
  void extend(const httplib::Request& req, httplib::Response& res);
  void edit(const httplib::Request& req, httplib::Response& res);
  std::optional<Job> finished_source(httplib::Response& res, const std::string& id,
                                     const char* what);

  Outcome outcome_for(const std::string& prompt) const;
  /// Sends `error` in the dialect's error body.
  void reply_error(httplib::Response& res, const ApiError& error) const;
  /// The job object as the dialect shows it.
  Json job_json(const Job& job) const;
  std::string origin(int port) const;
  void setup_storage();
  void log_line(const httplib::Request& req, const httplib::Response& res);

  Options m_options;
  int m_port = 0; ///< the bound port, for redirect URLs
  httplib::Server m_http;
  httplib::Server m_storage; ///< --dialect together: the result URLs' "storage" origin
  int m_storage_port = -1;
  std::mutex m_cancel_mutex;
  std::set<std::string> m_cancelling; ///< vllm-omni: deletes of running jobs under way
  Store m_store;
  Faults m_faults;
  std::unique_ptr<WebhookSender> m_webhooks; ///< after m_store: stopped before it goes
  RequestLog m_log;
  Shutdown m_shutdown;
  std::array<MediaSource, 3> m_media; // video, thumbnail, spritesheet
  RenderCache m_renders;              // --render
  std::mutex m_stderr_mutex;
  int m_listen_socket = -1; // set by the socket options callback, before bind
};

} // namespace sora_mock
