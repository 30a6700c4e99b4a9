// The seam between the client and HTTP: requests, responses, streamed bodies, and the Transport
// interface that libcurl implements in production and a fake implements in tests.
#pragma once

#include <sora/result.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

/// The value of the first header named `name` (ASCII case-insensitive), if any.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

/// A request body that the transport pulls as it sends. Rewindable so a retry can resend it.
class BodySource {
public:
  virtual ~BodySource() = default;
  /// Exact number of bytes `read` will produce in total.
  virtual std::uint64_t size() const = 0;
  /// Fills up to buffer.size() bytes; returns how many (0 = end of body).
  virtual Result<std::size_t> read(std::span<char> buffer) = 0;
  /// Starts over from the first byte.
  virtual Result<void> rewind() = 0;
};

/// A body held in memory (JSON requests).
class StringBody final : public BodySource {
public:
  explicit StringBody(std::string text) : m_text(std::move(text)) {}
  std::uint64_t size() const override { return m_text.size(); }
  Result<std::size_t> read(std::span<char> buffer) override;
  Result<void> rewind() override {
    m_offset = 0;
    return {};
  }
  const std::string& text() const { return m_text; }

private:
  std::string m_text;
  std::size_t m_offset = 0;
};

/// Bytes moved so far by one transfer; totals are 0 when unknown.
struct TransferProgress {
  std::uint64_t uploaded = 0;
  std::uint64_t upload_total = 0;
  std::uint64_t downloaded = 0;
  std::uint64_t download_total = 0;
};
using TransferCallback = std::function<void(const TransferProgress&)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::shared_ptr<BodySource> body; ///< null: no body
  TransferCallback on_progress;     ///< optional
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body; ///< empty when the body went to a StreamHandler
};

/// Receives a response as it arrives. `on_head` is called once, before any data, with the status
/// and headers; then `on_data` for each chunk. An error from either aborts the transfer and is
/// returned by Transport::send.
struct StreamHandler {
  std::function<Result<void>(const HttpResponse& head)> on_head;
  std::function<Result<void>(std::span<const char> chunk)> on_data;
};

/// Sends one HTTP request. A non-2xx status is a successful send: the caller classifies it.
/// Failures are network, timeout, interrupted, or whatever a handler returned.
class Transport {
public:
  virtual ~Transport() = default;
  /// Sends and buffers the whole response body (API calls: small JSON).
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
  /// Sends and streams the response body to `handler` (downloads).
  virtual Result<HttpResponse> send(const HttpRequest& request, const StreamHandler& handler) = 0;
};

} // namespace sora
