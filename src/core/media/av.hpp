// Owners for FFmpeg's C objects and the error text of its codes. Only src/core/media/ includes this
// (the one place with FFmpeg headers).
#pragma once

#include <sora/media.hpp>
#include <sora/result.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sora::media {

struct InputCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct OutputCloser {
  void operator()(AVFormatContext* f) const {
    if (f->pb && !(f->oformat->flags & AVFMT_NOFILE)) avio_closep(&f->pb);
    avformat_free_context(f);
  }
};
struct CodecCloser {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameCloser {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketCloser {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsCloser {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using InputPtr = std::unique_ptr<AVFormatContext, InputCloser>;
using OutputPtr = std::unique_ptr<AVFormatContext, OutputCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecCloser>;
using FramePtr = std::unique_ptr<AVFrame, FrameCloser>;
using PacketPtr = std::unique_ptr<AVPacket, PacketCloser>;
using SwsPtr = std::unique_ptr<SwsContext, SwsCloser>;

/// FFmpeg's words for an error code.
std::string av_text(int code);

/// Opens `path` and reads its stream information. invalid_argument when FFmpeg cannot read it as
/// media, io when the file is missing or unreadable.
Result<InputPtr> open_input(const std::filesystem::path& path);

/// Runs `sws` (whose output is RGB24, `width` x `height`) into `rgb`, rows packed (3 bytes per
/// pixel). libswscale's SIMD code writes past the end of a row whose stride is not a multiple of
/// its vector size, so it scales into an aligned buffer first. False when out of memory.
bool scale_to_packed_rgb(SwsContext& sws, const std::uint8_t* const source[],
                         const int source_stride[], int source_height, int width, int height,
                         std::uint8_t* rgb);

/// The decoder of `stream`, opened with as many threads as the machine has.
Result<CodecPtr> open_decoder(const AVStream& stream);

// Shared by stream copy (stitch.cpp) and re-encoding (reencode.cpp).

/// Why two streams cannot share one track without re-encoding ("" when they can): codec, size,
/// frame rate, sample rate, channels, pixel or sample format, profile, level, parameter sets.
std::string stream_difference(const AVStream& a, const AVStream& b);

/// The length of a clip in microseconds: where its longest stream ends.
std::int64_t clip_length(const AVFormatContext& clip);

/// Adds the chapters of the clips, back to back (`lengths` in microseconds): each clip's leading
/// chapters, then one titled by its label to its end.
bool add_chapters(AVFormatContext& output, const std::vector<StitchClip>& clips,
                  const std::vector<std::int64_t>& lengths);

/// Shifts a copied packet by `shift` microseconds, rescales it from `in` to `out` time base, and
/// keeps its stream's decoding timestamps increasing (`last_dts`).
void shift_packet(AVPacket& packet, AVRational in, AVRational out, std::int64_t shift,
                  std::int64_t& last_dts);

/// Opens `part` for writing and writes the header of `output` (an MP4 with streams and chapters).
Result<void> start_film(AVFormatContext& output, const std::filesystem::path& part);

/// Writes the trailer, closes, fsyncs and renames `part` to `film` (durably; an existing film is
/// replaced only with `overwrite`). Removes `part` on failure.
Result<void> finish_film(OutputPtr output, const std::filesystem::path& part,
                         const std::filesystem::path& film, bool overwrite);

} // namespace sora::media
