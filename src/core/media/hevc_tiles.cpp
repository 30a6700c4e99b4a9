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

// A strip of full-width 4:2:0 planes: a row of tiles plus the rows the last block left over.
struct Strip {
  int width = 0; // the luma stride
  std::vector<std::uint8_t> y, cb, cr;

  Strip(int w, int rows)
      : width(w), y(std::size_t(w) * std::size_t(rows)),
        cb(std::size_t(w / 2) * std::size_t(rows / 2 + 1)), cr(cb.size()) {}

  // Copies the decoded tile to column `x`, row `top` (even) of the strip.
  void paste(const AVFrame& f, int x, int top) {
    for (int row = 0; row < f.height; ++row)
      std::memcpy(&y[std::size_t(top + row) * std::size_t(width) + std::size_t(x)],
                  f.data[0] + std::ptrdiff_t(row) * f.linesize[0], std::size_t(f.width));
    int cw = f.width / 2, c_stride = width / 2;
    for (int row = 0; row < f.height / 2; ++row) {
      std::size_t at = std::size_t(top / 2 + row) * std::size_t(c_stride) + std::size_t(x / 2);
      std::memcpy(&cb[at], f.data[1] + std::ptrdiff_t(row) * f.linesize[1], std::size_t(cw));
      std::memcpy(&cr[at], f.data[2] + std::ptrdiff_t(row) * f.linesize[2], std::size_t(cw));
    }
  }

  // Moves `rows` rows from row `from` (even) to the top.
  void keep(int from, int rows) {
    std::memmove(y.data(), &y[std::size_t(from) * std::size_t(width)],
                 std::size_t(rows) * std::size_t(width));
    std::size_t c = std::size_t(width / 2);
    std::memmove(cb.data(), &cb[std::size_t(from / 2) * c], std::size_t((rows + 1) / 2) * c);
    std::memmove(cr.data(), &cr[std::size_t(from / 2) * c], std::size_t((rows + 1) / 2) * c);
  }
};

// What all workers share while decoding one row of tiles.
struct RowJob {
  const HevcTiles& tiles;
  int fd;
  int row;
  int top;
  Strip& strip;
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::atomic<int> matrix{-2}; // the stream's colour, from tile 0
  std::atomic<bool> full_range{false};
};

bool tile_fits(const AVFrame& f, const HevcTiles& tiles) {
  return f.width == tiles.tile_width && f.height == tiles.tile_height &&
         (f.format == AV_PIX_FMT_YUV420P || f.format == AV_PIX_FMT_YUVJ420P);
}

void decode_row(Worker& w, RowJob& job) {
  for (int c = job.next++; c < job.tiles.columns && !job.failed; c = job.next++) {
    const auto& extents = job.tiles.tiles[std::size_t(job.row * job.tiles.columns + c)];
    if (!decode_tile(w, job.fd, extents) || !tile_fits(*w.frame, job.tiles)) {
      job.failed = true;
      return;
    }
    if (job.row == 0 && c == 0) {
      job.full_range =
          w.frame->color_range == AVCOL_RANGE_JPEG || w.frame->format == AV_PIX_FMT_YUVJ420P;
      job.matrix = static_cast<int>(w.frame->colorspace);
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

// The matrix and range: the file's when it names them, else the stream's.
bool use_colour(YCbCrPlanes& planes, const TileColour& file, int matrix, bool full_range) {
  planes.full_range = file.matrix >= 0 ? file.full_range : full_range;
  return use_matrix(planes, file.matrix >= 0 ? file.matrix : matrix);
}

// One picture (a grid of one tile): shrunk straight from the decoder's planes, without a strip.
std::optional<Raster> decode_one_picture(Worker& w, int fd, const HevcTiles& tiles, int factor,
                                         const TileColour& colour) {
  if (!decode_tile(w, fd, tiles.tiles[0]) || !tile_fits(*w.frame, tiles)) return std::nullopt;
  const AVFrame& f = *w.frame;
  YCbCrPlanes planes;
  planes.width = tiles.width;
  planes.height = tiles.height;
  planes.y = f.data[0], planes.cb = f.data[1], planes.cr = f.data[2];
  planes.y_stride = f.linesize[0];
  planes.c_stride = f.linesize[1];
  if (f.linesize[1] != f.linesize[2] ||
      !use_colour(planes, colour, static_cast<int>(f.colorspace),
                  f.color_range == AVCOL_RANGE_JPEG || f.format == AV_PIX_FMT_YUVJ420P))
    return std::nullopt;
  return shrink_ycbcr(planes, factor);
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
  Strip strip(tiles.columns * tiles.tile_width, tiles.tile_height + f + 2);
  YCbCrPlanes planes;
  planes.width = tiles.width;
  planes.y_stride = strip.width;
  planes.c_stride = strip.width / 2;
  int first = 0, top = 0, done = 0, oy = 0; // the strip's first source row, its rows, rows used
  for (int row = 0; row < tiles.rows; ++row) {
    RowJob job{tiles, file.fd, row, top, strip};
    if (!decode_row_parallel(workers, job)) return std::nullopt;
    if (row == 0 && !use_colour(planes, colour, job.matrix, job.full_range)) return std::nullopt;
    planes.y = strip.y.data(), planes.cb = strip.cb.data(), planes.cr = strip.cr.data();
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
  return out;
}

} // namespace sora::media
