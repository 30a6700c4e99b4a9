// JSON objects, error envelopes, random ids, base64 and image header probing.
#include "wire.hpp"

#include <array>
#include <mutex>
#include <random>

namespace sora_mock {
namespace {

std::uint32_t be16(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at]) << 8U) |
         static_cast<unsigned char>(b[at + 1]);
}

std::uint32_t be32(std::string_view b, std::size_t at) {
  return be16(b, at) << 16U | be16(b, at + 2);
}

std::uint32_t le_bytes(std::string_view b, std::size_t at, std::size_t count) {
  std::uint32_t value = 0;
  for (std::size_t i = count; i > 0; --i) {
    value = value << 8U | static_cast<unsigned char>(b[at + i - 1]);
  }
  return value;
}

std::optional<ImageSize> probe_jpeg(std::string_view b) {
  std::size_t pos = 2; // after SOI
  while (pos + 4 <= b.size()) {
    if (static_cast<unsigned char>(b[pos]) != 0xFF) return std::nullopt;
    const auto marker = static_cast<unsigned char>(b[pos + 1]);
    if (marker == 0xFF) { // fill byte
      ++pos;
      continue;
    }
    pos += 2;
    if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) continue;
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt; // no frame header before the scan
    const auto length = be16(b, pos);
    if (length < 2) return std::nullopt;
    const bool is_sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (is_sof) {
      if (pos + 7 > b.size()) return std::nullopt;
      return ImageSize{be16(b, pos + 5), be16(b, pos + 3)};
    }
    pos += length;
  }
  return std::nullopt;
}

std::optional<ImageSize> probe_png(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  return ImageSize{be32(b, 16), be32(b, 20)};
}

std::optional<ImageSize> probe_webp(std::string_view b) {
  if (b.size() < 30) return std::nullopt;
  const auto chunk = b.substr(12, 4);
  if (chunk == "VP8 ") {
    if (static_cast<unsigned char>(b[23]) != 0x9D || static_cast<unsigned char>(b[24]) != 0x01 ||
        static_cast<unsigned char>(b[25]) != 0x2A) {
      return std::nullopt;
    }
    return ImageSize{le_bytes(b, 26, 2) & 0x3FFFU, le_bytes(b, 28, 2) & 0x3FFFU};
  }
  if (chunk == "VP8L") {
    if (static_cast<unsigned char>(b[20]) != 0x2F) return std::nullopt;
    const auto bits = le_bytes(b, 21, 4);
    return ImageSize{(bits & 0x3FFFU) + 1, ((bits >> 14U) & 0x3FFFU) + 1};
  }
  if (chunk == "VP8X") return ImageSize{le_bytes(b, 24, 3) + 1, le_bytes(b, 27, 3) + 1};
  return std::nullopt;
}

} // namespace

ApiError invalid_request(std::string message, std::optional<std::string> param,
                         std::optional<std::string> code) {
  ApiError error;
  error.message = std::move(message);
  error.param = std::move(param);
  error.code = std::move(code);
  return error;
}

Json error_body(const ApiError& error) {
  Json inner;
  inner["message"] = error.message;
  inner["type"] = error.type;
  inner["param"] = error.param ? Json(*error.param) : Json(nullptr);
  inner["code"] = error.code ? Json(*error.code) : Json(nullptr);
  return Json{{"error", inner}};
}

std::string_view status_name(VideoStatus status) {
  switch (status) {
  case VideoStatus::queued:
    return "queued";
  case VideoStatus::in_progress:
    return "in_progress";
  case VideoStatus::completed:
    return "completed";
  case VideoStatus::failed:
    return "failed";
  case VideoStatus::cancelled:
    return "cancelled";
  }
  return "queued";
}

Json video_json(const Job& job) {
  const auto optional_int = [](const std::optional<std::int64_t>& v) {
    return v ? Json(*v) : Json(nullptr);
  };
  Json error = nullptr;
  if (job.status == VideoStatus::failed) {
    if (job.spec.outcome == Outcome::moderation) {
      error = Json{{"code", "moderation_blocked"},
                   {"message", "Your request was blocked by our moderation system."}};
    } else {
      error = Json{{"code", "video_generation_failed"},
                   {"message", "The video could not be generated."}};
    }
  }
  return Json{
      {"id", job.id},
      {"object", "video"},
      {"model", job.spec.model},
      {"status", status_name(job.status)},
      {"progress", job.progress},
      {"created_at", job.created_at},
      {"completed_at", optional_int(job.completed_at)},
      {"expires_at", optional_int(job.expires_at)},
      {"prompt", job.spec.prompt},
      {"size", job.spec.size},
      {"seconds", job.spec.seconds},
      {"quality", "standard"},
      {"remixed_from_video_id", job.spec.remixed_from ? Json(*job.spec.remixed_from) : Json()},
      {"error", error},
  };
}

std::string random_hex(std::size_t n) {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  static constexpr std::string_view k_digits = "0123456789abcdef";
  std::string out(n, '0');
  std::lock_guard lock(mutex);
  for (auto& c : out)
    c = k_digits[engine() & 0xFU];
  return out;
}

std::string new_video_id() {
  return "video_" + random_hex(32);
}

std::string encode_base64(std::string_view bytes) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  const auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto v = byte(i) << 16U | byte(i + 1) << 8U | byte(i + 2);
    for (const unsigned shift : {18U, 12U, 6U, 0U})
      out += k_alphabet[(v >> shift) & 63U];
  }
  if (bytes.size() - i == 1) {
    const auto v = byte(i) << 16U;
    out += k_alphabet[(v >> 18U) & 63U];
    out += k_alphabet[(v >> 12U) & 63U];
    out += "==";
  } else if (bytes.size() - i == 2) {
    const auto v = byte(i) << 16U | byte(i + 1) << 8U;
    out += k_alphabet[(v >> 18U) & 63U];
    out += k_alphabet[(v >> 12U) & 63U];
    out += k_alphabet[(v >> 6U) & 63U];
    out += '=';
  }
  return out;
}

std::string new_request_id() {
  return "req_" + random_hex(24);
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += values.size() == 2 ? " " : ", ";
    if (i > 0 && i + 1 == values.size()) out += "and ";
    out += "'" + values[i] + "'";
  }
  return out;
}

std::string json_type_phrase(const nlohmann::json& value) {
  switch (value.type()) {
  case nlohmann::json::value_t::null:
    return "null";
  case nlohmann::json::value_t::boolean:
    return "a boolean";
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
    return "an integer";
  case nlohmann::json::value_t::number_float:
    return "a decimal";
  case nlohmann::json::value_t::string:
    return "a string";
  case nlohmann::json::value_t::array:
    return "an array";
  case nlohmann::json::value_t::object:
    return "an object";
  default:
    return "an unsupported value";
  }
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::array<int, 256> table{};
  table.fill(-1);
  constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < k_alphabet.size(); ++i) {
    table[static_cast<unsigned char>(k_alphabet[i])] = static_cast<int>(i);
  }
  table['-'] = 62;
  table['_'] = 63;

  while (!text.empty() && text.back() == '=')
    text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = table[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    buffer = buffer << 6U | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  return out;
}

std::optional<ImageFormat> detect_image_format(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") return ImageFormat::jpeg;
  if (bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return ImageFormat::png;
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") {
    return ImageFormat::webp;
  }
  return std::nullopt;
}

std::optional<ImageSize> probe_image_size(std::string_view bytes, ImageFormat format) {
  switch (format) {
  case ImageFormat::jpeg:
    return probe_jpeg(bytes);
  case ImageFormat::png:
    return probe_png(bytes);
  case ImageFormat::webp:
    return probe_webp(bytes);
  }
  return std::nullopt;
}

} // namespace sora_mock
