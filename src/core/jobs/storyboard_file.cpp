// Reading a storyboard (TOML, with toml++): every key and value checked, each problem named with
// its file and line, before anything is sent.
#include <sora/fit.hpp>
#include <sora/storyboard.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace sora {
namespace {

namespace fs = std::filesystem;

const std::string k_hint = "Fix the storyboard (see docs/storyboard.md).";

struct Reader {
  std::string file;

  Unexpected bad(const toml::source_region& where, const std::string& what,
                 const std::string& hint = k_hint) const {
    return unexpected(ErrorCode::invalid_argument,
                      file + ":" + std::to_string(where.begin.line) + ": " + what, hint);
  }

  Result<std::string> text(const toml::node& node, const std::string& key) const {
    if (auto s = node.value<std::string>()) return *s;
    return bad(node.source(), "'" + key + "' must be a string.");
  }

  /// `seconds` as a string of digits: 8 and "8" are both fine.
  Result<std::string> seconds(const toml::node& node) const {
    std::string value;
    if (auto n = node.value<std::int64_t>()) {
      value = std::to_string(*n);
    } else if (auto s = node.value<std::string>()) {
      value = *s;
    }
    const bool digits = !value.empty() && std::all_of(value.begin(), value.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || value == "0" || value.size() > 3)
      return bad(node.source(), "'seconds' must be a whole number of seconds, e.g. 4, 8 or 12.");
    return value;
  }

  Result<void> size(const toml::node& node, const std::string& value) const {
    if (parse_size(value)) return {};
    return bad(node.source(), "'" + value + "' is not a size; write WxH, e.g. 1280x720.");
  }
};

Result<void> read_film(const Reader& r, const toml::table& table, Film& film) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (name != "seconds" && name != "model" && name != "size" && name != "profile" &&
        name != "output")
      return r.bad(node.source(), "unknown key '" + name + "' in [film].",
                   "[film] takes model, size, seconds, profile and output.");
    if (name == "seconds") {
      auto s = r.seconds(node);
      if (!s) return unexpected(s.error());
      film.seconds = *s;
      continue;
    }
    auto value = r.text(node, name);
    if (!value) return unexpected(value.error());
    if (name == "model") {
      film.model = *value;
    } else if (name == "size") {
      if (auto ok = r.size(node, *value); !ok) return ok;
      film.size = *value;
    } else if (name == "profile") {
      film.profile = *value;
    } else {
      film.output = *value;
    }
  }
  return {};
}

bool valid_label(const std::string& label) {
  return !label.empty() && label.size() <= 64 &&
         std::all_of(label.begin(), label.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

/// Reads one member of a [[shot]] table into `shot`.
Result<void> read_shot_key(const Reader& r, const std::string& name, const toml::node& node,
                           Shot& shot, std::string& start) {
  if (name == "seconds") {
    auto s = r.seconds(node);
    if (!s) return unexpected(s.error());
    shot.seconds = *s;
    return {};
  }
  auto value = r.text(node, name);
  if (!value) return unexpected(value.error());
  for (const auto& section : prompt_sections()) {
    if (name == section.name) {
      shot.prompt.*section.member = *value;
      return {};
    }
  }
  if (name == "label") {
    if (!valid_label(*value))
      return r.bad(node.source(), "label '" + *value + "' must be 1-64 letters, digits, - or _.",
                   "Labels name the clip files (FILM.LABEL.mp4).");
    shot.label = *value;
  } else if (name == "prompt") {
    shot.prompt.free = *value;
  } else if (name == "model") {
    shot.model = *value;
  } else if (name == "size") {
    if (auto ok = r.size(node, *value); !ok) return ok;
    shot.size = *value;
  } else if (name == "image") {
    shot.image = *value;
  } else if (name == "after") {
    shot.after = *value;
  } else if (name == "continue") {
    start = *value;
  } else {
    return r.bad(node.source(), "unknown key '" + name + "' in [[shot]].",
                 "A shot takes label, prompt (or shot, action, timing, lighting, audio, keep), "
                 "model, size, seconds, image, after and continue.");
  }
  return {};
}

Result<void> check_start(const Reader& r, const toml::table& table, Shot& shot,
                         const std::string& start, const std::set<std::string>& earlier) {
  if (shot.after.empty()) {
    if (!start.empty())
      return r.bad(table.source(), "shot '" + shot.label + "' has 'continue' without 'after'.",
                   "Name the shot it continues from: after = \"LABEL\".");
    return {};
  }
  if (!earlier.count(shot.after))
    return r.bad(table.source(),
                 "shot '" + shot.label + "' continues after '" + shot.after +
                     "', which is not an earlier shot.",
                 "'after' must name a shot above it in the file.");
  if (start.empty() || start == "last-frame") {
    shot.start = ShotStart::last_frame;
  } else if (start == "extend") {
    shot.start = ShotStart::extend;
  } else if (start == "remix") {
    shot.start = ShotStart::remix;
  } else {
    return r.bad(table.source(),
                 "'continue' must be last-frame, extend or remix, not '" + start + "'.");
  }
  if (shot.image)
    return r.bad(table.source(), "shot '" + shot.label + "' has both 'image' and 'after'.",
                 "A continued shot starts from its source; drop 'image' or 'after'.");
  return {};
}

Result<Shot> read_shot(const Reader& r, const toml::table& table, const Film& film,
                       const std::set<std::string>& earlier, const fs::path& base) {
  Shot shot;
  shot.line = static_cast<int>(table.source().begin.line);
  std::string start;
  for (const auto& [key, node] : table) {
    if (auto ok = read_shot_key(r, std::string(key.str()), node, shot, start); !ok)
      return unexpected(ok.error());
  }
  if (shot.label.empty())
    return r.bad(table.source(), "a [[shot]] has no label.", "Give it label = \"NAME\".");
  if (earlier.count(shot.label))
    return r.bad(table.source(), "label '" + shot.label + "' is used twice.");
  if (shot.prompt.empty())
    return r.bad(table.source(), "shot '" + shot.label + "' has no prompt.",
                 "Give it prompt = \"...\" or parts (shot, action, timing, ...).");
  if (auto ok = check_start(r, table, shot, start, earlier); !ok) return unexpected(ok.error());
  if (shot.image) {
    if (shot.image->is_relative()) shot.image = base / *shot.image;
    std::error_code ec;
    if (!fs::is_regular_file(*shot.image, ec))
      return r.bad(table.source(),
                   "shot '" + shot.label + "': image " + shot.image->string() + " does not exist.");
  }
  if (shot.model.empty()) shot.model = film.model;
  if (shot.size.empty()) shot.size = film.size;
  if (shot.seconds.empty()) shot.seconds = film.seconds;
  return shot;
}

} // namespace

std::string_view to_string(ShotStart start) noexcept {
  switch (start) {
  case ShotStart::fresh:
    return "fresh";
  case ShotStart::last_frame:
    return "last-frame";
  case ShotStart::extend:
    return "extend";
  case ShotStart::remix:
    return "remix";
  }
  return "fresh";
}

Result<Film> parse_storyboard(std::string_view text, const fs::path& source) {
  Reader r{source.string()};
  toml::table root;
  try {
    root = toml::parse(text, source.string());
  } catch (const toml::parse_error& e) {
    return r.bad(e.source(), std::string(e.description()) + ".");
  }
  Film film;
  film.source = source;
  const auto base = source.parent_path();
  if (const auto* table = root["film"].as_table()) {
    if (auto ok = read_film(r, *table, film); !ok) return unexpected(ok.error());
  }
  for (const auto& [key, node] : root) {
    if (key != "film" && key != "shot")
      return r.bad(node.source(), "unknown key '" + std::string(key.str()) + "'.",
                   "A storyboard has a [film] table and [[shot]] tables.");
  }
  const auto* shots = root["shot"].as_array();
  if (!shots || shots->empty())
    return r.bad(root.source(), "the storyboard has no [[shot]] tables.");
  std::set<std::string> earlier;
  for (const auto& node : *shots) {
    const auto* table = node.as_table();
    if (!table) return r.bad(node.source(), "'shot' must be [[shot]] tables.");
    auto shot = read_shot(r, *table, film, earlier, base);
    if (!shot) return unexpected(shot.error());
    earlier.insert(shot->label);
    film.shots.push_back(std::move(*shot));
  }
  if (film.output.empty()) film.output = source.stem().string() + ".mp4";
  if (film.output.is_relative()) film.output = base / film.output;
  return film;
}

Result<Film> load_storyboard(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot read the storyboard " + path.string() + ".");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_storyboard(text.str(), path);
}

} // namespace sora
