// Request planning (tolerance rules 3, 5, 6, 7, 9): each operation's members in the profile's
// shape, then the HTTP request built from the plan.
#include "api/request_plan.hpp"

#include "api/json_body.hpp"
#include "api/json_codec.hpp"
#include "api/multipart.hpp"
#include "api/portable_options.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "transport/redact.hpp"
#include "transport/url.hpp"

#include <sora/image.hpp>
#include <sora/validate.hpp>

#include <algorithm>

namespace sora::detail {

namespace {

RequestPlan plan_request(const ClientConfig& config, std::string method, std::string path,
                         Encoding encoding) {
  RequestPlan plan;
  plan.method = std::move(method);
  plan.url = api_url(config, path);
  plan.headers = base_headers(config, "application/json");
  plan.encoding = encoding;
  return plan;
}

// A text member: the text itself in multipart, a JSON string in JSON.
void add_text(RequestPlan& plan, std::string name, std::string_view value) {
  PlannedField field;
  field.name = std::move(name);
  field.value = plan.encoding == Encoding::json ? json_quote(value) : std::string(value);
  plan.fields.push_back(std::move(field));
}

// Replaces the member of that name, or appends one.
void set_field(RequestPlan& plan, PlannedField field) {
  auto it = std::find_if(plan.fields.begin(), plan.fields.end(),
                         [&](const PlannedField& f) { return f.name == field.name; });
  if (it == plan.fields.end())
    plan.fields.push_back(std::move(field));
  else
    *it = std::move(field);
}

// The image reference in the profile's shape, as JSON text (tolerance rule 6).
std::string image_json(ImageShape shape, std::string_view url) {
  std::string quoted = json_quote(url);
  switch (shape) {
  case ImageShape::object:
    return "{\"image_url\":" + quoted + "}";
  case ImageShape::url:
    return quoted;
  case ImageShape::openrouter_frames:
    return "[{\"type\":\"image_url\",\"image_url\":{\"url\":" + quoted +
           "},\"frame_type\":\"first_frame\"}]";
  case ImageShape::together_frames:
    return "[{\"input_image\":" + quoted + ",\"frame\":\"first\"}]";
  }
  return quoted;
}

// The duration as the profile wants it (tolerance rule 9).
Result<std::string> duration_value(const RequestStyle& style, const std::string& seconds,
                                   bool multipart) {
  if (style.duration_type == DurationType::string) return multipart ? seconds : json_quote(seconds);
  bool digits =
      !seconds.empty() && seconds.size() <= 9 &&
      std::all_of(seconds.begin(), seconds.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits)
    return unexpected(ErrorCode::invalid_argument,
                      "The duration '" + seconds + "' is not a whole number of seconds.",
                      "This server takes " + style.duration_field +
                          " as an integer: give `seconds` N.");
  return std::to_string(std::stoll(seconds)); // no leading zeros: valid JSON either way
}

// The size as `size` "WxH", or as the integer members `width` and `height` (Together).
Result<void> add_size(RequestPlan& plan, const RequestStyle& style, const std::string& size) {
  if (!style.size_as_width_height) {
    add_text(plan, "size", size);
    return {};
  }
  auto x = size.find('x');
  auto number = [](std::string_view text) {
    return !text.empty() && text.size() <= 5 && text[0] != '0' &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (x == std::string::npos || !number(std::string_view(size).substr(0, x)) ||
      !number(std::string_view(size).substr(x + 1)))
    return unexpected(ErrorCode::invalid_argument,
                      "The size '" + size.substr(0, 40) + "' is not WIDTHxHEIGHT in pixels.",
                      "This server takes the size as width and height: give `size` e.g. "
                      "1280x720.");
  set_field(plan, PlannedField{"width", size.substr(0, x), {}, 0, {}, {}});
  set_field(plan, PlannedField{"height", size.substr(x + 1), {}, 0, {}, {}});
  return {};
}

bool is_data_url(std::string_view url) {
  return url.size() > 5 && ascii_lower(url.substr(0, 5)) == "data:";
}

Result<void> check_image_choice(const CreateRequest& request) {
  if (request.image && request.image_url)
    return unexpected(ErrorCode::invalid_argument,
                      "Both an image file and an image URL were given.",
                      "Give either `image` FILE or `image_url` URL.");
  if (request.image_url && !is_http_url(*request.image_url) && !is_data_url(*request.image_url))
    return unexpected(ErrorCode::invalid_argument,
                      "The image URL '" + request.image_url->substr(0, 80) +
                          "' is neither an http(s) URL nor a data: URL.",
                      "Give `image_url` https://… or data:image/png;base64,…, or use `image` "
                      "FILE for a local file.");
  return {};
}

// A local image: a file part (multipart), or a data: URL streamed as base64 (JSON).
Result<PlannedField> image_file_field(const RequestStyle& style, const std::filesystem::path& path,
                                      bool multipart) {
  auto info = probe_image(path);
  if (!info) return unexpected(info.error());
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return io_error("Cannot read", path, ec.value());
  PlannedField file;
  file.name = style.image_field;
  file.file = path;
  file.file_size = size;
  file.content_type = std::string(mime_type(info->type));
  if (multipart) {
    file.value = path.filename().string();
  } else {
    // JSON only: the file travels as a data: URL, base64-encoded while it is sent.
    static constexpr std::string_view k_mark = "@@sora-file@@";
    std::string text = image_json(style.image_shape,
                                  "data:" + file.content_type + ";base64," + std::string(k_mark));
    auto at = text.find(k_mark);
    file.value = text.substr(0, at);
    file.after_file = text.substr(at + k_mark.size());
  }
  return file;
}

// A remote image URL in the profile's shape.
PlannedField image_url_field(const RequestStyle& style, const std::string& url, bool multipart) {
  PlannedField ref;
  if (!multipart) {
    ref.name = style.image_field;
    ref.value = image_json(style.image_shape, url);
  } else { // a text part: the URL itself, or the shape's JSON as text (vLLM-Omni)
    ref.name = style.image_url_field.empty() ? style.image_field : style.image_url_field;
    ref.value = style.image_shape == ImageShape::url ? url : image_json(style.image_shape, url);
  }
  return ref;
}

// Extra fields (tolerance rule 7): text or JSON; one named like a member replaces it.
Result<void> add_extra_fields(RequestPlan& plan, const std::vector<ExtraField>& fields,
                              bool multipart) {
  for (const auto& extra : fields) {
    if (extra.name.empty())
      return unexpected(ErrorCode::invalid_argument, "An extra field has no name.",
                        "Write `field` NAME=VALUE.");
    PlannedField field;
    field.name = extra.name;
    if (extra.json) {
      auto compact = compact_json(extra.value);
      if (!compact)
        return unexpected(ErrorCode::invalid_argument,
                          "The value of field '" + extra.name +
                              "' is not valid JSON: " + extra.value.substr(0, 80),
                          "Quote strings (`field_json` 'k=\"text\"'), or use `field` k=text.");
      field.value = std::move(*compact);
      // Multipart values are text: a JSON string is sent as its text, anything else as JSON.
      if (multipart)
        if (auto text = json_string_value(field.value)) field.value = std::move(*text);
    } else {
      field.value = multipart ? extra.value : json_quote(extra.value);
    }
    set_field(plan, std::move(field));
  }
  return {};
}

// `{"id": …}`: how the continuation endpoints name their source video in JSON.
void add_video_reference(RequestPlan& plan, std::string_view id) {
  PlannedField field;
  field.name = "video";
  field.value = "{\"id\":" + json_quote(id) + "}";
  plan.fields.push_back(std::move(field));
}

Result<void> check_source(std::string_view id, std::string_view prompt) {
  if (id.empty())
    return unexpected(ErrorCode::invalid_argument, "The video id is empty.",
                      "Give the id of a finished video, or @last for the newest job.");
  return validate_prompt(prompt);
}

// A JSON body with files embedded as data: URLs, streamed from disk.
std::shared_ptr<BodySource> json_body_with_files(const std::vector<PlannedField>& fields) {
  auto body = std::make_shared<JsonBody>();
  body->add_text("{");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    body->add_text((i ? "," : "") + json_quote(f.name) + ":" + f.value);
    if (f.file) {
      body->add_base64_file(*f.file, f.file_size);
      body->add_text(f.after_file);
    }
    for (const auto& more : f.more_files) {
      body->add_base64_file(more.file, more.file_size);
      body->add_text(more.after_file);
    }
  }
  body->add_text("}");
  return body;
}

} // namespace

std::string api_url(const ClientConfig& config, std::string_view path) {
  return with_query(join_url(config.base_url, path), config.style.query);
}

std::string video_path(std::string_view id, std::string_view suffix) {
  return "/videos/" + encode_segment(id) + std::string(suffix);
}

Headers base_headers(const ClientConfig& config, std::string_view accept) {
  Headers h;
  if (!config.api_key.empty()) {
    switch (config.auth) {
    case AuthScheme::bearer:
      h.push_back({"Authorization", "Bearer " + config.api_key});
      break;
    case AuthScheme::header:
      h.push_back({config.auth_header, config.api_key});
      break;
    case AuthScheme::raw:
      h.push_back({"Authorization", config.api_key});
      break;
    case AuthScheme::key:
      h.push_back({"Authorization", "Key " + config.api_key});
      break;
    case AuthScheme::none:
      break;
    }
  }
  h.push_back({"User-Agent",
               config.user_agent.empty() ? "sora/" + std::string(version()) : config.user_agent});
  h.push_back({"Accept", std::string(accept)});
  // The profile's extra headers go on every request, replacing a built-in one of the same name.
  for (const auto& extra : config.style.headers) {
    std::erase_if(h,
                  [&](const Header& b) { return ascii_lower(b.name) == ascii_lower(extra.name); });
    h.push_back(extra);
  }
  return h;
}

bool is_credential(const ClientConfig& config, std::string_view name) {
  auto lower = ascii_lower(name);
  return lower == "authorization" || is_secret_header(name) ||
         (config.auth == AuthScheme::header && lower == ascii_lower(config.auth_header));
}

RequestPlan redacted(const ClientConfig& config, RequestPlan plan) {
  for (auto& h : plan.headers)
    if (is_credential(config, h.name)) h.value = "[redacted]";
  return plan;
}

Result<RequestPlan> plan_create(const ClientConfig& config, const CreateRequest& request) {
  const RequestStyle& style = config.style;
  if (auto ok = check_image_choice(request); !ok) return unexpected(ok.error());
  // An explicit encoding wins; otherwise the profile's; automatic means multipart only when a
  // local file is attached, as OpenAI's SDK does (tolerance rule 5).
  Encoding encoding = request.encoding != Encoding::automatic ? request.encoding : style.encoding;
  bool multipart =
      encoding == Encoding::multipart || (encoding == Encoding::automatic && request.image);
  auto plan =
      plan_request(config, "POST", "/videos", multipart ? Encoding::multipart : Encoding::json);
  add_text(plan, "prompt", request.prompt);
  if (request.model && style.send_model) add_text(plan, "model", *request.model);
  if (request.seconds) {
    auto value = duration_value(style, *request.seconds, multipart);
    if (!value) return unexpected(std::move(value).error());
    set_field(plan, PlannedField{style.duration_field, std::move(*value), {}, 0, {}, {}});
  }
  if (request.size) {
    if (auto ok = add_size(plan, style, *request.size); !ok) return unexpected(ok.error());
  }
  if (request.image) {
    auto file = image_file_field(style, *request.image, multipart);
    if (!file) return unexpected(std::move(file).error());
    set_field(plan, std::move(*file));
  } else if (request.image_url) {
    set_field(plan, image_url_field(style, *request.image_url, multipart));
  }
  if (auto ok = detail::add_portable_options(plan, request, style); !ok)
    return unexpected(ok.error());
  if (auto ok = add_extra_fields(plan, request.fields, multipart); !ok)
    return unexpected(ok.error());
  return plan;
}

RequestPlan plan_remix(const ClientConfig& config, std::string_view id, std::string_view prompt) {
  auto plan = plan_request(config, "POST", video_path(id, "/remix"), Encoding::json);
  add_text(plan, "prompt", prompt);
  return plan;
}

Result<RequestPlan> plan_extend(const ClientConfig& config, const ExtendRequest& request) {
  if (auto ok = check_source(request.video_id, request.prompt); !ok) return unexpected(ok.error());
  auto allowed = supported_seconds();
  if (std::find(allowed.begin(), allowed.end(), request.seconds) == allowed.end())
    return unexpected(ErrorCode::invalid_argument,
                      "`seconds` " + (request.seconds.empty() ? "''" : request.seconds) +
                          " is not a length an extension can add.",
                      "Use `seconds` 4, 8, 12, 16 or 20 (the length of the new segment).");
  auto plan = plan_request(config, "POST", "/videos/extensions", Encoding::json);
  add_video_reference(plan, request.video_id);
  add_text(plan, "prompt", request.prompt);
  add_text(plan, "seconds", request.seconds);
  return plan;
}

Result<RequestPlan> plan_edit(const ClientConfig& config, const EditRequest& request) {
  if (auto ok = check_source(request.video_id, request.prompt); !ok) return unexpected(ok.error());
  auto plan = plan_request(config, "POST", "/videos/edits", Encoding::json);
  add_video_reference(plan, request.video_id);
  add_text(plan, "prompt", request.prompt);
  return plan;
}

Result<HttpRequest> to_http(RequestPlan plan) {
  HttpRequest r;
  r.method = std::move(plan.method);
  r.url = std::move(plan.url);
  r.headers = std::move(plan.headers);
  if (plan.encoding == Encoding::multipart) {
    auto body = std::make_shared<MultipartBody>();
    for (const auto& f : plan.fields) {
      if (!f.file) {
        body->add_field(f.name, f.value);
      } else if (auto ok = body->add_file(f.name, *f.file, f.content_type); !ok) {
        return unexpected(ok.error());
      }
    }
    r.headers.push_back({"Content-Type", body->content_type()});
    r.body = std::move(body);
  } else if (std::none_of(plan.fields.begin(), plan.fields.end(),
                          [](const PlannedField& f) { return f.file.has_value(); })) {
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = std::make_shared<StringBody>(encode_fields_json(plan.fields));
  } else {
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = json_body_with_files(plan.fields);
  }
  return r;
}

} // namespace sora::detail
