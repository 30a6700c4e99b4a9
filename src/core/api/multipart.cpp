// Streamed multipart encoder. The closing boundary is added on first use, so parts can be added
// in any order before the transport asks for the size.
#include "api/multipart.hpp"

#include <cerrno>
#include <cstring>
#include <random>

namespace sora::detail {
namespace {

std::string random_boundary() {
  static constexpr char k_chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::mt19937_64 rng(device());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(k_chars) - 2);
  std::string boundary = "sora-";
  for (int i = 0; i < 32; ++i)
    boundary += k_chars[pick(rng)];
  return boundary;
}

// Quotes in names would break the header; the API's field names never contain them.
std::string quoted(const std::string& text) {
  std::string out;
  for (char c : text)
    out += (c == '"' || c == '\r' || c == '\n') ? '_' : c;
  return out;
}

} // namespace

MultipartBody::MultipartBody(std::string boundary)
    : m_boundary(boundary.empty() ? random_boundary() : std::move(boundary)) {}

MultipartBody::~MultipartBody() {
  if (m_file) std::fclose(m_file);
}

void MultipartBody::append_text(std::string text) {
  if (!m_segments.empty() && m_segments.back().path.empty())
    m_segments.back().text += text;
  else
    m_segments.push_back(Segment{std::move(text), {}, 0});
}

void MultipartBody::add_field(const std::string& name, const std::string& value) {
  append_text("--" + m_boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) +
              "\"\r\n\r\n" + value + "\r\n");
}

Result<void> MultipartBody::add_file(const std::string& name, const std::filesystem::path& path,
                                     const std::string& content_type) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot read " + path.string() + ": " + ec.message(),
                      "Check the path and the file's permissions.");
  append_text("--" + m_boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) +
              "\"; filename=\"" + quoted(path.filename().string()) +
              "\"\r\nContent-Type: " + content_type + "\r\n\r\n");
  m_segments.push_back(Segment{{}, path, size});
  append_text("\r\n");
  return {};
}

void MultipartBody::finish() {
  if (m_finished) return;
  append_text("--" + m_boundary + "--\r\n");
  m_finished = true;
}

std::string MultipartBody::content_type() const {
  return "multipart/form-data; boundary=" + m_boundary;
}

std::uint64_t MultipartBody::size() const {
  const_cast<MultipartBody*>(this)->finish();
  std::uint64_t total = 0;
  for (const auto& segment : m_segments)
    total += segment.path.empty() ? segment.text.size() : segment.file_size;
  return total;
}

Result<std::size_t> MultipartBody::read(std::span<char> buffer) {
  finish();
  std::size_t written = 0;
  while (written < buffer.size() && m_index < m_segments.size()) {
    Segment& segment = m_segments[m_index];
    std::size_t room = buffer.size() - written;
    if (segment.path.empty()) {
      std::size_t n = std::min<std::uint64_t>(room, segment.text.size() - m_offset);
      std::memcpy(buffer.data() + written, segment.text.data() + m_offset, n);
      written += n;
      m_offset += n;
      if (m_offset == segment.text.size()) {
        ++m_index;
        m_offset = 0;
      }
      continue;
    }
    if (!m_file) {
      m_file = std::fopen(segment.path.c_str(), "rb");
      if (!m_file)
        return unexpected(ErrorCode::io,
                          "Cannot open " + segment.path.string() + ": " + std::strerror(errno));
    }
    std::size_t want = std::min<std::uint64_t>(room, segment.file_size - m_offset);
    std::size_t n = std::fread(buffer.data() + written, 1, want, m_file);
    if (n < want && std::ferror(m_file))
      return unexpected(ErrorCode::io, "Cannot read " + segment.path.string());
    if (n < want && m_offset + n < segment.file_size) // the file shrank while we sent it
      return unexpected(ErrorCode::io, segment.path.string() + " changed while it was uploaded.",
                        "Leave the image untouched until the upload ends.");
    written += n;
    m_offset += n;
    if (m_offset == segment.file_size) {
      std::fclose(m_file);
      m_file = nullptr;
      ++m_index;
      m_offset = 0;
    }
  }
  return written;
}

Result<void> MultipartBody::rewind() {
  if (m_file) {
    std::fclose(m_file);
    m_file = nullptr;
  }
  m_index = 0;
  m_offset = 0;
  return {};
}

} // namespace sora::detail
