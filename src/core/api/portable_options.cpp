// Portable create options in the profile's shape (docs/providers.md, "Portable options").
#include "api/portable_options.hpp"

#include "api/json_codec.hpp"

#include <sora/image.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>

namespace sora::detail {
namespace {

/// One array element as it will be sent: text, maybe a file's base64, text.
struct Element {
  std::string before;
  std::optional<std::filesystem::path> file;
  std::uint64_t file_size = 0;
  std::string content_type;
  std::string after;
};

/// JSON text of an element around a quoted URL.
using Shape = std::function<std::string(const std::string& quoted_url)>;

/// The element for a local image (embedded as a data: URL while it is sent) or a URL.
Result<Element> make_element(const std::optional<std::filesystem::path>& path,
                             const std::string& url, const Shape& shape) {
  Element e;
  if (!path) {
    e.before = shape(json_quote(url));
    return e;
  }
  auto info = probe_image(*path);
  if (!info) return unexpected(info.error());
  std::error_code ec;
  e.file_size = std::filesystem::file_size(*path, ec);
  if (ec)
    return unexpected(ErrorCode::io, "Cannot read " + path->string() + ": " + ec.message(),
                      "Check the path and its permissions.");
  e.file = *path;
  e.content_type = std::string(mime_type(info->type));
  static constexpr std::string_view k_mark = "@@sora-file@@";
  std::string text = shape(json_quote("data:" + e.content_type + ";base64," + std::string(k_mark)));
  auto at = text.find(k_mark);
  e.before = text.substr(0, at);
  e.after = text.substr(at + k_mark.size());
  return e;
}

/// The text segment that ends the member: after its last file, or its value without files.
std::string& tail_text(PlannedField& field) {
  if (!field.more_files.empty()) return field.more_files.back().after_file;
  return field.file ? field.after_file : field.value;
}

/// Appends `element` to the JSON array held by `field` (which ends in `]`).
void append_element(PlannedField& field, Element element) {
  std::string& tail = tail_text(field);
  if (!tail.empty() && tail.back() == ']') tail.pop_back();
  const bool empty = !field.file && field.value == "[";
  tail += (empty ? "" : ",") + element.before;
  if (!element.file) {
    tail_text(field) += element.after + "]";
    return;
  }
  if (!field.file) {
    field.file = element.file;
    field.file_size = element.file_size;
    field.content_type = element.content_type;
    field.after_file = element.after + "]";
  } else {
    field.more_files.push_back(
        {*element.file, element.file_size, element.content_type, element.after + "]"});
  }
}

PlannedField& member(RequestPlan& plan, const std::string& name) {
  auto it = std::find_if(plan.fields.begin(), plan.fields.end(),
                         [&](const PlannedField& f) { return f.name == name; });
  if (it != plan.fields.end()) return *it;
  PlannedField field;
  field.name = name;
  field.value = "[]";
  plan.fields.push_back(std::move(field));
  return plan.fields.back();
}

Shape last_frame_shape(ImageShape shape) {
  if (shape == ImageShape::openrouter_frames)
    return [](const std::string& url) {
      return "{\"type\":\"image_url\",\"image_url\":{\"url\":" + url +
             "},\"frame_type\":\"last_frame\"}";
    };
  return [](const std::string& url) { return "{\"input_image\":" + url + ",\"frame\":\"last\"}"; };
}

Shape reference_shape(ImageShape shape) {
  if (shape == ImageShape::openrouter_frames)
    return [](const std::string& url) {
      return "{\"type\":\"image_url\",\"image_url\":{\"url\":" + url + "}}";
    };
  return [](const std::string& url) { return url; };
}

void set_member(RequestPlan& plan, const std::string& name, std::string value) {
  auto it = std::find_if(plan.fields.begin(), plan.fields.end(),
                         [&](const PlannedField& f) { return f.name == name; });
  PlannedField field;
  field.name = name;
  field.value = std::move(value);
  if (it == plan.fields.end())
    plan.fields.push_back(std::move(field));
  else
    *it = std::move(field);
}

Result<void> add_images(RequestPlan& plan, const CreateRequest& request,
                        const RequestStyle& style) {
  if (request.last_frame || request.last_frame_url) {
    auto element = make_element(request.last_frame, request.last_frame_url.value_or(""),
                                last_frame_shape(style.image_shape));
    if (!element) return unexpected(element.error());
    append_element(member(plan, style.image_field), std::move(*element));
  }
  std::vector<std::pair<std::optional<std::filesystem::path>, std::string>> refs;
  for (const auto& path : request.references)
    refs.emplace_back(path, std::string());
  for (const auto& url : request.reference_urls)
    refs.emplace_back(std::nullopt, url);
  for (const auto& [path, url] : refs) {
    auto element = make_element(path, url, reference_shape(style.image_shape));
    if (!element) return unexpected(element.error());
    append_element(member(plan, style.portable.references), std::move(*element));
  }
  return {};
}

/// Moves the members named in `names` (in their order in the plan) into one JSON object member
/// `into`, placed where the first of them was; embedded files keep streaming in order.
void nest_members(RequestPlan& plan, const std::vector<std::string>& names,
                  const std::string& into) {
  auto nested = [&](const PlannedField& f) {
    return std::find(names.begin(), names.end(), f.name) != names.end();
  };
  auto first = std::find_if(plan.fields.begin(), plan.fields.end(), nested);
  if (first == plan.fields.end()) return;
  PlannedField object;
  object.name = into;
  object.value = "{";
  bool comma = false;
  for (const auto& f : plan.fields) {
    if (!nested(f)) continue;
    tail_text(object) += (comma ? "," : "") + json_quote(f.name) + ":" + f.value;
    comma = true;
    if (f.file) {
      if (!object.file) {
        object.file = f.file;
        object.file_size = f.file_size;
        object.content_type = f.content_type;
        object.after_file = f.after_file;
      } else {
        object.more_files.push_back({*f.file, f.file_size, f.content_type, f.after_file});
      }
    }
    for (const auto& more : f.more_files)
      object.more_files.push_back(more);
  }
  tail_text(object) += "}";
  auto at = first - plan.fields.begin();
  std::erase_if(plan.fields, nested);
  plan.fields.insert(plan.fields.begin() + at, std::move(object));
}

} // namespace

const std::vector<std::string>& portable_manifest_fields() {
  static const std::vector<std::string> names{"aspect_ratio",   "resolution",     "last_frame",
                                              "reference",      "generate_audio", "seed",
                                              "negative_prompt"};
  return names;
}

void read_portable_fields(const std::map<std::string, std::string>& row,
                          const std::filesystem::path& base, CreateRequest& request,
                          std::vector<std::string>& problems) {
  auto value = [&](const char* key) {
    auto it = row.find(key);
    return it == row.end() ? std::string() : it->second;
  };
  auto path = [&](const std::string& text) {
    std::filesystem::path p(text);
    return p.is_absolute() ? p : base / p;
  };
  if (auto v = value("aspect_ratio"); !v.empty()) request.aspect_ratio = v;
  if (auto v = value("resolution"); !v.empty()) request.resolution = v;
  if (auto v = value("negative_prompt"); !v.empty()) request.negative_prompt = v;
  if (auto v = value("last_frame"); !v.empty()) request.last_frame = path(v);
  // Several references are separated by ';' (CSV cells hold one value).
  for (auto v = value("reference"); !v.empty();) {
    auto at = v.find(';');
    if (auto one = v.substr(0, at); !one.empty()) request.references.push_back(path(one));
    v = at == std::string::npos ? std::string() : v.substr(at + 1);
  }
  if (auto v = value("generate_audio"); !v.empty()) {
    if (v == "true" || v == "false")
      request.audio = v == "true";
    else
      problems.push_back("generate_audio must be true or false, not '" + v + "'");
  }
  if (auto v = value("seed"); !v.empty()) {
    char* end = nullptr;
    errno = 0;
    long long seed = std::strtoll(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || errno != 0)
      problems.push_back("seed must be a whole number, not '" + v + "'");
    else
      request.seed = seed;
  }
  if (request.last_frame)
    if (auto info = probe_image(*request.last_frame); !info)
      problems.push_back(info.error().message);
  for (const auto& image : request.references)
    if (auto info = probe_image(image); !info) problems.push_back(info.error().message);
}

std::vector<std::string> inexpressible_options(const CreateRequest& request,
                                               const RequestStyle& style) {
  const auto& p = style.portable;
  std::vector<std::string> out;
  if (request.aspect_ratio && p.aspect_ratio.empty()) out.emplace_back("aspect ratio");
  if (request.resolution && p.resolution.empty()) out.emplace_back("resolution");
  if ((request.last_frame || request.last_frame_url) && !p.last_frame)
    out.emplace_back("last frame");
  if ((!request.references.empty() || !request.reference_urls.empty()) && p.references.empty())
    out.emplace_back("reference images");
  if (request.audio && p.audio.empty()) out.emplace_back("audio");
  if (request.seed && p.seed.empty()) out.emplace_back("seed");
  if (request.negative_prompt && p.negative_prompt.empty()) out.emplace_back("negative prompt");
  return out;
}

Result<void> add_portable_options(RequestPlan& plan, const CreateRequest& request,
                                  const RequestStyle& style) {
  auto missing = inexpressible_options(request, style);
  if (!missing.empty())
    return unexpected(ErrorCode::invalid_argument,
                      "This server's request shape has no field for the " + missing.front() + ".",
                      "Leave it out, or send the server's own field as an extra field.");
  const bool json = plan.encoding == Encoding::json;
  const bool images = request.last_frame || request.last_frame_url || !request.references.empty() ||
                      !request.reference_urls.empty();
  if (images && !json)
    return unexpected(ErrorCode::invalid_argument,
                      "Last frames and reference images are sent only in a JSON body.",
                      "Use the JSON encoding for this server.");
  const auto& p = style.portable;
  auto text = [&](const std::string& value) { return json ? json_quote(value) : value; };
  if (request.aspect_ratio) set_member(plan, p.aspect_ratio, text(*request.aspect_ratio));
  if (request.resolution) set_member(plan, p.resolution, text(*request.resolution));
  if (request.audio) set_member(plan, p.audio, *request.audio ? "true" : "false");
  if (request.seed) set_member(plan, p.seed, std::to_string(*request.seed));
  if (request.negative_prompt) set_member(plan, p.negative_prompt, text(*request.negative_prompt));
  if (images)
    if (auto ok = add_images(plan, request, style); !ok) return ok;
  if (json && !style.media_field.empty())
    nest_members(plan, {style.image_field, p.references}, style.media_field);
  return {};
}

} // namespace sora::detail

namespace sora {

std::vector<std::string> inexpressible_options(const CreateRequest& request,
                                               const RequestStyle& style) {
  return detail::inexpressible_options(request, style);
}

} // namespace sora
