// The PNG image data through ISA-L's inflate (png_fast_reader.hpp), on three threads: one reads
// the IDAT chunks and checks their CRCs (png_image_data.hpp), one inflates them in batches of rows
// (the zlib wrapper and its Adler-32 checked by ISA-L), and the caller's unfilters each row against
// the previous one, turns it into 8-bit RGB or RGBA and hands it on.
#include "media/png_fast_reader.hpp"

#include "media/png_image_data.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <isa-l.h>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

namespace sora::media {
namespace {

using png_image_data::ImageDataReadAhead;
using png_image_data::isal;
using png_image_data::load_isal;

// The zlib stream spread over the IDAT chunks, inflated by ISA-L into the caller's buffers.
class ImageDataInflater {
public:
  explicit ImageDataInflater(ImageDataReadAhead& data)
      : m_data(data), m_state(std::make_unique<inflate_state>()) {
    isal().isal_inflate_init(m_state.get());
    m_state->crc_flag = ISAL_ZLIB; // parses the zlib header, checks the Adler-32 at the end
  }

  /// Fills `out` with the next inflated bytes; false (and a failure) if the stream ends first.
  bool fill(std::span<unsigned char> out) {
    m_state->next_out = out.data();
    m_state->avail_out = static_cast<std::uint32_t>(out.size());
    while (m_state->avail_out > 0) {
      if (m_state->block_state == ISAL_BLOCK_FINISH)
        return fail("the image data ends before the last row");
      if (!step()) return false;
    }
    return true;
  }

  const std::string& failure() const { return m_failure; }

  /// Reads the stream to its end, which checks its Adler-32; inflated bytes past the last row are
  /// ignored, as libpng ignores them.
  bool finish() {
    unsigned char scratch[4096];
    while (m_state->block_state != ISAL_BLOCK_FINISH) {
      m_state->next_out = scratch;
      m_state->avail_out = sizeof scratch;
      if (!step()) return false;
    }
    return true;
  }

private:
  // One call of isal_inflate, after fetching more image data if it has used all it was given.
  // It is called even when there is no more: it may still hold inflated bytes to give out.
  bool step() {
    if (m_state->avail_in == 0 && !m_data_ended) {
      auto data = m_data.next();
      if (data.empty()) {
        if (auto failure = m_data.failure(); !failure.empty()) return fail(std::move(failure));
      }
      m_data_ended = data.empty();
      m_state->next_in = const_cast<unsigned char*>(data.data()); // ISA-L only reads it
      m_state->avail_in = static_cast<std::uint32_t>(data.size());
    }
    // What tells that a call made progress: input taken, output given, bits or state moved on.
    auto progress = [&] {
      return std::tuple(m_state->avail_in, m_state->avail_out, m_state->read_in_length,
                        int(m_state->block_state));
    };
    const auto before = progress();
    int status = isal().isal_inflate(m_state.get());
    if (status == ISAL_INCORRECT_CHECKSUM)
      return fail("the image data's Adler-32 checksum does not match");
    if (status != ISAL_DECOMP_OK)
      return fail("the image data is damaged (ISA-L inflate error " + std::to_string(status) + ")");
    if (progress() == before && m_state->block_state != ISAL_BLOCK_FINISH)
      return fail(m_data_ended ? "the image data ends early"
                               : "the image data is damaged (inflate is stuck)");
    return true;
  }
  bool fail(std::string what) {
    if (m_failure.empty()) m_failure = std::move(what);
    return false;
  }

  ImageDataReadAhead& m_data;
  std::string m_failure;
  std::unique_ptr<inflate_state> m_state; // about 90 KiB: tables and the history window
  bool m_data_ended = false;              // the last IDAT chunk has been read
};

// The Paeth predictor without branches (photo noise makes branches mispredict): the same choice
// as the PNG specification's a, then b, then c on ties.
inline unsigned paeth(int a, int b, int c) {
  int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
  int a_or_b = pb < pa ? b : a;
  return static_cast<unsigned>(pc < std::min(pa, pb) ? c : a_or_b);
}

// Undoes a row's filter (PNG's five) in place; `prior` is the previous row (zeros for the first)
// and `bpp` the bytes per pixel.
bool unfilter(unsigned filter, unsigned char* row, const unsigned char* prior, std::size_t size,
              std::size_t bpp) {
  switch (filter) {
  case 0:
    return true;
  case 1:
    for (std::size_t i = bpp; i < size; ++i)
      row[i] = static_cast<unsigned char>(row[i] + row[i - bpp]);
    return true;
  case 2:
    for (std::size_t i = 0; i < size; ++i)
      row[i] = static_cast<unsigned char>(row[i] + prior[i]);
    return true;
  case 3:
    for (std::size_t i = 0; i < bpp; ++i)
      row[i] = static_cast<unsigned char>(row[i] + (prior[i] >> 1));
    for (std::size_t i = bpp; i < size; ++i)
      row[i] = static_cast<unsigned char>(row[i] + ((row[i - bpp] + prior[i]) >> 1));
    return true;
  case 4:
    for (std::size_t i = 0; i < bpp; ++i)
      row[i] = static_cast<unsigned char>(row[i] + prior[i]);
    for (std::size_t i = bpp; i < size; ++i)
      row[i] = static_cast<unsigned char>(row[i] + paeth(row[i - bpp], prior[i], prior[i - bpp]));
    return true;
  default:
    return false;
  }
}

// 16 bits to 8, rounded: the same values as libpng's png_set_scale_16.
inline unsigned char scale16(unsigned v) {
  return static_cast<unsigned char>((v * 255 + 32895) >> 16);
}

template <bool Sixteen> inline unsigned sample(const unsigned char* row, std::size_t i) {
  if constexpr (Sixteen) return unsigned{row[2 * i]} << 8 | row[2 * i + 1];
  return row[i];
}

template <bool Sixteen> inline unsigned char to8(unsigned v) {
  if constexpr (Sixteen) return scale16(v);
  return static_cast<unsigned char>(v);
}

// One unfiltered row (`raw`) as 8-bit RGB or RGBA in `out`, as libpng's png_set_expand,
// png_set_scale_16 and png_set_gray_to_rgb make it.
template <bool Sixteen>
void convert_row(const PngLayout& l, const unsigned char* raw, unsigned char* out) {
  const std::size_t width = l.width;
  const bool keyed = l.has_key;
  switch (l.color_type) {
  case 0: // gray
    for (std::size_t x = 0; x < width; ++x, out += keyed ? 4 : 3) {
      unsigned g = sample<Sixteen>(raw, x);
      out[0] = out[1] = out[2] = to8<Sixteen>(g);
      if (keyed) out[3] = g == l.key[0] ? 0 : 255;
    }
    break;
  case 2: // RGB
    for (std::size_t x = 0; x < width; ++x, out += keyed ? 4 : 3) {
      unsigned r = sample<Sixteen>(raw, 3 * x), g = sample<Sixteen>(raw, 3 * x + 1),
               b = sample<Sixteen>(raw, 3 * x + 2);
      out[0] = to8<Sixteen>(r), out[1] = to8<Sixteen>(g), out[2] = to8<Sixteen>(b);
      if (keyed) out[3] = r == l.key[0] && g == l.key[1] && b == l.key[2] ? 0 : 255;
    }
    break;
  case 3: // palette (8 bits)
    for (std::size_t x = 0; x < width; ++x, out += l.palette_alpha ? 4 : 3)
      std::memcpy(out, &l.palette[std::size_t{raw[x]} * 4], l.palette_alpha ? 4 : 3);
    break;
  case 4: // gray + alpha
    for (std::size_t x = 0; x < width; ++x, out += 4) {
      out[0] = out[1] = out[2] = to8<Sixteen>(sample<Sixteen>(raw, 2 * x));
      out[3] = to8<Sixteen>(sample<Sixteen>(raw, 2 * x + 1));
    }
    break;
  default: // RGBA
    for (std::size_t i = 0; i < width * 4; ++i)
      out[i] = to8<Sixteen>(sample<Sixteen>(raw, i));
    break;
  }
}

int samples_per_pixel(int color_type) {
  switch (color_type) {
  case 0:
  case 3:
    return 1;
  case 2:
    return 3;
  case 4:
    return 2;
  default:
    return 4;
  }
}

// Batches of inflated (still filtered) rows, from the thread that reads and inflates the image
// data to the one that unfilters them and hands them on: inflate is most of the work, so the two
// run side by side. A few batches of about 256 KiB each: memory stays bounded.
class RowPipe {
public:
  RowPipe(std::size_t row_size, std::uint32_t height)
      : m_row_size(row_size), m_rows_per_batch(std::uint32_t(std::clamp<std::size_t>(
                                  (256 * 1024) / row_size, 1, std::max<std::uint32_t>(height, 1)))),
        m_slots(k_batches * m_rows_per_batch * row_size) {}

  std::uint32_t rows_per_batch() const { return m_rows_per_batch; }

  /// Inflating side: the next free batch (nullptr once the other side has stopped).
  unsigned char* begin_fill() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_stopped || m_filled - m_taken < k_batches; });
    return m_stopped ? nullptr : slot(m_filled);
  }
  void end_fill(std::uint32_t rows) {
    std::lock_guard lock(m_mutex);
    m_rows[m_filled % k_batches] = rows;
    ++m_filled;
    m_changed.notify_all();
  }
  /// Inflating side: no more batches; `failure` says why, when it stopped early.
  void close(std::string failure) {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_failure = std::move(failure);
    m_changed.notify_all();
  }

  /// Unfiltering side: the next batch and its row count (0 once closed with nothing left).
  std::pair<unsigned char*, std::uint32_t> take() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_closed || m_taken < m_filled; });
    if (m_taken == m_filled) return {nullptr, 0};
    return {slot(m_taken), m_rows[m_taken % k_batches]};
  }
  /// Unfiltering side: done with the batch take() gave.
  void release() {
    std::lock_guard lock(m_mutex);
    ++m_taken;
    m_changed.notify_all();
  }
  /// Unfiltering side: stop the inflating side (after an error of its own).
  void stop() {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_changed.notify_all();
  }
  /// After the inflating thread has ended.
  const std::string& failure() const { return m_failure; }

private:
  static constexpr std::uint64_t k_batches = 4;
  unsigned char* slot(std::uint64_t batch) {
    return m_slots.data() + (batch % k_batches) * m_rows_per_batch * m_row_size;
  }

  std::size_t m_row_size;
  std::uint32_t m_rows_per_batch;
  std::vector<unsigned char> m_slots;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::uint64_t m_filled = 0, m_taken = 0;
  std::uint32_t m_rows[k_batches] = {};
  bool m_closed = false, m_stopped = false;
  std::string m_failure;
};

// The inflating thread: every row into the pipe, then the stream's end and the chunks to IEND.
void inflate_rows(std::FILE* file, std::uint32_t idat_length, std::uint32_t height, RowPipe& pipe,
                  std::size_t row_size) {
  std::optional<ImageDataReadAhead> data;
  try {
    data.emplace(file, idat_length);
  } catch (const std::system_error&) {
    return pipe.close("no thread can be started to decode it");
  }
  ImageDataInflater inflater(*data);
  for (std::uint32_t y = 0; y < height;) {
    unsigned char* batch = pipe.begin_fill();
    if (!batch) return pipe.close({});
    std::uint32_t rows = std::min(pipe.rows_per_batch(), height - y);
    if (!inflater.fill({batch, rows * row_size})) return pipe.close(inflater.failure());
    pipe.end_fill(rows);
    y += rows;
  }
  if (!inflater.finish()) return pipe.close(inflater.failure());
  pipe.close(data->finish());
}

// The unfiltering side: each batch's rows unfiltered, converted and handed to `sink`. Returns
// its own failure (an unknown filter type); the inflating side's is the pipe's.
std::string hand_on_rows(RowPipe& pipe, const PngLayout& layout, PngRowSink sink, void* context) {
  const std::size_t bpp =
      std::size_t(samples_per_pixel(layout.color_type)) * std::size_t(layout.bit_depth / 8);
  const std::size_t size = bpp * layout.width; // without the filter byte
  // 8-bit RGB and RGBA without tRNS rows are passed on as they are unfiltered.
  const bool as_is = layout.bit_depth == 8 && !layout.has_key &&
                     (layout.color_type == 2 || layout.color_type == 6);
  std::vector<unsigned char> prior(size + 1),
      out(as_is ? 0 : std::size_t(layout.width) * std::size_t(layout.channels()));
  for (std::uint32_t y = 0; y < layout.height;) {
    auto [batch, rows] = pipe.take();
    if (!batch) return {}; // the inflating side stopped: its failure is the answer
    const unsigned char* above = prior.data(); // the previous batch's last row, for the first
    for (std::uint32_t i = 0; i < rows; ++i, ++y) {
      unsigned char* row = batch + i * (size + 1);
      if (!unfilter(row[0], row + 1, above + 1, size, bpp))
        return "unknown filter type " + std::to_string(row[0]) + " in row " + std::to_string(y);
      if (as_is) {
        sink(context, row + 1);
      } else {
        if (layout.bit_depth == 16)
          convert_row<true>(layout, row + 1, out.data());
        else
          convert_row<false>(layout, row + 1, out.data());
        sink(context, out.data());
      }
      above = row;
    }
    std::memcpy(prior.data(), above, size + 1);
    pipe.release();
  }
  return {};
}

} // namespace

bool png_fast_reader_available() {
  return load_isal().has_value();
}

std::string read_png_rows(std::FILE* file, std::uint32_t idat_length, const PngLayout& layout,
                          PngRowSink sink, void* context) {
  const std::size_t row_size = std::size_t(samples_per_pixel(layout.color_type)) *
                                   std::size_t(layout.bit_depth / 8) * layout.width +
                               1; // with its filter byte
  RowPipe pipe(row_size, layout.height);
  std::thread inflating;
  try {
    inflating =
        std::thread(inflate_rows, file, idat_length, layout.height, std::ref(pipe), row_size);
  } catch (const std::system_error&) {
    return "no thread can be started to decode it";
  }
  std::string failure;
  {
    // Stops and waits for the inflating thread however this block is left (a throwing sink too).
    struct StopAndJoin {
      RowPipe& pipe;
      std::thread& thread;
      ~StopAndJoin() {
        pipe.stop();
        thread.join();
      }
    } stop_and_join{pipe, inflating};
    failure = hand_on_rows(pipe, layout, sink, context);
  }
  return failure.empty() ? pipe.failure() : failure;
}

} // namespace sora::media
