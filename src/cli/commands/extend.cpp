// `sora extend`: start a new video that continues a finished one with a new segment.
#include "commands/source_job.hpp"

namespace sora::cli {

Command register_extend(CLI::App& app, AppContext& ctx) {
  static const SourceJobCommand k_extend{
      JobKind::extend,
      "extend",
      "Start a new video that continues a finished one",
      "The finished video to continue (or @last, @N)",
      "an extension",
      true,
      "Length of the new segment: 4, 8, 12, 16 or 20",
      false,
      "Prints the new video's id; the new video is the source plus the new segment\n"
      "(its seconds is the stitched total, at most 120). Model and size come from the\n"
      "source; the estimate prices the new segment at them.\n"
      "Example: sora extend @last --prompt \"the boat sails into fog\" --seconds 8 -o "
      "longer.mp4"};
  return register_source_job(app, ctx, k_extend);
}

} // namespace sora::cli
