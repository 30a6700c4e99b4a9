// Rendering with libavcodec directly (the mock does not link sora_core): decode the reference,
// paint each frame in RGB, convert to YUV 4:2:0 with libswscale, encode with libx264 at a fixed
// quality (ultrafast, small files), mux with libavformat.
#include "render.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

namespace sora_mock {
namespace {

struct CodecDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct OutputDeleter {
  void operator()(AVFormatContext* f) const {
    if (f->pb) avio_closep(&f->pb);
    avformat_free_context(f);
  }
};
using CodecPtr = std::unique_ptr<AVCodecContext, CodecDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using OutputPtr = std::unique_ptr<AVFormatContext, OutputDeleter>;

/// RGB pixels, tightly packed.
struct Picture {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
};

std::string av_message(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

AVCodecID image_codec(const std::string& bytes) {
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89PNG", 4) == 0) return AV_CODEC_ID_PNG;
  if (bytes.size() >= 3 && std::memcmp(bytes.data(), "\xFF\xD8\xFF", 3) == 0)
    return AV_CODEC_ID_MJPEG;
  if (bytes.size() >= 12 && std::memcmp(bytes.data(), "RIFF", 4) == 0 &&
      std::memcmp(bytes.data() + 8, "WEBP", 4) == 0)
    return AV_CODEC_ID_WEBP;
  return AV_CODEC_ID_NONE;
}

/// Converts any decoded frame to RGB of the given size.
Picture to_rgb(const AVFrame& frame, int width, int height) {
  Picture out{width, height,
              std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3)};
  SwsPtr sws(sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format),
                            width, height, AV_PIX_FMT_RGB24, SWS_BICUBIC, nullptr, nullptr,
                            nullptr));
  if (!sws) return {};
  // Into an aligned buffer first: libswscale's SIMD code may write past the end of a packed row
  // (720 x 3 bytes is not a multiple of its vector size).
  std::uint8_t* planes[4] = {};
  int strides[4] = {};
  if (av_image_alloc(planes, strides, width, height, AV_PIX_FMT_RGB24, 64) < 0) return {};
  sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, planes, strides);
  const auto row = static_cast<std::size_t>(width) * 3;
  for (int y = 0; y < height; ++y)
    std::memcpy(&out.rgb[row * y], planes[0] + static_cast<std::size_t>(strides[0]) * y, row);
  av_freep(&planes[0]);
  return out;
}

std::optional<Picture> decode_reference(const std::string& bytes, int width, int height) {
  const auto id = image_codec(bytes);
  const AVCodec* codec = id == AV_CODEC_ID_NONE ? nullptr : avcodec_find_decoder(id);
  if (!codec) return std::nullopt;
  CodecPtr context(avcodec_alloc_context3(codec));
  if (!context || avcodec_open2(context.get(), codec, nullptr) < 0) return std::nullopt;
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (av_new_packet(packet.get(), static_cast<int>(bytes.size())) < 0) return std::nullopt;
  std::memcpy(packet->data, bytes.data(), bytes.size());
  if (avcodec_send_packet(context.get(), packet.get()) < 0) return std::nullopt;
  avcodec_send_packet(context.get(), nullptr);
  if (avcodec_receive_frame(context.get(), frame.get()) < 0) return std::nullopt;
  auto picture = to_rgb(*frame, width, height);
  if (picture.rgb.empty()) return std::nullopt;
  return picture;
}

/// A colour and a soft diagonal gradient from the prompt's FNV-1a hash.
Picture prompt_picture(const std::string& prompt, int width, int height) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const unsigned char c : prompt)
    hash = (hash ^ c) * 1099511628211ULL;
  const int base[3] = {static_cast<int>(hash & 0xFF), static_cast<int>((hash >> 8) & 0xFF),
                       static_cast<int>((hash >> 16) & 0xFF)};
  Picture out{width, height,
              std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3)};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int shade = (x + y) * 64 / (width + height) - 32;
      auto* p = &out.rgb[(static_cast<std::size_t>(y) * width + x) * 3];
      for (int c = 0; c < 3; ++c)
        p[c] = static_cast<std::uint8_t>(std::clamp(base[c] + shade, 0, 255));
    }
  }
  return out;
}

/// Frame `index` of `count`: the base picture with a bar sweeping left to right (none on the
/// first frame, so it is the reference itself).
void paint(const Picture& base, int index, int count, Picture& out) {
  out.rgb = base.rgb;
  if (index == 0 || count < 2) return;
  const int bar = std::max(2, base.width / 16);
  const int x0 = static_cast<int>(static_cast<long long>(base.width - bar) * index / (count - 1));
  for (int y = 0; y < base.height; ++y) {
    for (int x = x0; x < x0 + bar; ++x) {
      auto* p = &out.rgb[(static_cast<std::size_t>(y) * base.width + x) * 3];
      const int luma = (p[0] * 3 + p[1] * 6 + p[2]) / 10;
      const std::uint8_t v = luma > 127 ? 16 : 235;
      p[0] = p[1] = p[2] = v;
    }
  }
}

/// The muxer and encoder of one output file.
class Writer {
public:
  std::optional<std::string> open(const std::filesystem::path& path, const RenderSpec& spec) {
    AVFormatContext* raw = nullptr;
    int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.c_str());
    if (rc < 0 || !raw) return "cannot create an MP4 muxer: " + av_message(rc);
    m_output.reset(raw);
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (!codec) return std::string("libavcodec has no libx264 encoder");
    m_encoder.reset(avcodec_alloc_context3(codec));
    auto* c = m_encoder.get();
    c->width = spec.width;
    c->height = spec.height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = AVRational{1, spec.fps};
    c->framerate = AVRational{spec.fps, 1};
    c->gop_size = spec.fps * 2;
    c->thread_count = 1;
    if (m_output->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av_opt_set(c->priv_data, "preset", "ultrafast", 0);
    av_opt_set(c->priv_data, "crf", "18", 0);
    if ((rc = avcodec_open2(c, codec, nullptr)) < 0)
      return "cannot open the H.264 encoder: " + av_message(rc);
    m_stream = avformat_new_stream(m_output.get(), nullptr);
    if (!m_stream) return std::string("cannot add a video stream");
    avcodec_parameters_from_context(m_stream->codecpar, c);
    m_stream->time_base = c->time_base;
    m_stream->avg_frame_rate = c->framerate;
    if ((rc = avio_open(&m_output->pb, path.c_str(), AVIO_FLAG_WRITE)) < 0)
      return "cannot open " + path.string() + ": " + av_message(rc);
    if ((rc = avformat_write_header(m_output.get(), nullptr)) < 0)
      return "cannot write the MP4 header: " + av_message(rc);
    m_packet.reset(av_packet_alloc());
    return std::nullopt;
  }

  /// Sends one frame (nullptr flushes) and writes every packet that comes out.
  std::optional<std::string> encode(AVFrame* frame) {
    int rc = avcodec_send_frame(m_encoder.get(), frame);
    if (rc < 0) return "encoding failed: " + av_message(rc);
    while ((rc = avcodec_receive_packet(m_encoder.get(), m_packet.get())) >= 0) {
      av_packet_rescale_ts(m_packet.get(), m_encoder->time_base, m_stream->time_base);
      m_packet->stream_index = m_stream->index;
      if ((rc = av_interleaved_write_frame(m_output.get(), m_packet.get())) < 0)
        return "writing the MP4 failed: " + av_message(rc);
    }
    if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) return "encoding failed: " + av_message(rc);
    return std::nullopt;
  }

  std::optional<std::string> finish() {
    if (const int rc = av_write_trailer(m_output.get()); rc < 0)
      return "cannot finish the MP4: " + av_message(rc);
    if (const int rc = avio_closep(&m_output->pb); rc < 0)
      return "cannot close the MP4: " + av_message(rc);
    return std::nullopt;
  }

private:
  OutputPtr m_output;
  CodecPtr m_encoder;
  PacketPtr m_packet;
  AVStream* m_stream = nullptr;
};

std::optional<std::string> render_frames(const RenderSpec& spec, const Picture& base,
                                         const std::filesystem::path& path) {
  Writer writer;
  if (auto error = writer.open(path, spec)) return error;
  FramePtr frame(av_frame_alloc());
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = spec.width;
  frame->height = spec.height;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return std::string("out of memory");
  SwsPtr sws(sws_getContext(spec.width, spec.height, AV_PIX_FMT_RGB24, spec.width, spec.height,
                            AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!sws) return std::string("cannot convert RGB to YUV");
  // libswscale's SIMD input code reads whole vectors, past the end of a packed row when width * 3
  // is not a multiple of its vector size (360 or 720 wide): each frame goes through rows aligned
  // to 64 bytes (and av_image_alloc's padding after the last one), so it reads only our memory.
  std::uint8_t* aligned[4] = {};
  int strides[4] = {};
  if (av_image_alloc(aligned, strides, spec.width, spec.height, AV_PIX_FMT_RGB24, 64) < 0)
    return std::string("out of memory");
  std::unique_ptr<std::uint8_t*, void (*)(std::uint8_t**)> release(
      &aligned[0], [](std::uint8_t** p) { av_freep(p); });
  const auto row = static_cast<std::size_t>(spec.width) * 3;
  const int count = spec.seconds * spec.fps;
  Picture painted{spec.width, spec.height, {}};
  for (int i = 0; i < count; ++i) {
    paint(base, i, count, painted);
    if (av_frame_make_writable(frame.get()) < 0) return std::string("out of memory");
    for (int y = 0; y < spec.height; ++y)
      std::memcpy(aligned[0] + static_cast<std::size_t>(strides[0]) * y, &painted.rgb[row * y],
                  row);
    sws_scale(sws.get(), aligned, strides, 0, spec.height, frame->data, frame->linesize);
    frame->pts = i;
    if (auto error = writer.encode(frame.get())) return error;
  }
  if (auto error = writer.encode(nullptr)) return error;
  return writer.finish();
}

} // namespace

std::optional<std::pair<int, int>> parse_render_size(const std::string& size) {
  int width = 0;
  int height = 0;
  char x = 0;
  if (std::sscanf(size.c_str(), "%d%c%d", &width, &x, &height) != 3 || x != 'x') return {};
  if (width < 16 || height < 16 || width > 8192 || height > 8192) return {};
  return std::pair{width, height};
}

std::optional<std::string> render_video(const RenderSpec& spec, const std::filesystem::path& path) {
  if (spec.width % 2 != 0 || spec.height % 2 != 0 || spec.seconds <= 0 || spec.fps <= 0)
    return std::string("cannot render an odd size or an empty video");
  av_log_set_level(AV_LOG_ERROR);
  Picture base;
  if (!spec.reference.empty()) {
    auto decoded = decode_reference(spec.reference, spec.width, spec.height);
    if (!decoded) return std::string("cannot decode the input reference");
    base = std::move(*decoded);
  } else {
    base = prompt_picture(spec.prompt, spec.width, spec.height);
  }
  auto part = path;
  part += ".part";
  if (auto error = render_frames(spec, base, part)) {
    std::error_code ignored;
    std::filesystem::remove(part, ignored);
    return error;
  }
  std::error_code ec;
  std::filesystem::rename(part, path, ec);
  if (ec) return "cannot rename " + part.string() + ": " + ec.message();
  return std::nullopt;
}

RenderCache::~RenderCache() {
  if (m_dir.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(m_dir, ignored);
}

std::variant<std::filesystem::path, std::string> RenderCache::video(const std::string& id,
                                                                    const RenderSpec& spec) {
  std::shared_ptr<std::mutex> lock;
  {
    const std::lock_guard guard(m_mutex);
    if (m_dir.empty()) {
      auto pattern = (std::filesystem::temp_directory_path() / "sora-mock-render-XXXXXX").string();
      if (!::mkdtemp(pattern.data()))
        return std::string("cannot make a folder for rendered videos");
      m_dir = pattern;
    }
    auto& slot = m_locks[id];
    if (!slot) slot = std::make_shared<std::mutex>();
    lock = slot;
  }
  const std::lock_guard job_guard(*lock);
  auto path = m_dir / (id + ".mp4");
  if (std::filesystem::exists(path)) return path;
  if (auto error = render_video(spec, path)) return *error;
  return path;
}

} // namespace sora_mock
