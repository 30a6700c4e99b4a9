// C2PA in MP4: the manifest store is a top-level `uuid` box (the C2PA UUID, a version, the purpose
// "manifest", an offset) holding a JUMBF superbox labelled "c2pa"; its last manifest is the
// active one, whose claim (`c2pa.claim` or `c2pa.claim.v2`) is a CBOR map. Only the boxes' headers
// are read while scanning; the store itself is read once it is found (capped).
#include <sora/media.hpp>

#include <array>
#include <cstring>
#include <fstream>
#include <optional>
#include <span>
#include <string_view>

namespace sora {
namespace {

constexpr std::array<unsigned char, 16> k_c2pa_uuid = {
    0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81};
constexpr std::uint64_t k_store_max = 64ULL * 1024 * 1024;
constexpr int k_depth_max = 24;

using Bytes = std::span<const unsigned char>;

std::uint64_t big_endian(Bytes bytes) {
  std::uint64_t value = 0;
  for (const auto b : bytes)
    value = (value << 8) | b;
  return value;
}

/// One ISO BMFF / JUMBF box inside a byte range.
struct Box {
  std::string type;
  Bytes payload;
};

std::vector<Box> boxes(Bytes data) {
  std::vector<Box> out;
  while (data.size() >= 8) {
    std::uint64_t size = big_endian(data.first(4));
    std::size_t header = 8;
    if (size == 1 && data.size() >= 16) {
      size = big_endian(data.subspan(8, 8));
      header = 16;
    } else if (size == 0) {
      size = data.size();
    }
    if (size < header || size > data.size()) break;
    out.push_back({std::string(reinterpret_cast<const char*>(data.data()) + 4, 4),
                   data.subspan(header, static_cast<std::size_t>(size - header))});
    data = data.subspan(static_cast<std::size_t>(size));
  }
  return out;
}

/// The label of a JUMBF superbox (`jumb`): from its description box (`jumd`).
std::string jumbf_label(Bytes superbox) {
  const auto children = boxes(superbox);
  if (children.empty() || children.front().type != "jumd") return {};
  const auto d = children.front().payload;
  if (d.size() < 17 || !(d[16] & 0x02)) return {};
  const auto text = d.subspan(17);
  const auto* end = static_cast<const unsigned char*>(std::memchr(text.data(), 0, text.size()));
  return std::string(reinterpret_cast<const char*>(text.data()),
                     end ? static_cast<std::size_t>(end - text.data()) : text.size());
}

/// A small CBOR reader: just enough to find text values of a claim map.
class Cbor {
public:
  explicit Cbor(Bytes data) : m_data(data) {}

  /// Reads the claim map's text members we report; false when the data is not a map.
  bool read_claim(std::string& generator, std::string& title) {
    std::uint64_t count = 0;
    if (!head(5, count)) return false;
    for (std::uint64_t i = 0; i < count; ++i) {
      std::string key;
      if (!text(key)) return false;
      if (key == "claim_generator" || key == "dc:title") {
        std::string value;
        if (!text(value)) return false;
        (key == "dc:title" ? title : generator) = value;
      } else if (key == "claim_generator_info" && generator.empty()) {
        if (!generator_info(generator)) return false;
      } else if (!skip(0)) {
        return false;
      }
    }
    return true;
  }

private:
  /// Reads an item head of `major` type and its argument.
  bool head(int major, std::uint64_t& value) {
    if (m_pos >= m_data.size() || (m_data[m_pos] >> 5) != major) return false;
    return argument(value);
  }
  bool argument(std::uint64_t& value) {
    const int info = m_data[m_pos++] & 0x1f;
    if (info < 24) {
      value = static_cast<std::uint64_t>(info);
      return true;
    }
    if (info > 27) return false; // indefinite lengths are not used by C2PA (deterministic CBOR)
    const std::size_t n = std::size_t{1} << (info - 24);
    if (m_data.size() - m_pos < n) return false;
    value = big_endian(m_data.subspan(m_pos, n));
    m_pos += n;
    return true;
  }
  bool text(std::string& out) {
    std::uint64_t length = 0;
    if (!head(3, length) || length > m_data.size() - m_pos) return false;
    out.assign(reinterpret_cast<const char*>(m_data.data()) + m_pos, length);
    m_pos += length;
    return true;
  }
  /// `claim_generator_info`: a map (claim v2) or an array of maps (v1); "name/version".
  bool generator_info(std::string& generator) {
    if (m_pos >= m_data.size()) return false;
    std::uint64_t count = 1;
    if ((m_data[m_pos] >> 5) == 4 && !head(4, count)) return false;
    for (std::uint64_t i = 0; i < count; ++i) {
      std::uint64_t members = 0;
      if (!head(5, members)) return false;
      std::string name;
      std::string version;
      for (std::uint64_t m = 0; m < members; ++m) {
        std::string key;
        if (!text(key)) return false;
        const bool wanted = key == "name" || key == "version";
        const bool is_text = m_pos < m_data.size() && (m_data[m_pos] >> 5) == 3;
        if (wanted && is_text) {
          if (!text(key == "name" ? name : version)) return false;
        } else if (!skip(0)) {
          return false;
        }
      }
      if (generator.empty() && !name.empty())
        generator = version.empty() ? name : name + "/" + version;
    }
    return true;
  }
  bool skip(int depth) {
    if (depth > k_depth_max || m_pos >= m_data.size()) return false;
    const int major = m_data[m_pos] >> 5;
    std::uint64_t value = 0;
    if (!argument(value)) return false;
    switch (major) {
    case 2:
    case 3:
      if (value > m_data.size() - m_pos) return false;
      m_pos += value;
      return true;
    case 4:
    case 5:
      for (std::uint64_t i = 0; i < value * (major == 5 ? 2 : 1); ++i)
        if (!skip(depth + 1)) return false;
      return true;
    case 6:
      return skip(depth + 1);
    default:
      return true;
    }
  }

  Bytes m_data;
  std::size_t m_pos = 0;
};

/// Reads the active manifest's claim out of a C2PA manifest store (a `jumb` box's payload).
void read_store(Bytes store, ProvenanceInfo& info) {
  if (jumbf_label(store) != "c2pa") return;
  info.present = true;
  std::optional<Bytes> active;
  for (const auto& child : boxes(store))
    if (child.type == "jumb") active = child.payload;
  if (!active) return;
  for (const auto& part : boxes(*active)) {
    if (part.type != "jumb" || jumbf_label(part.payload).rfind("c2pa.claim", 0) != 0) continue;
    for (const auto& content : boxes(part.payload)) {
      if (content.type != "cbor") continue;
      std::string generator;
      std::string title;
      if (Cbor(content.payload).read_claim(generator, title)) {
        info.claim_generator = generator;
        info.title = title;
      }
      return;
    }
  }
}

/// A `uuid` box's payload (after its 16-byte UUID): version and flags, the purpose, an offset for
/// "manifest", then the store.
void read_uuid_payload(Bytes payload, ProvenanceInfo& info) {
  if (payload.size() < 4) return;
  payload = payload.subspan(4);
  const auto* end =
      static_cast<const unsigned char*>(std::memchr(payload.data(), 0, payload.size()));
  if (!end) return;
  const std::string_view purpose(reinterpret_cast<const char*>(payload.data()),
                                 static_cast<std::size_t>(end - payload.data()));
  if (purpose != "manifest") return;
  payload = payload.subspan(purpose.size() + 1);
  if (payload.size() < 8) return;
  for (const auto& box : boxes(payload.subspan(8)))
    if (box.type == "jumb") read_store(box.payload, info);
}

} // namespace

Result<ProvenanceInfo> read_provenance(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return unexpected(ErrorCode::io, "Cannot read " + path.string() + ".");
  ProvenanceInfo info;
  std::uint64_t offset = 0;
  while (true) {
    unsigned char header[16];
    file.seekg(static_cast<std::streamoff>(offset));
    if (!file.read(reinterpret_cast<char*>(header), 8)) break;
    std::uint64_t size = big_endian(Bytes(header, 4));
    std::uint64_t header_size = 8;
    if (size == 1) {
      if (!file.read(reinterpret_cast<char*>(header + 8), 8)) break;
      size = big_endian(Bytes(header + 8, 8));
      header_size = 16;
    }
    const std::string type(reinterpret_cast<const char*>(header) + 4, 4);
    const bool candidate = type == "uuid" || type == "jumb";
    if (size == 0 && !candidate) break; // the box runs to the end of the file
    if (candidate && (size == 0 || (size >= header_size && size - header_size <= k_store_max))) {
      std::vector<unsigned char> payload(
          static_cast<std::size_t>(size == 0 ? k_store_max : size - header_size));
      file.read(reinterpret_cast<char*>(payload.data()),
                static_cast<std::streamsize>(payload.size()));
      payload.resize(static_cast<std::size_t>(file.gcount()));
      file.clear();
      const Bytes bytes(payload);
      if (type == "jumb") {
        read_store(bytes, info);
      } else if (bytes.size() >= 16 && std::memcmp(bytes.data(), k_c2pa_uuid.data(), 16) == 0) {
        info.manifest_bytes = bytes.size();
        read_uuid_payload(bytes.subspan(16), info);
      }
      if (info.present) return info;
    }
    if (size == 0 || size < header_size) break;
    offset += size;
  }
  return info;
}

} // namespace sora
