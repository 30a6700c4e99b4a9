// Stitching by stream copy: every clip's packets are copied unchanged into one MP4 (libavformat
// remux), their timestamps shifted by the length of the clips before; one chapter per clip. Clips
// are opened one at a time, so memory stays flat in their number and length.
#include "media/av.hpp"

#include <sora/media.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>

namespace sora {
namespace {

using namespace media;
namespace fs = std::filesystem;

std::string describe(const AVCodecParameters& p) {
  std::string text = av().avcodec_get_name(p.codec_id);
  if (p.codec_type == AVMEDIA_TYPE_VIDEO)
    text += " " + std::to_string(p.width) + "x" + std::to_string(p.height);
  if (p.codec_type == AVMEDIA_TYPE_AUDIO)
    text += " " + std::to_string(p.sample_rate) + " Hz " + std::to_string(p.ch_layout.nb_channels) +
            " ch";
  return text;
}

/// Why two streams cannot share one track, or empty when they can.
std::string difference(const AVCodecParameters& a, const AVCodecParameters& b) {
  if (a.codec_type != b.codec_type || a.codec_id != b.codec_id)
    return describe(b) + " instead of " + describe(a);
  if (a.width != b.width || a.height != b.height || a.sample_rate != b.sample_rate ||
      a.ch_layout.nb_channels != b.ch_layout.nb_channels)
    return describe(b) + " instead of " + describe(a);
  if (a.format != b.format) return "a different pixel or sample format";
  if (a.profile != b.profile || a.level != b.level) return "a different codec profile or level";
  if (a.extradata_size != b.extradata_size ||
      (a.extradata_size > 0 && std::memcmp(a.extradata, b.extradata, a.extradata_size) != 0))
    return "different codec parameters (encoder settings)";
  return {};
}

/// The length of a clip in microseconds: where its longest stream ends.
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

Unexpected mismatch(const StitchClip& first, const StitchClip& clip, const std::string& why) {
  return unexpected(ErrorCode::invalid_argument, "Cannot join " + clip.file.string() + " to " +
                                                     first.file.string() +
                                                     " without re-encoding: it has " + why + ".");
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
      const auto why = difference(*first->streams[i]->codecpar, *(*input)->streams[i]->codecpar);
      if (!why.empty()) return mismatch(clips.front(), clip, why);
    }
  }
  return lengths;
}

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

Result<OutputPtr> open_output(const fs::path& part, const fs::path& first_clip,
                              const std::vector<StitchClip>& clips,
                              const std::vector<std::int64_t>& lengths) {
  auto model = open_input(first_clip);
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
  std::int64_t start = 0;
  for (std::size_t i = 0; i < clips.size(); ++i) {
    if (!add_chapter(*output, static_cast<std::int64_t>(i), start, start + lengths[i],
                     clips[i].label))
      return unexpected(ErrorCode::internal, "Cannot add a chapter.");
    start += lengths[i];
  }
  if (const int rc = av().avio_open(&output->pb, part.c_str(), AVIO_FLAG_WRITE); rc < 0)
    return unexpected(ErrorCode::io, "Cannot write " + part.string() + ": " + av_text(rc) + ".");
  if (const int rc = av().avformat_write_header(output.get(), nullptr); rc < 0)
    return unexpected(ErrorCode::io, "Cannot write the film's header: " + av_text(rc) + ".");
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
    const AVRational in_tb = (*input)->streams[index]->time_base;
    const AVRational out_tb = output.streams[index]->time_base;
    const auto shift = av().av_rescale_q(offset - start, AV_TIME_BASE_Q, in_tb);
    if (packet->pts != AV_NOPTS_VALUE) packet->pts += shift;
    if (packet->dts != AV_NOPTS_VALUE) packet->dts += shift;
    av().av_packet_rescale_ts(packet.get(), in_tb, out_tb);
    if (packet->dts != AV_NOPTS_VALUE) {
      if (packet->dts <= last_dts[index]) packet->dts = last_dts[index] + 1;
      if (packet->pts != AV_NOPTS_VALUE && packet->pts < packet->dts) packet->pts = packet->dts;
      last_dts[index] = packet->dts;
    }
    packet->pos = -1;
    if (const int w = av().av_interleaved_write_frame(&output, packet.get()); w < 0)
      return unexpected(ErrorCode::io, "Writing the film failed: " + av_text(w) + ".");
    ++count;
  }
  return count;
}

} // namespace

Result<StitchResult> stitch_clips(const std::vector<StitchClip>& clips, const fs::path& output,
                                  bool overwrite) {
  if (clips.empty()) return unexpected(ErrorCode::invalid_argument, "There are no clips to join.");
  std::error_code ec;
  if (!overwrite && fs::exists(output, ec))
    return unexpected(ErrorCode::invalid_argument, output.string() + " already exists.");
  auto lengths = check_clips(clips);
  if (!lengths) return unexpected(lengths.error());
  auto part = output;
  part += ".part";
  auto muxer = open_output(part, clips.front().file, clips, *lengths);
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
  const int trailer = av().av_write_trailer(muxer->get());
  const int flushed = trailer < 0 ? trailer : av().avio_closep(&(*muxer)->pb);
  muxer->reset();
  if (trailer < 0 || flushed < 0 || ::rename(part.c_str(), output.c_str()) != 0) {
    ::unlink(part.c_str());
    return unexpected(ErrorCode::io, "Cannot finish " + output.string() + ": " +
                                         av_text(trailer < 0 ? trailer : flushed) + ".");
  }
  result.duration_seconds = static_cast<double>(offset) / AV_TIME_BASE;
  return result;
}

} // namespace sora
