// Stitching by stream copy: every clip's packets are copied unchanged into one MP4 (libavformat
// remux), their timestamps shifted by the length of the clips before; one chapter per clip. Clips
// are opened one at a time, so memory stays flat in their number and length. Clips whose codec
// parameters differ are re-encoded (reencode.cpp) when the caller allows it.
#include "common/atomic_file.hpp"
#include "media/av.hpp"

#include <sora/media.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace sora {
namespace fs = std::filesystem;

namespace media {
namespace {

std::string describe(const AVCodecParameters& p) {
  std::string text = av().avcodec_get_name(p.codec_id);
  if (p.codec_type == AVMEDIA_TYPE_VIDEO)
    text += " " + std::to_string(p.width) + "x" + std::to_string(p.height);
  if (p.codec_type == AVMEDIA_TYPE_AUDIO)
    text += " " + std::to_string(p.sample_rate) + " Hz " + std::to_string(p.ch_layout.nb_channels) +
            " ch";
  return text;
}

std::string rate_text(AVRational rate) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g fps", av_q2d(rate));
  return text;
}

AVRational frame_rate(const AVStream& s) {
  return s.avg_frame_rate.num > 0 ? s.avg_frame_rate : s.r_frame_rate;
}

} // namespace

std::string stream_difference(const AVStream& sa, const AVStream& sb) {
  const auto& a = *sa.codecpar;
  const auto& b = *sb.codecpar;
  if (a.codec_type != b.codec_type || a.codec_id != b.codec_id)
    return describe(b) + " instead of " + describe(a);
  if (a.width != b.width || a.height != b.height || a.sample_rate != b.sample_rate ||
      a.ch_layout.nb_channels != b.ch_layout.nb_channels)
    return describe(b) + " instead of " + describe(a);
  if (a.codec_type == AVMEDIA_TYPE_VIDEO && av_cmp_q(frame_rate(sa), frame_rate(sb)) != 0)
    return rate_text(frame_rate(sb)) + " instead of " + rate_text(frame_rate(sa));
  if (a.format != b.format) return "a different pixel or sample format";
  if (a.profile != b.profile || a.level != b.level) return "a different codec profile or level";
  if (a.extradata_size != b.extradata_size ||
      (a.extradata_size > 0 && std::memcmp(a.extradata, b.extradata, a.extradata_size) != 0))
    return "different codec parameters (encoder settings)";
  return {};
}

std::int64_t clip_length(const AVFormatContext& clip) {
  std::int64_t length = 0;
  for (unsigned i = 0; i < clip.nb_streams; ++i) {
    const auto* s = clip.streams[i];
    if (s->duration <= 0) continue;
    const auto start = s->start_time == AV_NOPTS_VALUE ? 0 : s->start_time;
    length = std::max(length, av().av_rescale_q(start + s->duration, s->time_base, AV_TIME_BASE_Q));
  }
  if (length == 0 && clip.duration > 0) length = clip.duration;
  return length;
}

namespace {

/// Appends a chapter (libavformat frees it with the context), as the ffmpeg tool does.
bool add_chapter(AVFormatContext& output, std::int64_t id, std::int64_t start, std::int64_t end,
                 const std::string& title) {
  auto* chapter = static_cast<AVChapter*>(av().av_mallocz(sizeof(AVChapter)));
  if (!chapter) return false;
  chapter->id = id;
  chapter->time_base = AV_TIME_BASE_Q;
  chapter->start = start;
  chapter->end = end;
  av().av_dict_set(&chapter->metadata, "title", title.c_str(), 0);
  auto* grown = static_cast<AVChapter**>(
      av().av_realloc_array(output.chapters, output.nb_chapters + 1, sizeof(AVChapter*)));
  if (!grown) {
    av().av_dict_free(&chapter->metadata);
    av().av_free(chapter);
    return false;
  }
  output.chapters = grown;
  output.chapters[output.nb_chapters++] = chapter;
  return true;
}

} // namespace

bool add_chapters(AVFormatContext& output, const std::vector<StitchClip>& clips,
                  const std::vector<std::int64_t>& lengths) {
  std::int64_t start = 0;
  std::int64_t id = 0;
  for (std::size_t i = 0; i < clips.size() && i < lengths.size(); ++i) {
    const auto end = start + lengths[i];
    auto from = start;
    for (const auto& [title, seconds] : clips[i].leading) {
      const auto to = std::min(end, start + static_cast<std::int64_t>(seconds * AV_TIME_BASE));
      if (to <= from) continue;
      if (!add_chapter(output, id++, from, to, title)) return false;
      from = to;
    }
    if (!add_chapter(output, id++, from, end, clips[i].label)) return false;
    start = end;
  }
  return true;
}

void shift_packet(AVPacket& packet, AVRational in, AVRational out, std::int64_t shift,
                  std::int64_t& last_dts) {
  const auto ticks = av().av_rescale_q(shift, AV_TIME_BASE_Q, in);
  if (packet.pts != AV_NOPTS_VALUE) packet.pts += ticks;
  if (packet.dts != AV_NOPTS_VALUE) packet.dts += ticks;
  av().av_packet_rescale_ts(&packet, in, out);
  if (packet.dts != AV_NOPTS_VALUE) {
    if (last_dts != AV_NOPTS_VALUE && packet.dts <= last_dts) packet.dts = last_dts + 1;
    if (packet.pts != AV_NOPTS_VALUE && packet.pts < packet.dts) packet.pts = packet.dts;
    last_dts = packet.dts;
  }
  packet.pos = -1;
}

Result<void> start_film(AVFormatContext& output, const fs::path& part) {
  if (const int rc = av().avio_open(&output.pb, part.c_str(), AVIO_FLAG_WRITE); rc < 0)
    return unexpected(ErrorCode::io, "Cannot write " + part.string() + ": " + av_text(rc) + ".");
  if (const int rc = av().avformat_write_header(&output, nullptr); rc < 0)
    return unexpected(ErrorCode::io, "Cannot write the film's header: " + av_text(rc) + ".");
  return {};
}

Result<void> finish_film(OutputPtr output, const fs::path& part, const fs::path& film,
                         bool overwrite) {
  const int trailer = av().av_write_trailer(output.get());
  const int closed = av().avio_closep(&output->pb);
  output.reset();
  if (trailer < 0 || closed < 0) {
    ::unlink(part.c_str());
    return unexpected(ErrorCode::io, "Cannot finish " + film.string() + ": " +
                                         av_text(trailer < 0 ? trailer : closed) + ".");
  }
  const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  const int sync_error = errno;
  if (fd >= 0) ::close(fd);
  const int renamed = synced ? detail::rename_durably(part, film, overwrite) : sync_error;
  if (renamed == 0) return {};
  ::unlink(part.c_str());
  if (renamed == EEXIST)
    return unexpected(ErrorCode::invalid_argument, film.string() + " already exists.");
  return detail::io_error("Cannot write", film, renamed);
}

} // namespace media

namespace {

using namespace media;

Unexpected mismatch(const StitchClip& first, const StitchClip& clip, const std::string& why) {
  auto name = [](const StitchClip& c) {
    return c.label.empty() ? c.file.string() : "'" + c.label + "' (" + c.file.string() + ")";
  };
  Error error;
  error.code = ErrorCode::invalid_argument;
  error.message = "Cannot join " + name(clip) + " to " + name(first) +
                  " without re-encoding: it has " + why + ".";
  error.hint = "Make the clips with the same settings, or allow a re-encode (`reencode`).";
  error.setting = "reencode";
  return unexpected(std::move(error));
}

/// Checks every clip against the first and returns each one's length (microseconds).
Result<std::vector<std::int64_t>> check_clips(const std::vector<StitchClip>& clips) {
  std::vector<std::int64_t> lengths;
  InputPtr first;
  for (const auto& clip : clips) {
    auto input = open_input(clip.file);
    if (!input) return unexpected(input.error());
    lengths.push_back(clip_length(**input));
    if (!first) {
      first = std::move(*input);
      continue;
    }
    if ((*input)->nb_streams != first->nb_streams)
      return mismatch(clips.front(), clip,
                      std::to_string((*input)->nb_streams) + " streams instead of " +
                          std::to_string(first->nb_streams));
    for (unsigned i = 0; i < first->nb_streams; ++i) {
      const auto why = stream_difference(*first->streams[i], *(*input)->streams[i]);
      if (!why.empty()) return mismatch(clips.front(), clip, why);
    }
  }
  return lengths;
}

Result<OutputPtr> open_output(const fs::path& part, const std::vector<StitchClip>& clips,
                              const std::vector<std::int64_t>& lengths) {
  auto model = open_input(clips.front().file);
  if (!model) return unexpected(model.error());
  AVFormatContext* raw = nullptr;
  if (const int rc = av().avformat_alloc_output_context2(&raw, nullptr, "mp4", part.c_str());
      rc < 0)
    return unexpected(ErrorCode::internal, "Cannot make an MP4 muxer: " + av_text(rc) + ".");
  OutputPtr output(raw);
  for (unsigned i = 0; i < (*model)->nb_streams; ++i) {
    const AVStream* in = (*model)->streams[i];
    AVStream* out = av().avformat_new_stream(output.get(), nullptr);
    if (!out || av().avcodec_parameters_copy(out->codecpar, in->codecpar) < 0)
      return unexpected(ErrorCode::internal, "Cannot add a stream to the film.");
    out->codecpar->codec_tag = 0;
    out->time_base = in->time_base;
    out->avg_frame_rate = in->avg_frame_rate;
    av().av_dict_copy(&out->metadata, in->metadata, 0);
  }
  if (!add_chapters(*output, clips, lengths))
    return unexpected(ErrorCode::internal, "Cannot add a chapter.");
  if (auto ok = start_film(*output, part); !ok) return unexpected(ok.error());
  return output;
}

/// Copies one clip's packets into `output`, shifted by `offset` microseconds.
Result<std::uint64_t> copy_clip(const StitchClip& clip, AVFormatContext& output,
                                std::int64_t offset, std::vector<std::int64_t>& last_dts) {
  auto input = open_input(clip.file);
  if (!input) return unexpected(input.error());
  const auto start = (*input)->start_time == AV_NOPTS_VALUE ? 0 : (*input)->start_time;
  PacketPtr packet(av().av_packet_alloc());
  std::uint64_t count = 0;
  while (true) {
    const int rc = av().av_read_frame(input->get(), packet.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0)
      return unexpected(ErrorCode::io,
                        "Reading " + clip.file.string() + " failed: " + av_text(rc) + ".");
    const auto index = static_cast<unsigned>(packet->stream_index);
    if (index >= output.nb_streams) {
      av().av_packet_unref(packet.get());
      continue;
    }
    shift_packet(*packet, (*input)->streams[index]->time_base, output.streams[index]->time_base,
                 offset - start, last_dts[index]);
    if (const int w = av().av_interleaved_write_frame(&output, packet.get()); w < 0)
      return unexpected(ErrorCode::io, "Writing the film failed: " + av_text(w) + ".");
    ++count;
  }
  return count;
}

} // namespace

Result<StitchResult> stitch_clips(const std::vector<StitchClip>& clips, const fs::path& output,
                                  bool overwrite, bool reencode) {
  if (clips.empty()) return unexpected(ErrorCode::invalid_argument, "There are no clips to join.");
  std::error_code ec;
  if (!overwrite && fs::exists(output, ec))
    return unexpected(ErrorCode::invalid_argument, output.string() + " already exists.");
  auto lengths = check_clips(clips);
  if (!lengths && reencode && lengths.error().setting == "reencode")
    return reencode_clips(clips, output, overwrite);
  if (!lengths) return unexpected(lengths.error());
  auto part = output;
  part += ".part";
  auto muxer = open_output(part, clips, *lengths);
  if (!muxer) {
    ::unlink(part.c_str());
    return unexpected(muxer.error());
  }
  StitchResult result;
  std::vector<std::int64_t> last_dts((*muxer)->nb_streams, AV_NOPTS_VALUE);
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < clips.size(); ++i) {
    auto copied = copy_clip(clips[i], **muxer, offset, last_dts);
    if (!copied) {
      muxer->reset();
      ::unlink(part.c_str());
      return unexpected(copied.error());
    }
    result.packets += *copied;
    offset += (*lengths)[i];
  }
  if (auto ok = finish_film(std::move(*muxer), part, output, overwrite); !ok)
    return unexpected(ok.error());
  result.duration_seconds = static_cast<double>(offset) / AV_TIME_BASE;
  return result;
}

} // namespace sora
