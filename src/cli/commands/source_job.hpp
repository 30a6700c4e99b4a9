// The commands that start a job from a finished video (remix, extend, edit): one registration
// and one run, described by a row each.
#pragma once

#include "commands/commands.hpp"

#include <sora/job.hpp>

namespace sora::cli {

struct SourceJobCommand {
  JobKind kind = JobKind::remix;
  const char* name = "";
  const char* description = "";
  const char* id_help = "";
  const char* cost_noun = ""; ///< "a remix": how the cost guard names the job
  bool takes_seconds = false; ///< extend: -s/--seconds, the new segment's length (required)
  const char* seconds_help = "";
  bool lint = false; ///< run the prompt lint (remix)
  const char* footer = "";
};

/// Registers one such command; `command` must outlive the app (a static row).
Command register_source_job(CLI::App& app, AppContext& ctx, const SourceJobCommand& command);

} // namespace sora::cli
