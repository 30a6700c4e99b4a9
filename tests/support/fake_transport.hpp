// A scripted, recording Transport for unit tests: no sockets, answers given in advance.
#pragma once

#include <sora/transport.hpp>

#include <deque>
#include <string>
#include <vector>

namespace sora::test {

/// One scripted answer: a response (its body delivered in `chunks` when streamed), or a failure.
struct Scripted {
  HttpResponse response;
  std::vector<std::string> chunks; ///< streamed body pieces; empty: `response.body` in one piece
  std::optional<Error> failure;    ///< returned instead of (after streaming the chunks)
};

inline Scripted reply(int status, std::string body, Headers headers = {}) {
  Scripted s;
  s.response.status = status;
  s.response.body = std::move(body);
  s.response.headers = std::move(headers);
  return s;
}

inline Scripted fail_with(ErrorCode code, bool request_sent = true) {
  Scripted s;
  Error e;
  e.code = code;
  e.message = "scripted failure";
  e.request_sent = request_sent;
  s.failure = e;
  return s;
}

/// A request as the fake saw it, with its body read out.
struct Recorded {
  std::string method;
  std::string url;
  Headers headers;
  std::string body;
};

class FakeTransport final : public Transport {
public:
  std::deque<Scripted> script;
  std::vector<Recorded> requests;

  void push(Scripted s) { script.push_back(std::move(s)); }

  Result<HttpResponse> send(const HttpRequest& request) override {
    auto s = next(request);
    if (s.failure) return unexpected(*s.failure);
    return s.response;
  }

  Result<HttpResponse> send(const HttpRequest& request, const StreamHandler& handler) override {
    auto s = next(request);
    HttpResponse head = s.response;
    head.body.clear();
    std::vector<std::string> chunks = s.chunks;
    if (chunks.empty() && !s.response.body.empty()) chunks.push_back(s.response.body);
    if (!chunks.empty() || !s.failure) {
      if (handler.on_head)
        if (auto ok = handler.on_head(head); !ok) return unexpected(ok.error());
      for (const auto& chunk : chunks)
        if (handler.on_data)
          if (auto ok = handler.on_data(std::span<const char>(chunk.data(), chunk.size())); !ok)
            return unexpected(ok.error());
    }
    if (s.failure) return unexpected(*s.failure);
    return head;
  }

private:
  Scripted next(const HttpRequest& request) {
    Recorded r{request.method, request.url, request.headers, {}};
    if (request.body) {
      (void)request.body->rewind();
      char buffer[7]; // an odd, small buffer exercises the body's chunking
      while (true) {
        auto n = request.body->read(std::span<char>(buffer, sizeof buffer));
        if (!n || *n == 0) break;
        r.body.append(buffer, *n);
      }
    }
    requests.push_back(std::move(r));
    if (script.empty()) return reply(599, "{\"error\":{\"message\":\"script exhausted\"}}");
    Scripted s = std::move(script.front());
    script.pop_front();
    return s;
  }
};

} // namespace sora::test
