// A storyboard's plan: where each shot's clip goes, its identity, and whether it is done, stale or
// missing against the state file (FILM.storyboard.json) and the clips on disk.
#include <sora/storyboard.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace sora {
namespace {

namespace fs = std::filesystem;

/// A 128-bit FNV-1a (two 64-bit lanes with different bases): stable across runs and machines,
/// enough to tell changed inputs apart (not a security hash).
class Hasher {
public:
  void add(std::string_view bytes) {
    for (const unsigned char c : bytes) {
      m_a = (m_a ^ c) * 1099511628211ULL;
      m_b = (m_b ^ c) * 1099511628211ULL;
    }
    // A separator, so ("ab", "c") and ("a", "bc") differ.
    m_a = (m_a ^ 0xff) * 1099511628211ULL;
    m_b = (m_b ^ 0xfe) * 1099511628211ULL;
  }
  Result<void> add_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected(ErrorCode::io, "Cannot read " + path.string() + ".");
    std::array<char, 64 * 1024> buffer{};
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
      add(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    }
    return {};
  }
  std::string hex() const {
    char text[33];
    std::snprintf(text, sizeof(text), "%016llx%016llx", static_cast<unsigned long long>(m_a),
                  static_cast<unsigned long long>(m_b));
    return text;
  }

private:
  std::uint64_t m_a = 14695981039346656037ULL;
  std::uint64_t m_b = 0x6c62272e07bb0142ULL;
};

fs::path beside_film(const Film& film, const std::string& suffix) {
  auto name = film.output.stem().string() + suffix;
  return film.output.parent_path() / name;
}

} // namespace

std::string_view to_string(ShotStatus status) noexcept {
  switch (status) {
  case ShotStatus::done:
    return "done";
  case ShotStatus::stale:
    return "stale";
  case ShotStatus::missing:
    return "missing";
  }
  return "missing";
}

fs::path clip_path(const Film& film, const Shot& shot) {
  return beside_film(film, "." + shot.label + ".mp4");
}

fs::path state_path(const Film& film) {
  return beside_film(film, ".storyboard.json");
}

Result<std::vector<std::string>> shot_identities(const Film& film) {
  std::map<std::string, std::string> by_label;
  std::vector<std::string> out;
  for (const auto& shot : film.shots) {
    Hasher h;
    h.add("sora-shot-1");
    h.add(to_string(shot.start));
    h.add(compose(shot.prompt));
    h.add(shot.model);
    h.add(shot.size);
    h.add(shot.seconds);
    h.add(film.profile);
    if (shot.image) {
      if (auto ok = h.add_file(*shot.image); !ok) return unexpected(ok.error());
    }
    h.add(shot.after.empty() ? std::string() : by_label[shot.after]);
    out.push_back(h.hex());
    by_label[shot.label] = out.back();
  }
  return out;
}

const ShotRecord* StoryboardState::find(std::string_view label) const {
  for (const auto& record : shots)
    if (record.label == label) return &record;
  return nullptr;
}

Result<StoryboardState> read_storyboard_state(const fs::path& path) {
  StoryboardState state;
  std::ifstream in(path, std::ios::binary);
  if (!in) return state;
  std::ostringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  const auto damaged = [&] {
    return unexpected(ErrorCode::invalid_argument,
                      "The storyboard state " + path.string() + " is damaged.",
                      "Remove it: every shot will then be generated again.");
  };
  if (json.is_discarded() || !json.is_object() || !json.contains("shots") ||
      !json["shots"].is_array())
    return damaged();
  for (const auto& item : json["shots"]) {
    if (!item.is_object()) return damaged();
    ShotRecord record;
    record.label = item.value("label", "");
    record.identity = item.value("id", "");
    record.video_id = item.value("video_id", "");
    record.prompt = item.value("prompt", "");
    record.clip = item.value("clip", "");
    record.manifest = item.value("c2pa_manifest", false);
    state.shots.push_back(std::move(record));
  }
  state.film = json.value("film", "");
  state.film_manifest = json.value("film_c2pa_manifest", false);
  return state;
}

Result<void> write_storyboard_state(const fs::path& path, const StoryboardState& state) {
  nlohmann::ordered_json shots = nlohmann::ordered_json::array();
  for (const auto& r : state.shots) {
    shots.push_back({{"label", r.label},
                     {"id", r.identity},
                     {"video_id", r.video_id},
                     {"prompt", r.prompt},
                     {"clip", r.clip},
                     {"c2pa_manifest", r.manifest}});
  }
  nlohmann::ordered_json json{{"film", state.film},
                              {"film_c2pa_manifest", state.film_manifest},
                              {"note", "A film joined by stream copy cannot carry its clips' C2PA "
                                       "manifests; the clips keep them."},
                              {"shots", shots}};
  const auto text =
      json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  auto temp = path;
  temp += ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = fd >= 0 && ::fsync(fd) == 0 && ok;
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (ok && ::rename(temp.c_str(), path.c_str()) == 0) return {};
  ::unlink(temp.c_str());
  return unexpected(ErrorCode::io,
                    "Cannot write " + path.string() + ": " + std::strerror(error) + ".");
}

Result<std::vector<PlannedShot>> plan_storyboard(const Film& film, const StoryboardState& state) {
  auto identities = shot_identities(film);
  if (!identities) return unexpected(identities.error());
  std::vector<PlannedShot> plan;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < film.shots.size(); ++i) {
    const auto& shot = film.shots[i];
    PlannedShot p{&shot, (*identities)[i], ShotStatus::missing, 0};
    std::error_code ec;
    const bool clip = fs::exists(clip_path(film, shot), ec);
    const auto* record = state.find(shot.label);
    if (clip && record && record->identity == p.identity) {
      p.status = ShotStatus::done;
    } else if (clip || record) {
      p.status = ShotStatus::stale;
    }
    if (!shot.after.empty()) {
      const auto& parent = plan[index.at(shot.after)];
      p.depth = parent.depth + 1;
      // A continued shot is only as done as its source: a new source means a new first frame.
      if (parent.status != ShotStatus::done && p.status == ShotStatus::done)
        p.status = ShotStatus::stale;
    }
    index[shot.label] = plan.size();
    plan.push_back(p);
  }
  return plan;
}

} // namespace sora
