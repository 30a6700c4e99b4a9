// `inspect`: what libavformat reads of a media file (container, streams, chapters), plus the
// C2PA manifest found by provenance.cpp.
#include "media/av.hpp"

#include <sora/media.hpp>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <system_error>

namespace sora {
namespace {

using namespace media;

std::string container_name(const AVFormatContext& input) {
  const std::string name = input.iformat->name;
  if (name.rfind("mov,mp4", 0) != 0) return name;
  const auto* brand = av().av_dict_get(input.metadata, "major_brand", nullptr, 0);
  return brand && std::string(brand->value).rfind("qt", 0) == 0 ? "mov" : "mp4";
}

void read_video(const AVStream& stream, MediaInfo& info) {
  const auto& par = *stream.codecpar;
  info.has_video = true;
  info.video_codec = av().avcodec_get_name(par.codec_id);
  if (const char* profile = av().avcodec_profile_name(par.codec_id, par.profile)) {
    info.video_profile = profile;
  }
  info.width = par.width;
  info.height = par.height;
  const auto rate = stream.avg_frame_rate.num > 0 ? stream.avg_frame_rate : stream.r_frame_rate;
  info.frame_rate = rate.den > 0 ? av_q2d(rate) : 0;
  info.frames = stream.nb_frames;
  if (const char* format = av().av_get_pix_fmt_name(static_cast<AVPixelFormat>(par.format))) {
    info.pixel_format = format;
  }
}

void read_audio(const AVStream& stream, MediaInfo& info) {
  const auto& par = *stream.codecpar;
  info.has_audio = true;
  info.audio_codec = av().avcodec_get_name(par.codec_id);
  info.sample_rate = par.sample_rate;
  info.channels = par.ch_layout.nb_channels;
}

} // namespace

Result<MediaInfo> inspect_media(const std::filesystem::path& path) {
  auto input = open_input(path);
  if (!input) return unexpected(input.error());
  const AVFormatContext& ctx = **input;
  MediaInfo info;
  std::error_code ec;
  info.file_bytes = std::filesystem::file_size(path, ec);
  info.container = container_name(ctx);
  info.duration_seconds = ctx.duration > 0 ? static_cast<double>(ctx.duration) / AV_TIME_BASE : 0;
  info.bit_rate = ctx.bit_rate > 0 ? static_cast<std::uint64_t>(ctx.bit_rate) : 0;
  for (unsigned i = 0; i < ctx.nb_streams; ++i) {
    const AVStream& stream = *ctx.streams[i];
    if (stream.disposition & AV_DISPOSITION_ATTACHED_PIC) continue;
    const auto type = stream.codecpar->codec_type;
    if (type == AVMEDIA_TYPE_VIDEO && !info.has_video) read_video(stream, info);
    if (type == AVMEDIA_TYPE_AUDIO && !info.has_audio) read_audio(stream, info);
  }
  for (unsigned i = 0; i < ctx.nb_chapters; ++i) {
    const auto* title = av().av_dict_get(ctx.chapters[i]->metadata, "title", nullptr, 0);
    info.chapters.emplace_back(title ? title->value : "");
  }
  auto provenance = read_provenance(path);
  if (provenance) info.provenance = std::move(*provenance);
  return info;
}

} // namespace sora
