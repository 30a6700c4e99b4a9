// Failure kind -> exit code. The CLI maps; the core decides what kind a failure is.
#include "exit_codes.hpp"

namespace sora::cli {

int exit_code_for(const Error& error) noexcept {
  switch (error.code) {
  case ErrorCode::invalid_argument:
    return k_exit_usage;
  case ErrorCode::http:
  case ErrorCode::quota:
    return k_exit_rejected;
  case ErrorCode::unsupported:
    return k_exit_unsupported;
  case ErrorCode::unauthorized:
  case ErrorCode::forbidden:
    return k_exit_credentials;
  case ErrorCode::not_found:
    return k_exit_not_found;
  case ErrorCode::cancelled:
    return k_exit_cancelled;
  case ErrorCode::job_failed:
    return k_exit_job_failed;
  case ErrorCode::moderation:
    return k_exit_moderation;
  case ErrorCode::wait_timeout:
    return k_exit_wait_timeout;
  case ErrorCode::network:
  case ErrorCode::timeout:
  case ErrorCode::conflict:
  case ErrorCode::rate_limited:
  case ErrorCode::server:
  case ErrorCode::protocol:
    return k_exit_unavailable;
  case ErrorCode::interrupted:
    return k_exit_interrupted;
  case ErrorCode::io:
  case ErrorCode::internal:
    return k_exit_internal;
  }
  return k_exit_internal;
}

} // namespace sora::cli
