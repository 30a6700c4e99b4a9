// FFmpeg's functions (opened on first use), owners for its C objects and the error text of its
// codes. Only src/core/media/ includes this (the one place with FFmpeg headers).
#pragma once

#include <sora/result.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <filesystem>
#include <memory>
#include <string>

namespace sora::media {

// Every FFmpeg function the media code calls, with the library that has it. libavformat,
// libavcodec, libavutil and libswscale are opened with dlopen when a command first reads or
// writes a video (media/shared_library.hpp, docs/adr/0014): linked, they and the ~100 codec
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

} // namespace sora::media
