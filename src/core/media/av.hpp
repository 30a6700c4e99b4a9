// FFmpeg's functions (opened on first use), owners for its C objects and the error text of its
// codes. Only src/core/media/ includes this (the one place with FFmpeg headers).
#pragma once

#include <sora/media.hpp>
#include <sora/result.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sora::media {

// Every FFmpeg function the media code calls, with the library that has it. libavformat,
// libavcodec, libavutil and libswscale are opened with dlopen when a command first reads or
// writes a video (media/shared_library.hpp, docs/adr/0015): linked, they and the ~100 codec
// libraries they need were loaded and relocated by every command, `sora status` included.
#define SORA_AV_FUNCTIONS(X)                                                                       \
  X(format, avformat_open_input)                                                                   \
  X(format, avformat_find_stream_info)                                                             \
  X(format, avformat_close_input)                                                                  \
  X(format, avformat_alloc_output_context2)                                                        \
  X(format, avformat_new_stream)                                                                   \
  X(format, avformat_write_header)                                                                 \
  X(format, avformat_free_context)                                                                 \
  X(format, av_find_best_stream)                                                                   \
  X(format, av_read_frame)                                                                         \
  X(format, av_seek_frame)                                                                         \
  X(format, av_interleaved_write_frame)                                                            \
  X(format, av_write_trailer)                                                                      \
  X(format, avio_open)                                                                             \
  X(format, avio_closep)                                                                           \
  X(codec, avcodec_find_decoder)                                                                   \
  X(codec, avcodec_alloc_context3)                                                                 \
  X(codec, avcodec_free_context)                                                                   \
  X(codec, avcodec_parameters_to_context)                                                          \
  X(codec, avcodec_parameters_copy)                                                                \
  X(codec, avcodec_open2)                                                                          \
  X(codec, avcodec_send_packet)                                                                    \
  X(codec, avcodec_receive_frame)                                                                  \
  X(codec, avcodec_flush_buffers)                                                                  \
  X(codec, avcodec_get_name)                                                                       \
  X(codec, avcodec_profile_name)                                                                   \
  X(codec, av_packet_alloc)                                                                        \
  X(codec, av_packet_free)                                                                         \
  X(codec, av_packet_unref)                                                                        \
  X(codec, av_packet_rescale_ts)                                                                   \
  X(util, av_strerror)                                                                             \
  X(util, av_log_set_level)                                                                        \
  X(util, av_frame_alloc)                                                                          \
  X(util, av_frame_free)                                                                           \
  X(util, av_frame_unref)                                                                          \
  X(util, av_frame_move_ref)                                                                       \
  X(util, av_dict_get)                                                                             \
  X(util, av_dict_set)                                                                             \
  X(util, av_dict_copy)                                                                            \
  X(util, av_dict_free)                                                                            \
  X(util, av_mallocz)                                                                              \
  X(util, av_realloc_array)                                                                        \
  X(util, av_free)                                                                                 \
  X(util, av_rescale_q)                                                                            \
  X(util, av_get_pix_fmt_name)                                                                     \
  X(scale, sws_getContext)                                                                         \
  X(scale, sws_scale)                                                                              \
  X(util, av_frame_clone)                                                                          \
  X(util, av_frame_get_buffer)                                                                     \
  X(util, av_frame_make_writable)                                                                  \
  X(util, av_freep)                                                                                \
  X(util, av_image_alloc)                                                                          \
  X(util, av_opt_set)                                                                              \
  X(util, av_rescale_q_rnd)                                                                        \
  X(codec, avcodec_find_encoder_by_name)                                                           \
  X(codec, avcodec_parameters_alloc)                                                               \
  X(codec, avcodec_parameters_free)                                                                \
  X(codec, avcodec_parameters_from_context)                                                        \
  X(codec, avcodec_receive_packet)                                                                 \
  X(codec, avcodec_send_frame)                                                                     \
  X(scale, sws_getCachedContext)                                                                   \
  X(scale, sws_freeContext)

/// FFmpeg's functions, named as in FFmpeg: `av().avformat_open_input(...)`.
struct AvLibrary {
#define SORA_AV_POINTER(library, name) decltype(&::name) name = nullptr;
  SORA_AV_FUNCTIONS(SORA_AV_POINTER)
#undef SORA_AV_POINTER
};

/// Opens FFmpeg's libraries on the first call (thread-safe; later calls are free). An io error
/// naming the library and its package when one is missing.
Result<void> load_av();

/// The functions; valid once load_av() has succeeded (every object below was made after it).
const AvLibrary& av();

struct InputCloser {
  void operator()(AVFormatContext* f) const { av().avformat_close_input(&f); }
};
struct OutputCloser {
  void operator()(AVFormatContext* f) const {
    if (f->pb && !(f->oformat->flags & AVFMT_NOFILE)) av().avio_closep(&f->pb);
    av().avformat_free_context(f);
  }
};
struct CodecCloser {
  void operator()(AVCodecContext* c) const { av().avcodec_free_context(&c); }
};
struct FrameCloser {
  void operator()(AVFrame* f) const { av().av_frame_free(&f); }
};
struct PacketCloser {
  void operator()(AVPacket* p) const { av().av_packet_free(&p); }
};
struct SwsCloser {
  void operator()(SwsContext* s) const { av().sws_freeContext(s); }
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
