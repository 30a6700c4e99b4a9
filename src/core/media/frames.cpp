// Exact frames: decode the first video stream up to the wanted frame (to the very end for the
// last one, so it is the last frame a player shows), convert it to RGB with libswscale, and write
// PNGs atomically with libpng.
#include "media/av.hpp"
#include "media/png_library.hpp"

extern "C" {
#include <libavutil/imgutils.h>
}

#include <sora/media.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <system_error>

namespace sora {
namespace fs = std::filesystem;
namespace media {

bool scale_to_packed_rgb(SwsContext& sws, const std::uint8_t* const source[],
                         const int source_stride[], int source_height, int width, int height,
                         std::uint8_t* rgb) {
  std::uint8_t* planes[4] = {};
  int strides[4] = {};
  if (av().av_image_alloc(planes, strides, width, height, AV_PIX_FMT_RGB24, 64) < 0) return false;
  av().sws_scale(&sws, source, source_stride, 0, source_height, planes, strides);
  const auto row = static_cast<std::size_t>(width) * 3;
  for (int y = 0; y < height; ++y)
    std::memcpy(rgb + row * y, planes[0] + static_cast<std::size_t>(strides[0]) * y, row);
  av().av_freep(&planes[0]);
  return true;
}

Result<CodecPtr> open_decoder(const AVStream& stream) {
  const AVCodec* codec = av().avcodec_find_decoder(stream.codecpar->codec_id);
  if (!codec)
    return unexpected(ErrorCode::invalid_argument,
                      std::string("No decoder for the video codec ") +
                          av().avcodec_get_name(stream.codecpar->codec_id) + ".");
  CodecPtr decoder(av().avcodec_alloc_context3(codec));
  av().avcodec_parameters_to_context(decoder.get(), stream.codecpar);
  decoder->thread_count = 0; // as many as the machine has, like the ffmpeg command
  decoder->pkt_timebase = stream.time_base;
  if (const int rc = av().avcodec_open2(decoder.get(), codec, nullptr); rc < 0)
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot open the video decoder: " + av_text(rc) + ".");
  return decoder;
}

} // namespace media

namespace {

using namespace media;

RgbImage to_rgb(const AVFrame& frame) {
  RgbImage out{frame.width, frame.height,
               std::vector<std::uint8_t>(static_cast<std::size_t>(frame.width) * frame.height * 3)};
  SwsPtr sws(av().sws_getContext(
      frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), frame.width,
      frame.height, AV_PIX_FMT_RGB24, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!sws || !scale_to_packed_rgb(*sws, frame.data, frame.linesize, frame.height, frame.width,
                                   frame.height, out.rgb.data()))
    return {};
  return out;
}

/// Decodes until `done` says stop; `kept` holds the frame to return. Returns whether any frame
/// was decoded.
template <typename Keep>
Result<bool> decode_frames(AVFormatContext& input, int stream_index, AVCodecContext& decoder,
                           AVFrame& kept, Keep keep) {
  PacketPtr packet(av().av_packet_alloc());
  FramePtr frame(av().av_frame_alloc());
  bool any = false;
  bool draining = false;
  bool resend = false; // the packet in `packet` still has to be sent
  while (true) {
    if (resend) {
      const int sent = av().avcodec_send_packet(&decoder, packet.get());
      resend = sent == AVERROR(EAGAIN);
      if (!resend) av().av_packet_unref(packet.get());
    } else if (!draining) {
      const int rc = av().av_read_frame(&input, packet.get());
      if (rc == AVERROR_EOF) {
        draining = true;
        av().avcodec_send_packet(&decoder, nullptr);
      } else if (rc < 0) {
        return unexpected(ErrorCode::io, "Reading the video failed: " + av_text(rc) + ".");
      } else if (packet->stream_index != stream_index) {
        av().av_packet_unref(packet.get());
      } else {
        const int sent = av().avcodec_send_packet(&decoder, packet.get());
        // EAGAIN: frames must be taken out first; the packet is sent again below.
        if (sent != AVERROR(EAGAIN)) av().av_packet_unref(packet.get());
        if (sent < 0 && sent != AVERROR(EAGAIN) && sent != AVERROR_INVALIDDATA)
          return unexpected(ErrorCode::invalid_argument,
                            "Decoding the video failed: " + av_text(sent) + ".");
        resend = sent == AVERROR(EAGAIN);
      }
    }
    while (true) {
      const int rc = av().avcodec_receive_frame(&decoder, frame.get());
      if (rc == AVERROR(EAGAIN)) break;
      if (rc == AVERROR_EOF) return any;
      if (rc < 0)
        return unexpected(ErrorCode::invalid_argument,
                          "Decoding the video failed: " + av_text(rc) + ".");
      const auto verdict = keep(*frame);
      if (verdict != 0) {
        av().av_frame_unref(&kept);
        av().av_frame_move_ref(&kept, frame.get());
        any = true;
      } else {
        av().av_frame_unref(frame.get());
      }
      if (verdict != 1) return any; // 1: keep and go on; 2: keep and stop; 0: stop
    }
  }
}

} // namespace

Result<RgbImage> read_frame(const fs::path& video, FramePick pick) {
  auto input = open_input(video);
  if (!input) return unexpected(input.error());
  const int index = av().av_find_best_stream(input->get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0)
    return unexpected(ErrorCode::invalid_argument, video.string() + " has no video stream.");
  const AVStream& stream = *(*input)->streams[index];
  auto decoder = open_decoder(stream);
  if (!decoder) return unexpected(decoder.error());
  FramePtr kept(av().av_frame_alloc());
  Result<bool> found = false;
  if (pick.kind == FramePick::Kind::first) {
    found = decode_frames(**input, index, **decoder, *kept, [](const AVFrame&) { return 2; });
  } else if (pick.kind == FramePick::Kind::last) {
    found = decode_frames(**input, index, **decoder, *kept, [](const AVFrame&) { return 1; });
  } else {
    if (!(pick.seconds >= 0) || !std::isfinite(pick.seconds))
      return unexpected(ErrorCode::invalid_argument, "The time must be 0 seconds or more.");
    const double duration =
        (*input)->duration > 0 ? static_cast<double>((*input)->duration) / AV_TIME_BASE : 0;
    if (duration > 0 && pick.seconds > duration)
      return unexpected(ErrorCode::invalid_argument,
                        "The video is " + std::to_string(duration) + " seconds long; " +
                            std::to_string(pick.seconds) + " is past its end.");
    const double base = av_q2d(stream.time_base);
    const auto start = stream.start_time == AV_NOPTS_VALUE ? 0 : stream.start_time;
    const auto target = start + static_cast<std::int64_t>(std::floor(pick.seconds / base + 1e-6));
    // The keyframe at or before the time, then forward: exact, and quick for late times.
    av().av_seek_frame(input->get(), index, target, AVSEEK_FLAG_BACKWARD);
    found = decode_frames(**input, index, **decoder, *kept, [&](const AVFrame& f) {
      const auto pts = f.best_effort_timestamp;
      if (pts == AV_NOPTS_VALUE || pts <= target) return 1;
      return kept->width == 0 ? 2 : 0; // past the time: the frame before it is the one shown
    });
  }
  if (!found) return unexpected(found.error());
  if (!*found) return unexpected(ErrorCode::invalid_argument, video.string() + " has no frames.");
  auto image = to_rgb(*kept);
  if (image.rgb.empty())
    return unexpected(ErrorCode::internal, "Cannot convert the frame's pixel format to RGB.");
  return image;
}

Result<RgbImage> read_image(const fs::path& path) {
  return read_frame(path, FramePick{FramePick::Kind::first, 0});
}

Result<double> psnr(const RgbImage& a, const RgbImage& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size())
    return unexpected(ErrorCode::invalid_argument, "The pictures differ in size.");
  double sum = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) {
    const double d = double(a.rgb[i]) - double(b.rgb[i]);
    sum += d * d;
  }
  if (sum == 0) return std::numeric_limits<double>::infinity();
  const double mse = sum / double(a.rgb.size());
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

Result<void> write_png(const fs::path& path, const RgbImage& image, bool overwrite) {
  if (const auto& library = media::open_library<media::PngLibrary>(); !library)
    return unexpected(library.error());
  std::error_code ec;
  if (!overwrite && fs::exists(path, ec))
    return unexpected(ErrorCode::invalid_argument, path.string() + " already exists.");
  auto temp = path;
  temp += ".part";
  FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file)
    return unexpected(ErrorCode::io,
                      "Cannot write " + temp.string() + ": " + std::strerror(errno) + ".");
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB;
  bool ok =
      media::libpng().png_image_write_to_stdio(&png, file, 0, image.rgb.data(), 0, nullptr) != 0;
  ok = std::fflush(file) == 0 && ok;
  ok = ::fsync(::fileno(file)) == 0 && ok;
  const int error = errno;
  ok = std::fclose(file) == 0 && ok;
  if (ok && ::rename(temp.c_str(), path.c_str()) == 0) return {};
  ::unlink(temp.c_str());
  return unexpected(ErrorCode::io,
                    "Cannot write " + path.string() + ": " + std::strerror(error) + ".");
}

} // namespace sora
