// FFmpeg's libraries, opened on first use (av.hpp), and what every video reader shares.
#include "media/av.hpp"

#include "media/shared_library.hpp"

#include <cerrno>
#include <system_error>

namespace sora::media {

namespace fs = std::filesystem;

namespace {

#define SORA_AV_SONAME(library, upper)                                                             \
  "lib" #library ".so." AV_STRINGIFY(LIB##upper##_VERSION_MAJOR)
#define SORA_AV_PACKAGE(library, upper) "lib" #library AV_STRINGIFY(LIB##upper##_VERSION_MAJOR)

// The libraries by the short names SORA_AV_FUNCTIONS uses; their sonames and Debian packages
// carry the major versions of the headers we compile against (FFmpeg 5.1: libavformat.so.59).
struct AvLoaders {
  LibraryLoader format{{SORA_AV_SONAME(avformat, AVFORMAT), "reading and writing videos",
                        SORA_AV_PACKAGE(avformat, AVFORMAT)}};
  LibraryLoader codec{{SORA_AV_SONAME(avcodec, AVCODEC), "reading and writing videos",
                       SORA_AV_PACKAGE(avcodec, AVCODEC)}};
  LibraryLoader util{{SORA_AV_SONAME(avutil, AVUTIL), "reading and writing videos",
                      SORA_AV_PACKAGE(avutil, AVUTIL)}};
  LibraryLoader scale{{SORA_AV_SONAME(swscale, SWSCALE), "reading and writing videos",
                       SORA_AV_PACKAGE(swscale, SWSCALE)}};
};

const Result<AvLibrary>& loaded_av() {
  static const Result<AvLibrary> loaded = []() -> Result<AvLibrary> {
    AvLoaders libraries;
    AvLibrary api;
#define SORA_AV_RESOLVE(library, name) libraries.library.resolve(api.name, #name);
    SORA_AV_FUNCTIONS(SORA_AV_RESOLVE)
#undef SORA_AV_RESOLVE
    for (const auto* library :
         {&libraries.util, &libraries.codec, &libraries.format, &libraries.scale})
      if (auto ok = library->result(); !ok) return unexpected(std::move(ok).error());
    // Errors come back as values; the core never prints, and a damaged file must not make FFmpeg
    // write its own lines on the user's terminal.
    api.av_log_set_level(AV_LOG_QUIET);
    return api;
  }();
  return loaded;
}

} // namespace

Result<void> load_av() {
  if (const auto& loaded = loaded_av(); !loaded) return unexpected(loaded.error());
  return {};
}

const AvLibrary& av() {
  return *loaded_av();
}

std::string av_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av().av_strerror(code, text, sizeof(text));
  return text;
}

Result<InputPtr> open_input(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return unexpected(ErrorCode::io, "Cannot read " + path.string() + ": no such file.");
  if (fs::is_directory(path, ec))
    return unexpected(ErrorCode::invalid_argument, path.string() + " is a folder, not a video.");
  if (auto ok = load_av(); !ok) return unexpected(std::move(ok).error());
  AVFormatContext* raw = nullptr;
  if (const int rc = av().avformat_open_input(&raw, path.c_str(), nullptr, nullptr); rc < 0) {
    const auto code = rc == AVERROR(EACCES) ? ErrorCode::io : ErrorCode::invalid_argument;
    return unexpected(code, "Cannot read " + path.string() + " as media: " + av_text(rc) + ".");
  }
  InputPtr input(raw);
  if (const int rc = av().avformat_find_stream_info(input.get(), nullptr); rc < 0)
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot read the streams of " + path.string() + ": " + av_text(rc) + ".");
  return input;
}

} // namespace sora::media
