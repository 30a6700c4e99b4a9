// sora-media-bench: the core's stitching on its own, for bench/media to time against
// `ffmpeg -f concat -c copy` on the same clips.
//   sora-media-bench stitch OUTPUT CLIP...
#include <sora/media.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4 || std::string(argv[1]) != "stitch") {
    std::fprintf(stderr, "usage: sora-media-bench stitch OUTPUT CLIP...\n");
    return 2;
  }
  std::vector<sora::StitchClip> clips;
  for (int i = 3; i < argc; ++i)
    clips.push_back({argv[i], "shot " + std::to_string(i - 2)});
  auto result = sora::stitch_clips(clips, argv[2], true);
  if (!result) {
    std::fprintf(stderr, "sora-media-bench: %s\n", result.error().message.c_str());
    return 1;
  }
  return 0;
}
