// What identifies a job's request (fingerprint) and the keys its create is sent with.
// Fingerprints are versioned (docs/adr/0018-versioned-fingerprints.md): this version writes "v2:"
// and 32 hex digits of XXH3-128; the 16 bare hex digits of FNV-1a that earlier versions wrote
// are still matched (FingerprintMatch), computed only when such a record could be this request.
#include "jobs/fingerprint.hpp"

#include "common/text.hpp"

#include <sora/job.hpp>

// Header-only: the hash is compiled into this file, no shared library to load at start-up.
#define XXH_INLINE_ALL
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <memory>
#include <random>

namespace sora {
namespace {

constexpr std::string_view k_v2_prefix = "v2:";
// Read size: 64 KiB stays in the CPU's cache between the kernel's copy and the hash; measured
// on 1 GiB in the page cache, 0.17 s of CPU against 0.23 s with 1 MiB reads (ADR 0018).
constexpr std::size_t k_file_chunk = 64 * 1024;

std::string hex(std::uint64_t value, std::size_t digits = 16) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out(digits, '0');
  for (std::size_t i = 0; i < digits; ++i)
    out[digits - 1 - i] = k_hex[(value >> (4 * i)) & 0xF];
  return out;
}

// Version 2: XXH3-128, streamed. Gigabytes per second, so an image is hashed at the speed it is
// read from the page cache.
class Xxh3 {
public:
  Xxh3() { XXH3_128bits_reset(&m_state); }
  void add(std::string_view bytes) { XXH3_128bits_update(&m_state, bytes.data(), bytes.size()); }
  std::string hex_digest() const {
    const XXH128_hash_t h = XXH3_128bits_digest(&m_state);
    return hex(h.high64) + hex(h.low64); // XXH128's canonical (big-endian) form, as xxhsum -H2
  }

private:
  XXH3_state_t m_state;
};

// Version 1: 64-bit FNV-1a, one byte at a time (about 1 s per GiB). Kept only to recognise the
// records earlier versions wrote; never change what it computes.
class Fnv {
public:
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      m_hash ^= c;
      m_hash *= 0x100000001b3ULL;
    }
  }
  std::string hex_digest() const { return hex(m_hash); }

private:
  std::uint64_t m_hash = 0xcbf29ce484222325ULL;
};

// A field with its length in front, so "ab"+"c" and "a"+"bc" differ.
template <class Hash> void field(Hash& hash, std::string_view name, std::string_view value) {
  hash.add(name);
  hash.add(std::to_string(value.size()));
  hash.add(":");
  hash.add(value);
}

Error cannot_read(const std::filesystem::path& path, int error_number) {
  return unexpected(ErrorCode::invalid_argument,
                    "Cannot read the image " + path.string() + " (" +
                        std::generic_category().message(error_number) + ").",
                    "Check the image's path.")
      .error;
}

// The file's bytes, read `chunk` at a time with read(2): no stream buffer copying them again.
template <class Hash>
Result<void> add_file(Hash& hash, const std::filesystem::path& path, std::size_t chunk) {
  struct File {
    int fd;
    ~File() {
      if (fd >= 0) ::close(fd);
    }
  } file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return unexpected(cannot_read(path, errno));
  (void)::posix_fadvise(file.fd, 0, 0, POSIX_FADV_SEQUENTIAL); // larger read-ahead from a disk
  const auto buffer = std::make_unique_for_overwrite<char[]>(chunk);
  for (;;) {
    const ssize_t n = ::read(file.fd, buffer.get(), chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(cannot_read(path, errno));
    if (n == 0) return {};
    hash.add(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
  }
}

// The request's fields, then the image's bytes: the same sequence in every version.
template <class Hash> Result<std::string> hash_spec(const JobSpec& spec, std::size_t chunk) {
  Hash hash;
  field(hash, "kind", to_string(spec.kind));
  if (spec.kind != JobKind::create) {
    field(hash, "source", spec.source_id);
    field(hash, "prompt", spec.prompt);
    field(hash, "seconds", spec.seconds);
    return hash.hex_digest();
  }
  const CreateRequest& r = spec.create;
  field(hash, "prompt", r.prompt);
  field(hash, "model", r.model.value_or(""));
  field(hash, "size", r.size.value_or(""));
  field(hash, "seconds", r.seconds.value_or(""));
  field(hash, "image_url", r.image_url.value_or(""));
  for (const auto& f : r.fields)
    field(hash, f.json ? "json:" + f.name : "text:" + f.name, f.value);
  if (spec.fit)
    field(hash, "fit",
          std::string(to_string(spec.fit->mode)) + " " + std::to_string(spec.fit->width) + "x" +
              std::to_string(spec.fit->height) + " " + std::to_string(spec.fit->pad.r) + "," +
              std::to_string(spec.fit->pad.g) + "," + std::to_string(spec.fit->pad.b));
  if (r.image)
    if (auto ok = add_file(hash, *r.image, chunk); !ok) return unexpected(ok.error());
  return hash.hex_digest();
}

// 16 hex digits and nothing else: what versions before v2 recorded.
bool is_v1(std::string_view recorded) {
  return recorded.size() == 16 &&
         recorded.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string_view prompt_of(const JobSpec& spec) {
  return spec.kind == JobKind::create ? spec.create.prompt : spec.prompt;
}

} // namespace

std::string_view to_string(JobKind kind) noexcept {
  switch (kind) {
  case JobKind::create:
    return "create";
  case JobKind::remix:
    return "remix";
  case JobKind::extend:
    return "extend";
  case JobKind::edit:
    return "edit";
  }
  return "create";
}

Result<std::string> fingerprint(const JobSpec& spec) {
  return detail::fingerprint_chunked(spec, k_file_chunk);
}

FingerprintMatch::FingerprintMatch(const JobSpec& spec, std::string current)
    : m_spec(spec), m_current(std::move(current)) {}

bool FingerprintMatch::operator()(std::string_view recorded,
                                  std::optional<std::string_view> recorded_prompt) {
  if (recorded.empty()) return false;
  if (recorded == m_current) return true;
  if (!is_v1(recorded)) return false;
  // A v1 record is hashed against only when it could be this request: its prompt (as the
  // journal keeps it) is this one's.
  if (recorded_prompt && *recorded_prompt != detail::one_line_head(prompt_of(m_spec))) return false;
  if (!m_v1) {
    auto v1 = detail::fingerprint_v1(m_spec);
    m_v1 = v1 ? std::move(*v1) : std::string();
  }
  return !m_v1->empty() && recorded == *m_v1;
}

namespace detail {

Result<std::string> fingerprint_chunked(const JobSpec& spec, std::size_t chunk) {
  auto digest = hash_spec<Xxh3>(spec, chunk);
  if (!digest) return digest;
  return std::string(k_v2_prefix) + *digest;
}

Result<std::string> fingerprint_v1(const JobSpec& spec) {
  return hash_spec<Fnv>(spec, k_file_chunk);
}

Result<std::string> file_hash(const std::filesystem::path& path, std::size_t chunk) {
  Xxh3 hash;
  if (auto ok = add_file(hash, path, chunk); !ok) return unexpected(ok.error());
  return hash.hex_digest();
}

} // namespace detail

std::string make_idempotency_key() {
  static constexpr char k_hex[] = "0123456789abcdef";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int> digit(0, 15);
  std::string key = "sora-";
  for (int i = 0; i < 32; ++i)
    key += k_hex[digit(rng)];
  return key;
}

} // namespace sora
