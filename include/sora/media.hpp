// Video files on disk: exact frames, inspection (streams, C2PA manifest), stitching by stream
// copy, contact sheets. FFmpeg's libraries do the work inside the core; nothing here names them.
#pragma once

#include <sora/result.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sora {

/// Which frame of a video to take.
struct FramePick {
  enum class Kind {
    first, ///< the first decoded frame
    last,  ///< the last decoded frame (the whole video is decoded; no seek near the end)
    at,    ///< the frame shown at `seconds` from the start (the last one at or before it)
  };
  Kind kind = Kind::first;
  double seconds = 0;
};

/// An RGB picture, 3 bytes per pixel, rows packed.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
};

/// Decodes the frame `pick` of the first video stream of `video`, converted to RGB.
/// Fails with invalid_argument when the file is not a video or `at` lies past its end, io when
/// it cannot be read.
Result<RgbImage> read_frame(const std::filesystem::path& video, FramePick pick);

/// Writes `image` as a PNG, atomically (a temporary file in the same folder, flushed, renamed).
/// Refuses an existing file unless `overwrite`.
Result<void> write_png(const std::filesystem::path& path, const RgbImage& image,
                       bool overwrite = true);

/// Reads an image file (JPEG, PNG, WebP) as RGB.
Result<RgbImage> read_image(const std::filesystem::path& path);

/// The peak signal-to-noise ratio of two pictures of one size, in dB (infinity when identical).
Result<double> psnr(const RgbImage& a, const RgbImage& b);

/// A C2PA manifest found in a file, and what could be read of its active claim.
struct ProvenanceInfo {
  bool present = false;        ///< a C2PA manifest store is embedded (MP4 `uuid` box, JUMBF)
  std::string claim_generator; ///< e.g. "OpenAI Sora/1.0" (empty when unreadable)
  std::string title;           ///< the claim's dc:title (empty when absent)
  std::uint64_t manifest_bytes = 0;
};

/// What a media file holds.
struct MediaInfo {
  std::string container; ///< e.g. "mp4" ("mov,mp4,m4a,3gp,3g2,mj2" reduced to the brand)
  std::uint64_t file_bytes = 0;
  double duration_seconds = 0;
  std::uint64_t bit_rate = 0;
  bool has_video = false;
  std::string video_codec;   ///< e.g. "h264"
  std::string video_profile; ///< e.g. "High"
  int width = 0;
  int height = 0;
  double frame_rate = 0;    ///< average frames per second
  std::int64_t frames = 0;  ///< as the container says (0 when unknown)
  std::string pixel_format; ///< e.g. "yuv420p"
  bool has_audio = false;
  std::string audio_codec;
  int sample_rate = 0;
  int channels = 0;
  std::vector<std::string> chapters; ///< chapter titles, in order
  ProvenanceInfo provenance;
};

/// Probes `path`. Fails with invalid_argument when it is not a media file, io when unreadable.
Result<MediaInfo> inspect_media(const std::filesystem::path& path);

/// Scans an MP4 (ISO BMFF) file's top-level boxes for a C2PA manifest store and reads its
/// active claim. Never fails on damaged data: an unreadable claim leaves the text fields empty.
Result<ProvenanceInfo> read_provenance(const std::filesystem::path& path);

/// One input of a stitch.
struct StitchClip {
  std::filesystem::path file;
  std::string label; ///< the chapter's title
  /// Chapters the clip holds before its own (an extension holds the video it extends): each
  /// title with the second, from the clip's start, where it ends; `label`'s chapter follows.
  std::vector<std::pair<std::string, double>> leading = {};
};

/// What a stitch wrote.
struct StitchResult {
  double duration_seconds = 0;
  std::uint64_t packets = 0; ///< packets written (copied, or encoded when re-encoded)
  bool reencoded = false;    ///< the clips differed and were re-encoded into one H.264 stream
};

/// Joins `clips` into `output` (MP4) by stream copy: no re-encode, one chapter per clip titled by
/// its label. Every clip must have the same streams with identical codec parameters (codec, size,
/// frame rate, formats, profile, level, parameter sets); otherwise fails with invalid_argument
/// (`setting` "reencode") naming the first clip that differs and how, unless `reencode`, which
/// then joins them with reencode_clips. Written atomically (OUTPUT.part, fsynced, renamed); an
/// existing output is refused unless `overwrite`.
Result<StitchResult> stitch_clips(const std::vector<StitchClip>& clips,
                                  const std::filesystem::path& output, bool overwrite,
                                  bool reencode = false);

/// Joins `clips` into one MP4 by re-encoding their video as H.264 (libx264, visually lossless
/// quality): every frame scaled to the first clip's size (aspect ratio kept, padded with black),
/// at the first clip's frame rate (constant: frames repeated or dropped to the nearest time), one
/// chapter per clip. Audio is copied when every clip has the same audio stream, and dropped
/// when no clip has one; clips whose audio differs (or some without) are refused
/// (invalid_argument). One clip open at a time, frames streamed: memory is flat in the number
/// and length of clips. Written atomically as stitch_clips does.
Result<StitchResult> reencode_clips(const std::vector<StitchClip>& clips,
                                    const std::filesystem::path& output, bool overwrite);

/// One row of a contact sheet: a label and two pictures (a shot's first and last frame).
struct ContactRow {
  std::string label;
  RgbImage first;
  RgbImage last;
};

/// Draws `rows` as a grid (label, first frame, last frame per row; frames scaled to
/// `thumb_width`) and writes it as a PNG atomically.
Result<void> write_contact_sheet(const std::vector<ContactRow>& rows,
                                 const std::filesystem::path& path, int thumb_width = 320);

} // namespace sora
