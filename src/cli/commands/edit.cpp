// `sora edit`: start a new video that applies a change to a finished one.
#include "commands/source_job.hpp"

namespace sora::cli {

Command register_edit(CLI::App& app, AppContext& ctx) {
  static const SourceJobCommand k_edit{
      JobKind::edit,
      "edit",
      "Start a new video that changes part of a finished one",
      "The finished video to change (or @last, @N)",
      "an edit",
      false,
      "",
      false,
      "Prints the new video's id. The edit keeps the source's structure and length and\n"
      "applies the change the prompt asks for; model and size come from the source.\n"
      "Example: sora edit @last --prompt \"make the sky stormy\" --wait"};
  return register_source_job(app, ctx, k_edit);
}

} // namespace sora::cli
