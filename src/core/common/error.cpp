// Names of error codes and the retry rule.
#include <sora/error.hpp>

namespace sora {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
  case ErrorCode::invalid_argument:
    return "invalid_argument";
  case ErrorCode::io:
    return "io";
  case ErrorCode::network:
    return "network";
  case ErrorCode::timeout:
    return "timeout";
  case ErrorCode::unauthorized:
    return "unauthorized";
  case ErrorCode::forbidden:
    return "forbidden";
  case ErrorCode::not_found:
    return "not_found";
  case ErrorCode::conflict:
    return "conflict";
  case ErrorCode::rate_limited:
    return "rate_limited";
  case ErrorCode::quota:
    return "quota";
  case ErrorCode::server:
    return "server";
  case ErrorCode::http:
    return "http";
  case ErrorCode::protocol:
    return "protocol";
  case ErrorCode::job_failed:
    return "job_failed";
  case ErrorCode::cancelled:
    return "cancelled";
  case ErrorCode::moderation:
    return "moderation";
  case ErrorCode::wait_timeout:
    return "wait_timeout";
  case ErrorCode::interrupted:
    return "interrupted";
  case ErrorCode::unsupported:
    return "unsupported";
  case ErrorCode::internal:
    return "internal";
  }
  return "internal";
}

std::string_view to_string(HintKind kind) noexcept {
  switch (kind) {
  case HintKind::none:
    return "none";
  case HintKind::check_base_url:
    return "check_base_url";
  case HintKind::check_api_key:
    return "check_api_key";
  case HintKind::check_video_id:
    return "check_video_id";
  case HintKind::use_fit:
    return "use_fit";
  case HintKind::choose_supported_value:
    return "choose_supported_value";
  case HintKind::describe_prompt:
    return "describe_prompt";
  case HintKind::check_image_path:
    return "check_image_path";
  case HintKind::use_supported_image:
    return "use_supported_image";
  case HintKind::give_image_or_size:
    return "give_image_or_size";
  case HintKind::give_model_or_default:
    return "give_model_or_default";
  case HintKind::use_valid_size:
    return "use_valid_size";
  case HintKind::raise_timeout:
    return "raise_timeout";
  case HintKind::check_server_reachable:
    return "check_server_reachable";
  case HintKind::list_jobs:
    return "list_jobs";
  case HintKind::show_history:
    return "show_history";
  case HintKind::choose_profile:
    return "choose_profile";
  case HintKind::wait_for_job:
    return "wait_for_job";
  case HintKind::create_again:
    return "create_again";
  case HintKind::use_video_variant:
    return "use_video_variant";
  case HintKind::use_job_reference:
    return "use_job_reference";
  }
  return "none";
}

bool is_retryable(const Error& error) noexcept {
  switch (error.code) {
  case ErrorCode::network:
  case ErrorCode::timeout:
  case ErrorCode::conflict:
  case ErrorCode::rate_limited:
    return true;
  case ErrorCode::server:
    return error.http_status != 501; // Not Implemented never becomes implemented by retrying

  case ErrorCode::http:
    return error.http_status == 408;
  default:
    return false;
  }
}

} // namespace sora
