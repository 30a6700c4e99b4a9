// What identifies a job's request (fingerprint) and the keys its create is sent with.
#include <sora/job.hpp>

#include <fstream>
#include <random>

namespace sora {
namespace {

// 64-bit FNV-1a: stable across runs, machines and versions (the state file keeps it).
class Fnv {
public:
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      m_hash ^= c;
      m_hash *= 0x100000001b3ULL;
    }
  }
  // A field with its length in front, so "ab"+"c" and "a"+"bc" differ.
  void field(std::string_view name, std::string_view value) {
    add(name);
    add(std::to_string(value.size()));
    add(":");
    add(value);
  }
  std::string hex() const {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i)
      out[static_cast<std::size_t>(i)] = k_hex[(m_hash >> (4 * (15 - i))) & 0xF];
    return out;
  }

private:
  std::uint64_t m_hash = 0xcbf29ce484222325ULL;
};

Result<void> add_file(Fnv& fnv, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorCode::invalid_argument, "Cannot read the image " + path.string() + ".",
                      "Check the image's path.");
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
    fnv.add(std::string_view(buffer, static_cast<std::size_t>(in.gcount())));
  return {};
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
  Fnv fnv;
  fnv.field("kind", to_string(spec.kind));
  if (spec.kind != JobKind::create) {
    fnv.field("source", spec.source_id);
    fnv.field("prompt", spec.prompt);
    fnv.field("seconds", spec.seconds);
    return fnv.hex();
  }
  const CreateRequest& r = spec.create;
  fnv.field("prompt", r.prompt);
  fnv.field("model", r.model.value_or(""));
  fnv.field("size", r.size.value_or(""));
  fnv.field("seconds", r.seconds.value_or(""));
  fnv.field("image_url", r.image_url.value_or(""));
  for (const auto& f : r.fields)
    fnv.field(f.json ? "json:" + f.name : "text:" + f.name, f.value);
  if (spec.fit)
    fnv.field("fit", std::string(to_string(spec.fit->mode)) + " " +
                         std::to_string(spec.fit->width) + "x" + std::to_string(spec.fit->height) +
                         " " + std::to_string(spec.fit->pad.r) + "," +
                         std::to_string(spec.fit->pad.g) + "," + std::to_string(spec.fit->pad.b));
  if (r.image)
    if (auto ok = add_file(fnv, *r.image); !ok) return unexpected(ok.error());
  return fnv.hex();
}

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
