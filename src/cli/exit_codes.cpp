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

std::optional<ErrorCode> parse_error_kind(std::string_view kind) noexcept {
  for (int i = 0; i <= static_cast<int>(ErrorCode::internal); ++i)
    if (to_string(static_cast<ErrorCode>(i)) == kind) return static_cast<ErrorCode>(i);
  return std::nullopt;
}

int exit_code_for_kind(std::string_view kind) noexcept {
  Error error;
  error.code = parse_error_kind(kind).value_or(ErrorCode::internal);
  return exit_code_for(error);
}

} // namespace sora::cli
