// Streamed JSON body with base64-embedded files.
#include "api/json_body.hpp"

#include <cerrno>
#include <cstring>

namespace sora::detail {
namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t k_chunk = 3 * 64 * 1024; // a multiple of 3: only the last chunk pads

void encode_into(std::string& out, const unsigned char* in, std::size_t n) {
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    unsigned v = (unsigned{in[i]} << 16) | (unsigned{in[i + 1]} << 8) | unsigned{in[i + 2]};
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += k_alphabet[v & 63];
  }
  if (std::size_t rest = n - i; rest > 0) {
    unsigned v = unsigned{in[i]} << 16;
    if (rest == 2) v |= unsigned{in[i + 1]} << 8;
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += rest == 2 ? k_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
}

} // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve(base64_length(bytes.size()));
  encode_into(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return out;
}

JsonBody::~JsonBody() {
  if (m_file) std::fclose(m_file);
}

void JsonBody::add_text(std::string_view text) {
  if (!m_segments.empty() && m_segments.back().path.empty())
    m_segments.back().text += text;
  else
    m_segments.push_back(Segment{std::string(text), {}, 0});
}

void JsonBody::add_base64_file(const std::filesystem::path& path, std::uint64_t file_size) {
  m_segments.push_back(Segment{{}, path, file_size});
}

std::uint64_t JsonBody::size() const {
  std::uint64_t total = 0;
  for (const auto& segment : m_segments)
    total += segment.path.empty() ? segment.text.size() : base64_length(segment.file_size);
  return total;
}

// Reads the next chunk of the current file segment and encodes it into m_encoded.
Result<void> JsonBody::refill(const Segment& segment) {
  if (!m_file) {
    m_file = std::fopen(segment.path.c_str(), "rb");
    if (!m_file)
      return unexpected(ErrorCode::io,
                        "Cannot open " + segment.path.string() + ": " + std::strerror(errno));
  }
  std::uint64_t left = segment.file_size - m_offset;
  std::size_t want = left < k_chunk ? static_cast<std::size_t>(left) : k_chunk;
  std::string raw(want, '\0');
  std::size_t n = std::fread(raw.data(), 1, want, m_file);
  if (n < want) {
    if (std::ferror(m_file))
      return unexpected(ErrorCode::io, "Cannot read " + segment.path.string());
    return unexpected(ErrorCode::io, segment.path.string() + " changed while it was uploaded.",
                      "Leave the image untouched until the upload ends.");
  }
  m_offset += n;
  m_encoded.clear();
  m_encoded_at = 0;
  encode_into(m_encoded, reinterpret_cast<const unsigned char*>(raw.data()), n);
  return {};
}

Result<std::size_t> JsonBody::read(std::span<char> buffer) {
  std::size_t written = 0;
  while (written < buffer.size() && m_index < m_segments.size()) {
    const Segment& segment = m_segments[m_index];
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
    if (m_encoded_at == m_encoded.size()) {
      if (m_offset == segment.file_size) { // the whole file is out
        if (m_file) std::fclose(m_file);
        m_file = nullptr;
        m_encoded.clear();
        m_encoded_at = 0;
        ++m_index;
        m_offset = 0;
        continue;
      }
      if (auto ok = refill(segment); !ok) return unexpected(ok.error());
    }
    std::size_t n = std::min(room, m_encoded.size() - m_encoded_at);
    std::memcpy(buffer.data() + written, m_encoded.data() + m_encoded_at, n);
    written += n;
    m_encoded_at += n;
  }
  return written;
}

Result<void> JsonBody::rewind() {
  if (m_file) {
    std::fclose(m_file);
    m_file = nullptr;
  }
  m_index = 0;
  m_offset = 0;
  m_encoded.clear();
  m_encoded_at = 0;
  return {};
}

} // namespace sora::detail
