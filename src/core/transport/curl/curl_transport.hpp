// The libcurl implementation of Transport. The only file pair that includes <curl/curl.h>.
#pragma once

#include <sora/transport.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace sora::detail {

struct CurlOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{600'000}; ///< buffered calls only
  std::chrono::milliseconds stall_timeout{60'000};    ///< no bytes moving for this long
  const std::atomic<bool>* cancel = nullptr;
  bool insecure = false; ///< skip TLS verification
};

/// Creates a transport that keeps one connection alive across calls.
std::shared_ptr<Transport> make_curl_transport(const CurlOptions& options);

} // namespace sora::detail
