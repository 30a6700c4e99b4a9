// The CLI's exit codes: the single mapping from a failure to a number scripts can test.
#pragma once

#include <sora/error.hpp>

#include <optional>
#include <string_view>

namespace sora::cli {

enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_internal = 1,
  k_exit_usage = 2,
  k_exit_rejected = 3,
  k_exit_credentials = 4,
  k_exit_not_found = 5,
  k_exit_job_failed = 6,
  k_exit_moderation = 7,
  k_exit_wait_timeout = 8,
  k_exit_unavailable = 9,
  k_exit_unsupported = 10,
  k_exit_cancelled = 11,
  k_exit_interrupted = 130,
};

/// The exit code for a failure (see docs/cli.md, "Exit codes"): the one mapping from failures to
/// exit codes; nothing else in sora turns an error into a number.
int exit_code_for(const Error& error) noexcept;
/// The exit code for an error kind stored as its name (`to_string(ErrorCode)`, e.g. in a batch
/// state file); an unknown name is an internal error (1).
int exit_code_for_kind(std::string_view kind) noexcept;
/// The error kind named `kind`, if it is one.
std::optional<ErrorCode> parse_error_kind(std::string_view kind) noexcept;

/// The table printed by --help and written in the docs.
inline constexpr const char* k_exit_code_help =
    "Exit codes:\n"
    "  0    success\n"
    "  1    internal error (a bug, or the local system failed: disk full, permissions)\n"
    "  2    usage error or invalid local input; nothing was sent\n"
    "  3    request rejected by the API (HTTP 4xx)\n"
    "  4    missing or rejected credentials (HTTP 401/403)\n"
    "  5    not found (HTTP 404)\n"
    "  6    the video job failed\n"
    "  7    refused by content policy (moderation)\n"
    "  8    timed out waiting for the job (it keeps running on the server)\n"
    "  9    network or server failure, after retries\n"
    "  10   the server does not support this operation (e.g. remix, list, delete)\n"
    "  11   the video job was cancelled on the server\n"
    "  130  interrupted (Ctrl-C)\n";

} // namespace sora::cli
