// Re-encoding a film whose clips differ (size, frame rate, encoder settings): each clip's video is
// decoded, scaled to the first clip's size with its aspect ratio kept (black bars), put on the
// first clip's constant frame rate (the nearest decoded picture fills each frame slot), and
// encoded as one H.264 stream with libx264; identical audio is copied. One clip is open at a time
// and one picture is in flight between decoder and encoder, so memory stays flat.
#include "media/av.hpp"

#include <sora/media.hpp>

extern "C" {
#include <libavutil/opt.h>
}

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>

namespace sora {
namespace {

using namespace media;
namespace fs = std::filesystem;

struct ParametersCloser {
  void operator()(AVCodecParameters* p) const { av().avcodec_parameters_free(&p); }
};
using ParametersPtr = std::unique_ptr<AVCodecParameters, ParametersCloser>;

/// What the film is made of: its picture size and rate, each clip's frames at that rate, and
/// the clips' common audio (null when they have none).
struct FilmPlan {
  int width = 0;
  int height = 0;
  AVRational rate{24, 1};
  std::vector<std::int64_t> frames;
  ParametersPtr audio;
  AVRational audio_time_base{1, 48000};
};

int find_stream(AVFormatContext& input, AVMediaType type) {
  return av().av_find_best_stream(&input, type, -1, -1, nullptr, 0);
}

Unexpected audio_mismatch(const StitchClip& first, const StitchClip& clip, const std::string& why) {
  return unexpected(ErrorCode::invalid_argument,
                    "Cannot re-encode '" + clip.label + "' (" + clip.file.string() + ") with '" +
                        first.label + "': " + why +
                        "; only identical audio is carried into a re-encoded film.");
}

/// The film's size and rate are the first clip's; the audio must be the same in every clip.
Result<FilmPlan> plan_film(const std::vector<StitchClip>& clips) {
  FilmPlan plan;
  InputPtr first;
  int first_audio = -1;
  for (const auto& clip : clips) {
    auto input = open_input(clip.file);
    if (!input) return unexpected(input.error());
    const int video = find_stream(**input, AVMEDIA_TYPE_VIDEO);
    if (video < 0)
      return unexpected(ErrorCode::invalid_argument, clip.file.string() + " has no video stream.");
    const int audio = find_stream(**input, AVMEDIA_TYPE_AUDIO);
    if (!first) {
      const AVStream& v = *(*input)->streams[video];
      plan.width = v.codecpar->width & ~1;
      plan.height = v.codecpar->height & ~1;
      const auto rate = v.avg_frame_rate.num > 0 ? v.avg_frame_rate : v.r_frame_rate;
      if (rate.num > 0 && rate.den > 0) plan.rate = rate;
    }
    const auto slots = av().av_rescale_q_rnd(clip_length(**input), AV_TIME_BASE_Q,
                                             av_inv_q(plan.rate), AV_ROUND_NEAR_INF);
    plan.frames.push_back(std::max<std::int64_t>(1, slots));
    if (!first) {
      first = std::move(*input);
      first_audio = audio;
      continue;
    }
    if ((audio < 0) != (first_audio < 0))
      return audio_mismatch(clips.front(), clip,
                            audio < 0 ? "it has no audio, the first clip has"
                                      : "it has audio, the first clip has none");
    if (audio < 0) continue;
    const auto why = stream_difference(*first->streams[first_audio], *(*input)->streams[audio]);
    if (!why.empty()) return audio_mismatch(clips.front(), clip, "its audio has " + why);
  }
  if (plan.width < 2 || plan.height < 2)
    return unexpected(ErrorCode::invalid_argument,
                      clips.front().file.string() + " has no picture size.");
  if (first_audio >= 0) {
    plan.audio.reset(av().avcodec_parameters_alloc());
    if (!plan.audio ||
        av().avcodec_parameters_copy(plan.audio.get(), first->streams[first_audio]->codecpar) < 0)
      return unexpected(ErrorCode::internal, "Out of memory.");
    plan.audio_time_base = first->streams[first_audio]->time_base;
  }
  return plan;
}

/// The film's muxer and its H.264 encoder.
class FilmEncoder {
public:
  Result<void> open(const fs::path& part, const FilmPlan& plan,
                    const std::vector<StitchClip>& clips) {
    AVFormatContext* raw = nullptr;
    if (const int rc = av().avformat_alloc_output_context2(&raw, nullptr, "mp4", part.c_str());
        rc < 0)
      return unexpected(ErrorCode::internal, "Cannot make an MP4 muxer: " + av_text(rc) + ".");
    m_output.reset(raw);
    if (auto ok = open_encoder(plan); !ok) return ok;
    m_video = av().avformat_new_stream(m_output.get(), nullptr);
    if (!m_video || av().avcodec_parameters_from_context(m_video->codecpar, m_encoder.get()) < 0)
      return unexpected(ErrorCode::internal, "Cannot add a video stream to the film.");
    m_video->time_base = m_encoder->time_base;
    m_video->avg_frame_rate = plan.rate;
    if (plan.audio) {
      m_audio = av().avformat_new_stream(m_output.get(), nullptr);
      if (!m_audio || av().avcodec_parameters_copy(m_audio->codecpar, plan.audio.get()) < 0)
        return unexpected(ErrorCode::internal, "Cannot add an audio stream to the film.");
      m_audio->codecpar->codec_tag = 0;
      m_audio->time_base = plan.audio_time_base;
    }
    std::vector<std::int64_t> lengths;
    for (const auto frames : plan.frames)
      lengths.push_back(av().av_rescale_q(frames, av_inv_q(plan.rate), AV_TIME_BASE_Q));
    if (!add_chapters(*m_output, clips, lengths))
      return unexpected(ErrorCode::internal, "Cannot add a chapter.");
    m_packet.reset(av().av_packet_alloc());
    return start_film(*m_output, part);
  }

  /// Sends one picture (null: the end) and writes every packet that comes out.
  Result<void> encode(const AVFrame* frame) {
    int rc = av().avcodec_send_frame(m_encoder.get(), frame);
    if (rc < 0) return unexpected(ErrorCode::internal, "Encoding failed: " + av_text(rc) + ".");
    while ((rc = av().avcodec_receive_packet(m_encoder.get(), m_packet.get())) >= 0) {
      av().av_packet_rescale_ts(m_packet.get(), m_encoder->time_base, m_video->time_base);
      m_packet->stream_index = m_video->index;
      if (auto ok = write(*m_packet); !ok) return ok;
    }
    if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF)
      return unexpected(ErrorCode::internal, "Encoding failed: " + av_text(rc) + ".");
    return {};
  }

  /// Copies an audio packet of a clip, shifted by `shift` microseconds.
  Result<void> copy_audio(AVPacket& packet, AVRational time_base, std::int64_t shift) {
    if (!m_audio) return {};
    shift_packet(packet, time_base, m_audio->time_base, shift, m_last_audio_dts);
    packet.stream_index = m_audio->index;
    return write(packet);
  }

  std::uint64_t packets() const { return m_packets; }
  OutputPtr take_output() { return std::move(m_output); }

private:
  Result<void> open_encoder(const FilmPlan& plan) {
    const AVCodec* codec = av().avcodec_find_encoder_by_name("libx264");
    if (!codec)
      return unexpected(ErrorCode::unsupported,
                        "Re-encoding needs FFmpeg's libx264 H.264 encoder, which this libavcodec "
                        "was built without.");
    m_encoder.reset(av().avcodec_alloc_context3(codec));
    auto* c = m_encoder.get();
    c->width = plan.width;
    c->height = plan.height;
    c->sample_aspect_ratio = AVRational{1, 1};
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = av_inv_q(plan.rate);
    c->framerate = plan.rate;
    c->gop_size = std::max(1, static_cast<int>(av_q2d(plan.rate) * 2 + 0.5));
    c->thread_count = 0;
    if (m_output->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av().av_opt_set(c->priv_data, "preset", "veryfast", 0);
    av().av_opt_set(c->priv_data, "crf", "18", 0); // visually lossless
    if (const int rc = av().avcodec_open2(c, codec, nullptr); rc < 0)
      return unexpected(ErrorCode::internal, "Cannot open the H.264 encoder: " + av_text(rc) + ".");
    return {};
  }

  Result<void> write(AVPacket& packet) {
    if (const int rc = av().av_interleaved_write_frame(m_output.get(), &packet); rc < 0)
      return unexpected(ErrorCode::io, "Writing the film failed: " + av_text(rc) + ".");
    ++m_packets;
    return {};
  }

  OutputPtr m_output;
  CodecPtr m_encoder;
  PacketPtr m_packet;
  AVStream* m_video = nullptr;
  AVStream* m_audio = nullptr;
  std::int64_t m_last_audio_dts = AV_NOPTS_VALUE;
  std::uint64_t m_packets = 0;
};

/// The film's picture: a decoded picture scaled to fit, centred, black around it.
class Canvas {
public:
  Result<void> init(int width, int height) {
    m_frame.reset(av().av_frame_alloc());
    m_frame->format = AV_PIX_FMT_YUV420P;
    m_frame->width = width;
    m_frame->height = height;
    if (av().av_frame_get_buffer(m_frame.get(), 0) < 0)
      return unexpected(ErrorCode::internal, "Out of memory.");
    return {};
  }

  Result<void> draw(const AVFrame& picture) {
    const int width = m_frame->width;
    const int height = m_frame->height;
    const double scale = std::min(double(width) / picture.width, double(height) / picture.height);
    const int w = std::clamp(static_cast<int>(picture.width * scale + 0.5) & ~1, 2, width);
    const int h = std::clamp(static_cast<int>(picture.height * scale + 0.5) & ~1, 2, height);
    const int x = ((width - w) / 2) & ~1;
    const int y = ((height - h) / 2) & ~1;
    if (av().av_frame_make_writable(m_frame.get()) < 0)
      return unexpected(ErrorCode::internal, "Out of memory.");
    if (w < width || h < height) paint_black();
    m_sws.reset(av().sws_getCachedContext(
        m_sws.release(), picture.width, picture.height, static_cast<AVPixelFormat>(picture.format),
        w, h, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!m_sws)
      return unexpected(ErrorCode::invalid_argument,
                        "Cannot convert the video's pixel format for re-encoding.");
    // Scaled into a picture of its own (libswscale may write past a row's end), then placed.
    if (!m_scaled || m_scaled->width != w || m_scaled->height != h) {
      m_scaled.reset(av().av_frame_alloc());
      m_scaled->format = AV_PIX_FMT_YUV420P;
      m_scaled->width = w;
      m_scaled->height = h;
      if (av().av_frame_get_buffer(m_scaled.get(), 0) < 0)
        return unexpected(ErrorCode::internal, "Out of memory.");
    }
    av().sws_scale(m_sws.get(), picture.data, picture.linesize, 0, picture.height, m_scaled->data,
                   m_scaled->linesize);
    for (int plane = 0; plane < 3; ++plane) {
      const int shift = plane == 0 ? 0 : 1;
      for (int row = 0; row < (h >> shift); ++row)
        std::memcpy(m_frame->data[plane] + ((y >> shift) + row) * m_frame->linesize[plane] +
                        (x >> shift),
                    m_scaled->data[plane] + row * m_scaled->linesize[plane], w >> shift);
    }
    return {};
  }

  const AVFrame& frame() const { return *m_frame; }

private:
  void paint_black() {
    const int height = m_frame->height;
    std::memset(m_frame->data[0], 16, static_cast<std::size_t>(m_frame->linesize[0]) * height);
    std::memset(m_frame->data[1], 128, static_cast<std::size_t>(m_frame->linesize[1]) * height / 2);
    std::memset(m_frame->data[2], 128, static_cast<std::size_t>(m_frame->linesize[2]) * height / 2);
  }

  FramePtr m_frame;
  FramePtr m_scaled;
  SwsPtr m_sws;
};

/// One clip's pictures placed on the film's frame slots [first, first + count): each slot shows
/// the picture decoded nearest before it (repeated to fill, dropped when two share a slot).
class ClipFrames {
public:
  ClipFrames(FilmEncoder& film, Canvas& canvas, std::int64_t first, std::int64_t count)
      : m_film(film), m_canvas(canvas), m_first(first), m_count(count),
        m_pending(av().av_frame_alloc()) {}

  /// Takes a decoded picture that belongs in `slot` (relative to the clip).
  Result<void> take(AVFrame& picture, std::int64_t slot) {
    if (m_pending->width > 0) {
      if (auto ok = fill_until(std::min(slot, m_count)); !ok) return ok;
    }
    av().av_frame_unref(m_pending.get());
    av().av_frame_move_ref(m_pending.get(), &picture);
    m_drawn = false;
    return {};
  }

  Result<void> finish(const fs::path& file) {
    if (m_pending->width == 0)
      return unexpected(ErrorCode::invalid_argument, file.string() + " has no frames.");
    return fill_until(m_count);
  }

  std::int64_t next() const { return m_next; }

private:
  Result<void> fill_until(std::int64_t slot) {
    for (; m_next < slot; ++m_next) {
      if (!m_drawn) {
        if (auto ok = m_canvas.draw(*m_pending); !ok) return ok;
        m_drawn = true;
      }
      FramePtr copy(av().av_frame_clone(&m_canvas.frame()));
      if (!copy) return unexpected(ErrorCode::internal, "Out of memory.");
      copy->pts = m_first + m_next;
      copy->pict_type = AV_PICTURE_TYPE_NONE;
      if (auto ok = m_film.encode(copy.get()); !ok) return ok;
    }
    return {};
  }

  FilmEncoder& m_film;
  Canvas& m_canvas;
  std::int64_t m_first;
  std::int64_t m_count;
  std::int64_t m_next = 0;
  FramePtr m_pending;
  bool m_drawn = false;
};

/// Decodes one clip into the film from frame slot `first`; copies its audio alongside.
Result<void> encode_clip(const StitchClip& clip, const FilmPlan& plan, FilmEncoder& film,
                         Canvas& canvas, std::int64_t first, std::int64_t count) {
  auto input = open_input(clip.file);
  if (!input) return unexpected(input.error());
  const int video = find_stream(**input, AVMEDIA_TYPE_VIDEO);
  const int audio = find_stream(**input, AVMEDIA_TYPE_AUDIO);
  const AVStream& stream = *(*input)->streams[video];
  auto decoder = open_decoder(stream);
  if (!decoder) return unexpected(decoder.error());
  const auto start_us = (*input)->start_time == AV_NOPTS_VALUE ? 0 : (*input)->start_time;
  const auto start = av().av_rescale_q(start_us, AV_TIME_BASE_Q, stream.time_base);
  const auto shift = av().av_rescale_q(first, av_inv_q(plan.rate), AV_TIME_BASE_Q) - start_us;
  ClipFrames frames(film, canvas, first, count);
  PacketPtr packet(av().av_packet_alloc());
  FramePtr picture(av().av_frame_alloc());
  auto receive = [&]() -> Result<void> {
    int rc = 0;
    while ((rc = av().avcodec_receive_frame(decoder->get(), picture.get())) >= 0) {
      const auto pts = picture->best_effort_timestamp;
      const auto slot = pts == AV_NOPTS_VALUE
                            ? frames.next()
                            : av().av_rescale_q_rnd(pts - start, stream.time_base,
                                                    av_inv_q(plan.rate), AV_ROUND_NEAR_INF);
      if (auto ok = frames.take(*picture, slot); !ok) return ok;
    }
    if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF)
      return unexpected(ErrorCode::invalid_argument,
                        "Decoding " + clip.file.string() + " failed: " + av_text(rc) + ".");
    return {};
  };
  while (true) {
    const int rc = av().av_read_frame(input->get(), packet.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0)
      return unexpected(ErrorCode::io,
                        "Reading " + clip.file.string() + " failed: " + av_text(rc) + ".");
    Result<void> ok;
    if (packet->stream_index == video) {
      const int sent = av().avcodec_send_packet(decoder->get(), packet.get());
      if (sent < 0 && sent != AVERROR_INVALIDDATA)
        ok = unexpected(ErrorCode::invalid_argument,
                        "Decoding " + clip.file.string() + " failed: " + av_text(sent) + ".");
      else
        ok = receive();
    } else if (packet->stream_index == audio) {
      ok = film.copy_audio(*packet, (*input)->streams[audio]->time_base, shift);
    }
    av().av_packet_unref(packet.get());
    if (!ok) return ok;
  }
  av().avcodec_send_packet(decoder->get(), nullptr);
  if (auto ok = receive(); !ok) return ok;
  return frames.finish(clip.file);
}

Result<StitchResult> encode_film(const std::vector<StitchClip>& clips, const FilmPlan& plan,
                                 const fs::path& part, const fs::path& output, bool overwrite) {
  FilmEncoder film;
  if (auto ok = film.open(part, plan, clips); !ok) return unexpected(ok.error());
  Canvas canvas;
  if (auto ok = canvas.init(plan.width, plan.height); !ok) return unexpected(ok.error());
  std::int64_t slot = 0;
  for (std::size_t i = 0; i < clips.size(); ++i) {
    if (auto ok = encode_clip(clips[i], plan, film, canvas, slot, plan.frames[i]); !ok)
      return unexpected(ok.error());
    slot += plan.frames[i];
  }
  if (auto ok = film.encode(nullptr); !ok) return unexpected(ok.error());
  StitchResult result;
  result.packets = film.packets();
  result.reencoded = true;
  result.duration_seconds = static_cast<double>(slot) * av_q2d(av_inv_q(plan.rate));
  if (auto ok = finish_film(film.take_output(), part, output, overwrite); !ok)
    return unexpected(ok.error());
  return result;
}

} // namespace

Result<StitchResult> reencode_clips(const std::vector<StitchClip>& clips, const fs::path& output,
                                    bool overwrite) {
  if (clips.empty()) return unexpected(ErrorCode::invalid_argument, "There are no clips to join.");
  std::error_code ec;
  if (!overwrite && fs::exists(output, ec))
    return unexpected(ErrorCode::invalid_argument, output.string() + " already exists.");
  auto plan = plan_film(clips);
  if (!plan) return unexpected(plan.error());
  auto part = output;
  part += ".part";
  auto result = encode_film(clips, *plan, part, output, overwrite);
  if (!result) ::unlink(part.c_str());
  return result;
}

} // namespace sora
