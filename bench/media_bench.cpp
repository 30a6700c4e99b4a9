// sora-media-bench: the core's stitching on its own, for bench/sections/media.sh to time against
// `ffmpeg -f concat -c copy` on the same clips (and to measure a re-encode's memory).
//   sora-media-bench stitch OUTPUT CLIP...     (stream copy)
//   sora-media-bench reencode OUTPUT CLIP...   (decode, fit to the first clip, encode H.264)
#include <sora/media.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 4 || (mode != "stitch" && mode != "reencode")) {
    std::fprintf(stderr, "usage: sora-media-bench stitch|reencode OUTPUT CLIP...\n");
    return 2;
  }
  std::vector<sora::StitchClip> clips;
  for (int i = 3; i < argc; ++i)
    clips.push_back({argv[i], "shot " + std::to_string(i - 2)});
  auto result = mode == "stitch" ? sora::stitch_clips(clips, argv[2], true)
                                 : sora::reencode_clips(clips, argv[2], true);
  if (!result) {
    std::fprintf(stderr, "sora-media-bench: %s\n", result.error().message.c_str());
    return 1;
  }
  return 0;
}
