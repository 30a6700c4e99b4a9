// `sora remix`: start a new video that changes a finished one.
#include "commands/source_job.hpp"

namespace sora::cli {

Command register_remix(CLI::App& app, AppContext& ctx) {
  static const SourceJobCommand k_remix{
      JobKind::remix,
      "remix",
      "Start a new video that changes a finished one",
      "The finished video to change (or @last, @N)",
      "a remix",
      false,
      "",
      true,
      "Prints the new video's id. Model, size and duration come from the original, so\n"
      "the estimate needs them: from the journal (jobs sora started), else --max-cost\n"
      "asks the server (a free GET); --dry-run never asks and may say 'unknown'.\n"
      "Say what changes with --prompt or --action, and what must not with --keep."};
  return register_source_job(app, ctx, k_remix);
}

} // namespace sora::cli
