// Decodes the HEVC tiles of a HEIC photo with FFmpeg's HEVC decoder and shrinks them as each row
// of tiles arrives (heif_tiles.hpp). A row of tiles is decoded in parallel, one decoder (an
// AVCodecContext, which FFmpeg does not share between threads) per thread, each reused for
// its next tile; the rows are then averaged into the output while a few leftover rows wait
// for the next.
#include "media/av.hpp"
#include "media/heif_tiles.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

namespace sora::media {
namespace {

namespace fs = std::filesystem;

// A tile larger than this is not what a photo's 512x512 tile holds: libheif takes the file.
constexpr std::uint64_t k_max_tile_bytes = 64 * 1024 * 1024;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// One thread's decoder and buffers.
struct Worker {
  CodecPtr codec;
  PacketPtr packet;
  FramePtr frame;
  std::vector<std::uint8_t> data;
};

bool open_worker(Worker& w, const std::vector<std::uint8_t>& config) {
  const AVCodec* hevc = av().avcodec_find_decoder(AV_CODEC_ID_HEVC);
  if (!hevc) return false;
  w.codec.reset(av().avcodec_alloc_context3(hevc));
  w.packet.reset(av().av_packet_alloc());
  w.frame.reset(av().av_frame_alloc());
  if (!w.codec || !w.packet || !w.frame) return false;
  // The hvcC payload as extradata: FFmpeg reads the parameter sets and the NAL length size from
  // it, and the tiles' length-prefixed NAL units as they are in the file.
  auto* extradata =
      static_cast<std::uint8_t*>(av().av_mallocz(config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!extradata) return false;
  std::memcpy(extradata, config.data(), config.size());
  w.codec->extradata = extradata;
  w.codec->extradata_size = static_cast<int>(config.size());
  w.codec->thread_count = 1; // the tiles are the parallelism
  // Its complaints about a broken tile are not the user's: libheif takes the file and reports.
  w.codec->log_level_offset = AV_LOG_DEBUG - AV_LOG_PANIC;
  return av().avcodec_open2(w.codec.get(), hevc, nullptr) >= 0;
}

// Reads and decodes one tile into `w.frame`; false when it cannot.
bool decode_tile(Worker& w, int fd, const std::vector<FileExtent>& extents) {
  std::uint64_t size = 0;
  for (const auto& e : extents)
    size += e.length;
  if (size == 0 || size > k_max_tile_bytes) return false;
  w.data.resize(static_cast<std::size_t>(size) + AV_INPUT_BUFFER_PADDING_SIZE);
  std::fill(w.data.end() - AV_INPUT_BUFFER_PADDING_SIZE, w.data.end(), 0);
  std::size_t at = 0;
  for (const auto& e : extents) {
    if (e.offset > std::uint64_t(INT64_MAX - k_max_tile_bytes)) return false;
    auto got = ::pread(fd, w.data.data() + at, static_cast<std::size_t>(e.length),
                       static_cast<off_t>(e.offset));
    if (got != static_cast<ssize_t>(e.length)) return false;
    at += static_cast<std::size_t>(e.length);
  }
  w.packet->data = w.data.data();
  w.packet->size = static_cast<int>(size);
  av().av_frame_unref(w.frame.get());
  bool ok = av().avcodec_send_packet(w.codec.get(), w.packet.get()) >= 0 &&
            av().avcodec_send_packet(w.codec.get(), nullptr) >= 0 && // one picture: drain it
            av().avcodec_receive_frame(w.codec.get(), w.frame.get()) >= 0;
  av().avcodec_flush_buffers(w.codec.get()); // ready for the next tile
  return ok;
}

// What FFmpeg decoded a tile into, as far as the shrink cares; `bits` 0: a layout it does not take.
struct Layout {
  int bits = 0;            ///< 8, or 10 in 16-bit words (yuv420p10le and the like)
  int shift_y = 1;         ///< 4:2:0 halves the chroma rows, 4:2:2 does not (both halve columns)
  bool chroma = true;      ///< false: monochrome (gray)
  bool full_range = false; ///< a yuvj format (JPEG range whatever the stream says)
};

Layout layout_of(int format) {
  switch (format) {
  case AV_PIX_FMT_YUV420P:
    return {8, 1, true, false};
  case AV_PIX_FMT_YUVJ420P:
    return {8, 1, true, true};
  case AV_PIX_FMT_YUV422P:
    return {8, 0, true, false};
  case AV_PIX_FMT_YUVJ422P:
    return {8, 0, true, true};
  case AV_PIX_FMT_GRAY8:
    return {8, 1, false, false};
  case AV_PIX_FMT_YUV420P10LE:
    return {10, 1, true, false};
  case AV_PIX_FMT_YUV422P10LE:
    return {10, 0, true, false};
  case AV_PIX_FMT_GRAY10LE:
    return {10, 1, false, false};
  default:
    return {};
  }
}

// A strip of full-width planes: a row of tiles plus the rows the last block left over. The chroma
// planes are half as wide as the luma, and half as tall for 4:2:0; samples are 1 or 2 bytes.
struct Strip {
  int width = 0; // the luma width in samples
  Layout layout;
  std::size_t bytes = 1; // a sample's
  std::vector<std::uint8_t> y, cb, cr;

  Strip(int w, int rows, Layout l)
      : width(w), layout(l), bytes(l.bits > 8 ? 2 : 1), y(row_bytes() * std::size_t(rows)),
        cb(l.chroma ? c_row_bytes() * std::size_t((rows >> l.shift_y) + 1) : 0), cr(cb.size()) {}

  std::size_t row_bytes() const { return std::size_t(width) * bytes; }
  std::size_t c_row_bytes() const { return std::size_t(width / 2) * bytes; }

  // Copies the decoded tile to column `x`, row `top` (even) of the strip.
  void paste(const AVFrame& f, int x, int top) {
    for (int row = 0; row < f.height; ++row)
      std::memcpy(&y[std::size_t(top + row) * row_bytes() + std::size_t(x) * bytes],
                  f.data[0] + std::ptrdiff_t(row) * f.linesize[0], std::size_t(f.width) * bytes);
    if (!layout.chroma) return;
    std::size_t cw = std::size_t(f.width / 2) * bytes;
    for (int row = 0; row < f.height >> layout.shift_y; ++row) {
      std::size_t at =
          std::size_t((top >> layout.shift_y) + row) * c_row_bytes() + std::size_t(x / 2) * bytes;
      std::memcpy(&cb[at], f.data[1] + std::ptrdiff_t(row) * f.linesize[1], cw);
      std::memcpy(&cr[at], f.data[2] + std::ptrdiff_t(row) * f.linesize[2], cw);
    }
  }

  // Moves `rows` rows from row `from` (even) to the top.
  void keep(int from, int rows) {
    std::memmove(y.data(), &y[std::size_t(from) * row_bytes()], std::size_t(rows) * row_bytes());
    if (!layout.chroma) return;
    int s = layout.shift_y;
    std::size_t at = std::size_t(from >> s) * c_row_bytes();
    std::size_t n = std::size_t((rows + s) >> s) * c_row_bytes();
    std::memmove(cb.data(), &cb[at], n);
    std::memmove(cr.data(), &cr[at], n);
  }

  // `planes` pointing at this strip.
  void point(YCbCrPlanes& planes) const {
    planes.bits = layout.bits;
    planes.shift_y = layout.shift_y;
    planes.y_stride = static_cast<int>(row_bytes());
    planes.c_stride = static_cast<int>(c_row_bytes());
    planes.y = y.data();
    planes.cb = layout.chroma ? cb.data() : nullptr;
    planes.cr = layout.chroma ? cr.data() : nullptr;
  }
};

// What all workers share while decoding one row of tiles.
struct RowJob {
  const HevcTiles& tiles;
  int fd;
  int row;
  int top;
  Strip& strip;
  int format; // tile 0's: every tile must have it
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
};

bool tile_fits(const AVFrame& f, const HevcTiles& tiles, int format) {
  return f.width == tiles.tile_width && f.height == tiles.tile_height && f.format == format;
}

void decode_row(Worker& w, RowJob& job) {
  for (int c = job.next++; c < job.tiles.columns && !job.failed; c = job.next++) {
    const auto& extents = job.tiles.tiles[std::size_t(job.row * job.tiles.columns + c)];
    if (!decode_tile(w, job.fd, extents) || !tile_fits(*w.frame, job.tiles, job.format)) {
      job.failed = true;
      return;
    }
    job.strip.paste(*w.frame, c * job.tiles.tile_width, job.top);
  }
}

// Decodes one row of tiles on all workers (this thread is the first).
bool decode_row_parallel(std::vector<Worker>& workers, RowJob& job) {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers.size(); ++i) {
    try {
      threads.emplace_back(decode_row, std::ref(workers[i]), std::ref(job));
    } catch (...) {
      break; // no thread: the others take its tiles
    }
  }
  decode_row(workers[0], job);
  for (auto& t : threads)
    t.join();
  return !job.failed;
}

// The layout and colour of a decoded tile into `planes`: the file's matrix and range when it
// names them, else the stream's. Nothing for a layout or matrix this path does not take.
std::optional<Layout> use_frame(YCbCrPlanes& planes, const AVFrame& f, const HevcTiles& tiles,
                                const TileColour& file) {
  Layout l = layout_of(f.format);
  if (!l.bits || f.width != tiles.tile_width || f.height != tiles.tile_height) return std::nullopt;
  planes.bits = l.bits;
  planes.shift_y = l.shift_y;
  bool stream_full = f.color_range == AVCOL_RANGE_JPEG || l.full_range;
  planes.full_range = file.matrix >= 0 ? file.full_range : stream_full;
  if (!use_matrix(planes, file.matrix >= 0 ? file.matrix : static_cast<int>(f.colorspace)))
    return std::nullopt;
  return l;
}

// One picture (a grid of one tile): shrunk straight from the decoder's planes, without a strip.
std::optional<Raster> decode_one_picture(Worker& w, int fd, const HevcTiles& tiles, int factor,
                                         const TileColour& colour) {
  if (!decode_tile(w, fd, tiles.tiles[0])) return std::nullopt;
  const AVFrame& f = *w.frame;
  YCbCrPlanes planes;
  auto layout = use_frame(planes, f, tiles, colour);
  if (!layout || f.linesize[1] != f.linesize[2]) return std::nullopt;
  planes.width = tiles.width;
  planes.height = tiles.height;
  planes.y = f.data[0], planes.y_stride = f.linesize[0];
  if (layout->chroma) planes.cb = f.data[1], planes.cr = f.data[2], planes.c_stride = f.linesize[1];
  return shrink_ycbcr(planes, factor);
}

// Shrinks the grid a row of tiles at a time into `out` (sized). Tile 0 is decoded first, on this
// thread: its layout sizes the strip, its colour is the picture's.
bool decode_grid(std::vector<Worker>& workers, int fd, const HevcTiles& tiles, int f,
                 const TileColour& colour, Raster& out) {
  YCbCrPlanes planes;
  if (!decode_tile(workers[0], fd, tiles.tiles[0])) return false;
  auto layout = use_frame(planes, *workers[0].frame, tiles, colour);
  if (!layout) return false;
  int format = workers[0].frame->format;
  Strip strip(tiles.columns * tiles.tile_width, tiles.tile_height + f + 2, *layout);
  strip.paste(*workers[0].frame, 0, 0);
  planes.width = tiles.width;
  int first = 0, top = 0, done = 0, oy = 0; // the strip's first source row, its rows, rows used
  for (int row = 0; row < tiles.rows; ++row) {
    RowJob job{tiles, fd, row, top, strip, format};
    job.next = row == 0 ? 1 : 0;
    if (!decode_row_parallel(workers, job)) return false;
    strip.point(planes);
    int end = std::min(tiles.height, (row + 1) * tiles.tile_height);
    bool last = row == tiles.rows - 1;
    while (done + f <= end || (last && done < end)) {
      int n = std::min(f, end - done);
      shrink_ycbcr_rows(planes, f, done - first, n,
                        &out.rgb[std::size_t(oy++) * std::size_t(out.width) * 3]);
      done += n;
    }
    int keep_from = done & ~1; // an even row, so the chroma rows stay aligned
    top = (row + 1) * tiles.tile_height - keep_from;
    if (!last) strip.keep(keep_from - first, top);
    first = keep_from;
  }
  out.height = oy;
  return true;
}

} // namespace

std::optional<Raster> decode_hevc_tiles(const fs::path& path, const HevcTiles& tiles, int factor,
                                        const TileColour& colour) {
  int f = std::max(1, factor);
  if (tiles.tile_width % 2 || tiles.tile_height % 2 || tiles.tiles.empty() || !load_av())
    return std::nullopt;
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return std::nullopt;
  unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  std::vector<Worker> workers(std::min<std::size_t>({cores, 4, std::size_t(tiles.columns)}));
  for (auto& w : workers)
    if (!open_worker(w, tiles.config)) return std::nullopt;
  if (tiles.tiles.size() == 1) return decode_one_picture(workers[0], file.fd, tiles, f, colour);
  Raster out;
  out.width = (tiles.width + f - 1) / f;
  out.height = (tiles.height + f - 1) / f;
  out.rgb.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
  if (!decode_grid(workers, file.fd, tiles, f, colour, out)) return std::nullopt;
  return out;
}

} // namespace sora::media
