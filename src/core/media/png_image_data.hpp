// The PNG image data as it comes off the disk, for the fast reader (png_fast_reader.cpp): ISA-L's
// function table, the chunks from the first IDAT on with their CRCs checked, and the thread that
// reads them ahead of the inflate. Internal to the media folder.
#pragma once

#include "media/shared_library.hpp"

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <isa-l.h>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace sora::media::png_image_data {

// The soname the headers belong to: ISA-L 2.x is libisal.so.2.
static_assert(ISAL_MAJOR_VERSION == 2, "ISA-L's soname is no longer libisal.so.2");

// Every ISA-L function the reader calls, resolved once.
#define SORA_ISAL_FUNCTIONS(X)                                                                     \
  X(isal_inflate_init)                                                                             \
  X(isal_inflate)                                                                                  \
  X(crc32_gzip_refl)

struct IsalLibrary {
  static constexpr LibraryName name{"libisal.so.2", "fast PNG decoding", "libisal2"};
  SORA_LIBRARY_FUNCTIONS(SORA_ISAL_FUNCTIONS)
};

// Opens the library on the first call (thread-safe); later calls return the same answer.
inline const Result<IsalLibrary>& load_isal() {
  return open_library<IsalLibrary>();
}

// The loaded library; only called once load_isal() has succeeded.
inline const IsalLibrary& isal() {
  return *load_isal();
}

inline std::uint32_t big_endian(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

inline bool is_critical(const unsigned char* type) {
  return (type[0] & 0x20) == 0;
}

// The file's chunks from the first IDAT on, each chunk's CRC computed as it is read and checked
// at its end. A CRC error in a critical chunk is an error; an ancillary chunk with a bad CRC is
// dropped, as libpng drops it (nothing after the image data is used).
class ChunkReader {
public:
  ChunkReader(std::FILE* file, std::uint32_t idat_length)
      : m_file(file), m_left(idat_length), m_buffer(256 * 1024) {
    std::memcpy(m_type, "IDAT", 4);
    m_crc = isal().crc32_gzip_refl(0, m_type, 4);
  }

  /// Reads the next bytes of image data into `into` (up to its size, within one chunk); how many
  /// (0 after the last IDAT chunk or on a failure).
  std::size_t read_image_data(std::span<unsigned char> into) {
    while (m_in_image_data && m_left == 0) {
      if (!end_chunk() || !begin_chunk()) return 0;
      m_in_image_data = std::memcmp(m_type, "IDAT", 4) == 0;
    }
    if (!m_in_image_data) return 0;
    return read_data(into.data(), std::min<std::size_t>(m_left, into.size()));
  }

  /// Reads the rest of the file up to IEND (extra image data is skipped, as libpng skips it).
  bool read_to_end() {
    while (read_image_data(m_buffer) > 0) {
    }
    if (!m_failure.empty()) return false;
    for (;;) {
      if (std::memcmp(m_type, "IDAT", 4) == 0) return fail("an IDAT chunk after other chunks");
      bool end = std::memcmp(m_type, "IEND", 4) == 0;
      if (!end && is_critical(m_type))
        return fail("an unexpected " + type_name() + " chunk after the image data");
      while (m_left > 0)
        if (read_data(m_buffer.data(), std::min<std::size_t>(m_left, m_buffer.size())) == 0)
          return false;
      if (!end_chunk()) return false;
      if (end) return true;
      if (!begin_chunk()) return false;
    }
  }

  const std::string& failure() const { return m_failure; }
  bool fail(std::string what) {
    if (m_failure.empty()) m_failure = std::move(what);
    return false;
  }

private:
  std::size_t read_data(unsigned char* to, std::size_t size) {
    if (!read(to, size)) return 0;
    m_crc = isal().crc32_gzip_refl(m_crc, to, size);
    m_left -= static_cast<std::uint32_t>(size);
    return size;
  }

  bool read(unsigned char* to, std::size_t size) {
    if (std::fread(to, 1, size, m_file) == size) return true;
    return fail(std::ferror(m_file) ? "the file cannot be read" : "the file ends early");
  }

  bool end_chunk() {
    unsigned char crc[4];
    if (!read(crc, 4)) return false;
    if (big_endian(crc) != m_crc && is_critical(m_type))
      return fail("CRC error in the " + type_name() + " chunk");
    return true;
  }

  bool begin_chunk() {
    unsigned char header[8];
    if (!read(header, 8)) return false;
    m_left = big_endian(header);
    std::memcpy(m_type, header + 4, 4);
    if (m_left > 0x7fffffffu) return fail("a chunk length out of range");
    m_crc = isal().crc32_gzip_refl(0, m_type, 4);
    return true;
  }

  std::string type_name() const {
    std::string name(reinterpret_cast<const char*>(m_type), 4);
    for (char& c : name)
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
    return name;
  }

  std::FILE* m_file;
  std::uint32_t m_left;
  std::uint32_t m_crc = 0;
  unsigned char m_type[4];
  bool m_in_image_data = true;
  std::vector<unsigned char> m_buffer;
  std::string m_failure;
};

// The image data read ahead on a thread of its own: reading the file and checking the chunks'
// CRCs there leaves the inflating thread, the slowest step, only inflate (a tenth of its time
// for a 16-bit photo). The IDAT chunks' data is joined into blocks of 256 KiB, a few ahead.
class ImageDataReadAhead {
public:
  /// Starts reading (throws std::system_error when no thread can be started).
  ImageDataReadAhead(std::FILE* file, std::uint32_t idat_length)
      : m_chunks(file, idat_length), m_blocks(k_blocks * k_block_size) {
    m_thread = std::thread([this] { read_blocks(); });
  }
  ~ImageDataReadAhead() {
    {
      std::lock_guard lock(m_mutex);
      m_stopped = true;
      m_changed.notify_all();
    }
    m_thread.join();
  }
  ImageDataReadAhead(const ImageDataReadAhead&) = delete;
  ImageDataReadAhead& operator=(const ImageDataReadAhead&) = delete;

  /// The next block (releasing the one before); empty after the last, or on a failure.
  std::span<const unsigned char> next() {
    std::unique_lock lock(m_mutex);
    if (m_holding) {
      ++m_taken;
      m_holding = false;
      m_changed.notify_all();
    }
    m_changed.wait(lock, [&] { return m_taken < m_filled || m_data_ended; });
    if (m_taken == m_filled) return {};
    m_holding = true;
    return {slot(m_taken), m_sizes[m_taken % k_blocks]};
  }
  /// After the stream's end: skips any image data left and waits for the chunks up to IEND to be
  /// read; the reading's failure, if any.
  std::string finish() {
    while (!next().empty()) {
    }
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_done; });
    return m_chunks.failure();
  }
  /// The reading's failure so far (once next() has returned empty).
  std::string failure() {
    std::lock_guard lock(m_mutex);
    return m_read_failure;
  }

private:
  static constexpr std::size_t k_blocks = 4, k_block_size = 256 * 1024;
  unsigned char* slot(std::uint64_t n) { return m_blocks.data() + (n % k_blocks) * k_block_size; }

  // The reading thread: blocks until the image data ends, then the chunks to IEND.
  void read_blocks() {
    for (;;) {
      unsigned char* block = nullptr;
      {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stopped || m_filled - m_taken < k_blocks; });
        if (m_stopped) break;
        block = slot(m_filled);
      }
      std::size_t size = 0, got = 0;
      do {
        got = m_chunks.read_image_data({block + size, k_block_size - size});
        size += got;
      } while (got > 0 && size < k_block_size);
      std::lock_guard lock(m_mutex);
      if (size == 0) break;
      m_sizes[m_filled % k_blocks] = size;
      ++m_filled;
      m_changed.notify_all();
    }
    std::unique_lock lock(m_mutex);
    m_data_ended = true;
    m_read_failure = m_chunks.failure();
    m_changed.notify_all();
    if (m_stopped || !m_chunks.failure().empty()) {
      m_done = true;
      return;
    }
    lock.unlock();
    m_chunks.read_to_end();
    lock.lock();
    m_done = true;
    m_changed.notify_all();
  }

  ChunkReader m_chunks;       // the reading thread's until m_done
  std::string m_read_failure; // the chunks' failure when the image data ended
  std::vector<unsigned char> m_blocks;
  std::size_t m_sizes[k_blocks] = {};
  std::uint64_t m_filled = 0, m_taken = 0;
  bool m_holding = false, m_data_ended = false, m_done = false, m_stopped = false;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::thread m_thread;
};

} // namespace sora::media::png_image_data
