// Request validation mirroring the real API's 400 messages (see docs/mock-server.md).
// Past 500 lines: one reader per encoding (multipart, JSON) plus the dialects' member checks
// (frames, the OpenRouter and Together extras), which share its error helpers; splitting the
// dialect checks into their own file is the next step if it grows.
#include "params.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace sora_mock {
namespace {

constexpr std::size_t k_prompt_max = 32000;

const std::vector<std::string> k_models = {"sora-2", "sora-2-pro", "sora-2-2025-10-06",
                                           "sora-2-pro-2025-10-06", "sora-2-2025-12-08"};
const std::vector<std::string> k_seconds = {"4", "8", "12", "16", "20"};
const std::vector<std::string> k_sizes = {"720x1280", "1280x720"};
const std::vector<std::string> k_pro_sizes = {"720x1280",  "1280x720",  "1024x1792",
                                              "1792x1024", "1920x1080", "1080x1920"};

/// The input reference as sent, before its checks.
struct Reference {
  enum class Kind { none, file, image_url, file_id } kind = Kind::none;
  std::string value; // the file bytes, the URL or the file id
};

/// Raw fields from either encoding; absent fields are nullopt.
struct Fields {
  std::optional<std::string> prompt;
  std::optional<std::string> model;
  std::optional<std::string> seconds;
  std::optional<std::string> size;
  Reference reference;
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string media_type(const std::string& content_type) {
  auto type = lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ')
    type.pop_back();
  return type;
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

ApiError invalid_value(const std::string& param, const std::string& value,
                       const std::vector<std::string>& supported) {
  return invalid_request("Invalid value: '" + value +
                             "'. Supported values are: " + quoted_list(supported) + ".",
                         param, "invalid_value");
}

ApiError unknown_parameter(const std::string& name) {
  return invalid_request("Unknown parameter: '" + name + "'.", name, "unknown_parameter");
}

ApiError invalid_type(const std::string& name, const std::string& expected,
                      const nlohmann::json& got) {
  return invalid_request("Invalid type for '" + name + "': expected " + expected + ", but got " +
                             json_type_phrase(got) + " instead.",
                         name, "invalid_type");
}

ApiError unsupported_content_type(const std::string& content_type) {
  return invalid_request(
      "Unsupported content type: '" + content_type +
      "'. This API method only accepts 'application/json' and 'multipart/form-data' requests, "
      "but you specified the header 'Content-Type: " +
      content_type + "'. Please try again with a supported content type.");
}

ApiError invalid_json() {
  return invalid_request(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
      "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
      "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact "
      "us through our help center at help.openai.com.)");
}

ApiError invalid_image_format() {
  return invalid_request(
      "Invalid file format. Supported formats: image/jpeg, image/png, image/webp.",
      "input_reference", "invalid_image_format");
}

std::optional<ApiError> check_prompt(const std::optional<std::string>& prompt) {
  if (!prompt) {
    return invalid_request("Missing required parameter: 'prompt'.", "prompt",
                           "missing_required_parameter");
  }
  const auto length = utf8_length(*prompt);
  if (length == 0) {
    return invalid_request("Invalid 'prompt': string too short. Expected a string with minimum "
                           "length 1, but got an empty string instead.",
                           "prompt", "string_below_min_length");
  }
  if (length > k_prompt_max) {
    return invalid_request("Invalid 'prompt': string too long. Expected a string with maximum "
                           "length 32000, but got a string with length " +
                               std::to_string(length) + " instead.",
                           "prompt", "string_above_max_length");
  }
  return std::nullopt;
}

/// Checks decoded image bytes: a supported format whose pixel size equals `size`.
std::optional<ApiError> check_image(std::string_view bytes, const std::string& size) {
  const auto format = detect_image_format(bytes);
  if (!format) return invalid_image_format();
  const auto dims = probe_image_size(bytes, *format);
  if (!dims) {
    return invalid_request("Invalid image file: could not read the image dimensions.",
                           "input_reference", "invalid_image");
  }
  const auto actual = std::to_string(dims->width) + "x" + std::to_string(dims->height);
  if (actual != size) {
    return invalid_request("Inpaint image must match the requested width and height (image is " +
                               actual + ", size is " + size + ").",
                           "input_reference", "invalid_value");
  }
  return std::nullopt;
}

std::optional<ApiError> check_reference(const Reference& reference, const std::string& size) {
  switch (reference.kind) {
  case Reference::Kind::none:
    return std::nullopt;
  case Reference::Kind::file:
    return check_image(reference.value, size);
  case Reference::Kind::file_id:
    if (reference.value.empty()) {
      return invalid_request("Invalid 'input_reference.file_id': expected a file id.",
                             "input_reference", "invalid_value");
    }
    return std::nullopt;
  case Reference::Kind::image_url: {
    const auto& url = reference.value;
    const auto lowered = lower(url.substr(0, 8));
    if (lowered.rfind("https://", 0) == 0 || lowered.rfind("http://", 0) == 0) {
      return std::nullopt; // fetched by the real service; accepted unchecked here
    }
    if (lowered.rfind("data:", 0) != 0) {
      return invalid_request(
          "Invalid 'input_reference.image_url': expected an https URL or a base64 data URL.",
          "input_reference", "invalid_value");
    }
    const auto comma = url.find(',');
    if (comma == std::string::npos ||
        lower(url.substr(0, comma)).find(";base64") == std::string::npos) {
      return invalid_request(
          "Invalid 'input_reference.image_url': a data URL must be base64-encoded "
          "(data:image/...;base64,...).",
          "input_reference", "invalid_value");
    }
    const auto bytes = decode_base64(std::string_view(url).substr(comma + 1));
    if (!bytes) {
      return invalid_request("Invalid 'input_reference.image_url': the data URL is not valid "
                             "base64.",
                             "input_reference", "invalid_value");
    }
    return check_image(*bytes, size);
  }
  }
  return std::nullopt;
}

/// The image bytes of an uploaded file or a base64 data URL (already checked); empty otherwise.
std::string reference_bytes(const Reference& reference) {
  if (reference.kind == Reference::Kind::file) return reference.value;
  if (reference.kind != Reference::Kind::image_url) return {};
  const auto& url = reference.value;
  if (lower(url.substr(0, 5)) != "data:") return {};
  const auto comma = url.find(',');
  if (comma == std::string::npos) return {};
  return decode_base64(std::string_view(url).substr(comma + 1)).value_or(std::string());
}

std::variant<CreateParams, ApiError> validate_create(const Fields& fields) {
  if (auto error = check_prompt(fields.prompt)) return *error;
  CreateParams params;
  params.prompt = *fields.prompt;
  params.model = fields.model.value_or("sora-2");
  params.seconds = fields.seconds.value_or("4");
  params.size = fields.size.value_or("720x1280");
  if (!contains(k_models, params.model)) return invalid_value("model", params.model, k_models);
  if (!contains(k_seconds, params.seconds)) {
    return invalid_value("seconds", params.seconds, k_seconds);
  }
  const bool pro = params.model.rfind("sora-2-pro", 0) == 0;
  const auto& sizes = pro ? k_pro_sizes : k_sizes;
  if (!contains(sizes, params.size)) return invalid_value("size", params.size, sizes);
  if (auto error = check_reference(fields.reference, params.size)) return *error;
  params.reference_image = reference_bytes(fields.reference);
  return params;
}

/// How the body was encoded; JSON bodies are parsed, multipart parts were parsed by httplib.
enum class Encoding { json, multipart };

std::variant<Encoding, ApiError> classify(const httplib::Request& req) {
  if (req.is_multipart_form_data()) return Encoding::multipart;
  const auto content_type = req.get_header_value("Content-Type");
  if (content_type.empty() || is_json_content_type(content_type)) return Encoding::json;
  return unsupported_content_type(content_type);
}

/// Parses a JSON object body; an empty body counts as `{}`.
std::variant<nlohmann::json, ApiError> parse_json_object(const httplib::Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return invalid_json();
  if (!body.is_object()) {
    return invalid_request("Invalid type for request body: expected an object, but got " +
                           json_type_phrase(body) + " instead.");
  }
  return body;
}

/// Reads an optional string member; null counts as absent.
std::optional<ApiError> read_string(const nlohmann::json& body, const std::string& key,
                                    std::optional<std::string>& out) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return invalid_type(key, "a string", *it);
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<ApiError> read_json_reference(const nlohmann::json& value, Reference& out) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_object()) return invalid_type("input_reference", "an object", value);
  int given = 0;
  for (const auto& [key, member] : value.items()) {
    if (key != "image_url" && key != "file_id") return unknown_parameter("input_reference." + key);
    if (member.is_null()) continue;
    if (!member.is_string()) return invalid_type("input_reference." + key, "a string", member);
    out.kind = key == "image_url" ? Reference::Kind::image_url : Reference::Kind::file_id;
    out.value = member.get<std::string>();
    ++given;
  }
  if (given != 1) {
    return invalid_request("Invalid 'input_reference': provide exactly one of 'image_url' or "
                           "'file_id'.",
                           "input_reference", "invalid_value");
  }
  return std::nullopt;
}

std::variant<Fields, ApiError> fields_from_json(const nlohmann::json& body) {
  Fields fields;
  for (const auto& [key, value] : body.items()) {
    if (key != "prompt" && key != "model" && key != "seconds" && key != "size" &&
        key != "input_reference") {
      return unknown_parameter(key);
    }
  }
  if (const auto it = body.find("prompt"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return invalid_type("prompt", "a string", *it);
    fields.prompt = it->get<std::string>();
  }
  if (auto error = read_string(body, "model", fields.model)) return *error;
  if (auto error = read_string(body, "seconds", fields.seconds)) return *error;
  if (auto error = read_string(body, "size", fields.size)) return *error;
  if (const auto it = body.find("input_reference"); it != body.end()) {
    if (auto error = read_json_reference(*it, fields.reference)) return *error;
  }
  return fields;
}

std::variant<Fields, ApiError> fields_from_multipart(const httplib::Request& req) {
  Fields fields;
  int references = 0;
  for (const auto& [name, part] : req.files) {
    if (name == "prompt" || name == "model" || name == "seconds" || name == "size") {
      auto& slot = name == "prompt"    ? fields.prompt
                   : name == "model"   ? fields.model
                   : name == "seconds" ? fields.seconds
                                       : fields.size;
      if (!slot) slot = part.content;
    } else if (name == "input_reference") {
      fields.reference = {Reference::Kind::file, part.content};
      ++references;
    } else if (name == "input_reference[image_url]") {
      fields.reference = {Reference::Kind::image_url, part.content};
      ++references;
    } else if (name == "input_reference[file_id]") {
      fields.reference = {Reference::Kind::file_id, part.content};
      ++references;
    } else {
      return unknown_parameter(name);
    }
  }
  if (references > 1) {
    return invalid_request("Invalid 'input_reference': provide exactly one input reference.",
                           "input_reference", "invalid_value");
  }
  return fields;
}

} // namespace

bool is_json_content_type(const std::string& content_type) {
  const auto type = media_type(content_type);
  return type == "application/json" ||
         (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
}

std::variant<CreateParams, ApiError> parse_create(const httplib::Request& req) {
  const auto encoding = classify(req);
  if (const auto* error = std::get_if<ApiError>(&encoding)) return *error;
  std::variant<Fields, ApiError> fields;
  if (std::get<Encoding>(encoding) == Encoding::multipart) {
    fields = fields_from_multipart(req);
  } else {
    const auto body = parse_json_object(req);
    if (const auto* error = std::get_if<ApiError>(&body)) return *error;
    fields = fields_from_json(std::get<nlohmann::json>(body));
  }
  if (const auto* error = std::get_if<ApiError>(&fields)) return *error;
  return validate_create(std::get<Fields>(fields));
}

namespace {

ApiError with_status(ApiError error, int status) {
  error.status = status;
  return error;
}

bool is_positive_integer(const std::string& text) {
  return !text.empty() && text.size() < 6 && text[0] >= '1' && text[0] <= '9' &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_image_reference(const std::string& url) {
  const auto head = lower(url.substr(0, 11));
  return head.rfind("https://", 0) == 0 || head.rfind("http://", 0) == 0 ||
         head.rfind("data:image/", 0) == 0;
}

std::optional<ApiError> check_frames(const nlohmann::json& frames, CreateRules::Frames style) {
  if (!frames.is_array()) return invalid_type("frame_images", "an array", frames);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& frame = frames[i];
    const auto name = "frame_images[" + std::to_string(i) + "]";
    if (!frame.is_object()) return invalid_type(name, "an object", frame);
    std::string url;
    if (style == CreateRules::Frames::openrouter) {
      if (frame.value("type", "") != "image_url") {
        return invalid_request("Invalid '" + name + ".type': expected 'image_url'.", name);
      }
      const auto image = frame.find("image_url");
      if (image == frame.end() || !image->is_object() || !image->contains("url") ||
          !(*image)["url"].is_string()) {
        return invalid_request("Invalid '" + name + ".image_url': expected {\"url\": …}.", name);
      }
      url = (*image)["url"].get<std::string>();
      const auto kind = frame.value("frame_type", "first_frame");
      if (kind != "first_frame" && kind != "last_frame") {
        return invalid_value(name + ".frame_type", kind, {"first_frame", "last_frame"});
      }
    } else {
      const auto image = frame.find("input_image");
      if (image == frame.end() || !image->is_string()) {
        return invalid_request("Invalid '" + name + ".input_image': expected a URL string.", name);
      }
      url = image->get<std::string>();
      const auto at = frame.find("frame");
      if (at != frame.end() && !at->is_number_integer() &&
          !(at->is_string() && (*at == "first" || *at == "last"))) {
        return invalid_request("Invalid '" + name +
                                   ".frame': expected 'first', 'last' or an "
                                   "index.",
                               name);
      }
    }
    if (!is_image_reference(url)) {
      return invalid_request("Invalid '" + name + "': expected an http(s) URL or a data:image URL.",
                             name);
    }
  }
  return std::nullopt;
}

/// The members OpenRouter and Together add to a create (the SDKs' request types), type-checked:
/// OpenRouter `aspect_ratio`, `resolution`, `generate_audio`, `seed`, `input_references`;
/// Together `ratio`, `resolution`, `generate_audio`, `seed`, `negative_prompt`, `reference_images`.
std::optional<ApiError> check_extras(const nlohmann::json& body, CreateRules::Frames style) {
  const bool openrouter = style == CreateRules::Frames::openrouter;
  for (const char* key : {openrouter ? "aspect_ratio" : "ratio", "resolution", "negative_prompt"})
    if (const auto it = body.find(key); it != body.end() && !it->is_string())
      return invalid_type(key, "a string", *it);
  if (const auto it = body.find("generate_audio"); it != body.end() && !it->is_boolean())
    return invalid_type("generate_audio", "a boolean", *it);
  if (const auto it = body.find("seed"); it != body.end() && !it->is_number_integer())
    return invalid_type("seed", "an integer", *it);
  if (!openrouter)
    for (const char* key : {"width", "height"})
      if (const auto it = body.find(key); it != body.end() && !it->is_number_integer())
        return invalid_type(key, "an integer", *it);
  const char* refs = openrouter ? "input_references" : "reference_images";
  const auto it = body.find(refs);
  if (it == body.end()) return std::nullopt;
  if (!it->is_array()) return invalid_type(refs, "an array", *it);
  for (const auto& ref : *it) {
    const bool ok = openrouter ? ref.is_object() && ref.value("type", "") == "image_url" &&
                                     ref.contains("image_url") && ref["image_url"].is_object() &&
                                     ref["image_url"].contains("url") &&
                                     ref["image_url"]["url"].is_string()
                               : ref.is_string();
    if (!ok)
      return invalid_type(refs,
                          openrouter ? "[{\"type\":\"image_url\",\"image_url\":{\"url\":…}}]"
                                     : "an array of URL strings",
                          ref);
  }
  return std::nullopt;
}

/// Together's `media` object (the SDK's VideoCreateParams.Media): `frame_images` as the top-level
/// ones, `reference_images` URL strings.
std::optional<ApiError> check_media(const nlohmann::json& body) {
  const auto media = body.find("media");
  if (media == body.end()) return std::nullopt;
  if (!media->is_object()) return invalid_type("media", "an object", *media);
  if (const auto it = media->find("frame_images"); it != media->end())
    if (auto error = check_frames(*it, CreateRules::Frames::together)) return error;
  return check_extras(*media, CreateRules::Frames::together);
}

/// Reads the duration member of a JSON create under `rules` into `seconds`.
std::optional<ApiError> read_duration(const nlohmann::json& body, const CreateRules& rules,
                                      std::optional<std::string>& seconds) {
  using Duration = CreateRules::Duration;
  const auto as_text = [](const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : std::to_string(v.get<long long>());
  };
  if (rules.duration == Duration::duration_int) {
    if (body.contains("seconds")) {
      return invalid_request("Unknown parameter: 'seconds'. This API takes the length as "
                             "'duration' (an integer).",
                             "seconds", "unknown_parameter");
    }
    const auto it = body.find("duration");
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) return invalid_type("duration", "an integer", *it);
    seconds = as_text(*it);
    return std::nullopt;
  }
  auto it = body.find("seconds");
  if ((it == body.end() || it->is_null()) && rules.duration == Duration::seconds_any) {
    it = body.find("duration"); // new-api's alias
  }
  if (it == body.end() || it->is_null()) return std::nullopt;
  const bool ok = rules.duration == Duration::seconds_string
                      ? it->is_string()
                      : it->is_string() || it->is_number_integer();
  if (!ok) {
    return invalid_type(
        "seconds", rules.duration == Duration::seconds_string ? "a string" : "an integer", *it);
  }
  seconds = as_text(*it);
  return std::nullopt;
}

} // namespace

std::variant<CreateParams, ApiError> parse_create_with(const httplib::Request& req,
                                                       const CreateRules& rules) {
  std::optional<std::string> prompt, model, seconds, size;
  if (req.is_multipart_form_data()) {
    if (!rules.multipart) {
      return with_status(
          invalid_request("This endpoint accepts only JSON bodies "
                          "(Content-Type: application/json), not multipart/form-data."),
          415);
    }
    bool file = false;
    for (const auto& [name, part] : req.files) {
      if (name == "prompt" && !prompt) prompt = part.content;
      if (name == "model" && !model) model = part.content;
      if (name == "seconds" && !seconds) seconds = part.content;
      if (name == "size" && !size) size = part.content;
      if (name == "input_reference") {
        if (!detect_image_format(part.content)) return invalid_image_format();
        file = true;
      }
    }
    if (rules.multipart_needs_file && !file) {
      return invalid_request("input_reference file is required for multipart/form-data requests; "
                             "send JSON for text-to-video.");
    }
  } else {
    const auto content_type = req.get_header_value("Content-Type");
    if (!content_type.empty() && !is_json_content_type(content_type)) {
      return with_status(unsupported_content_type(content_type), 415);
    }
    if (!rules.json) { // FastAPI Form(...) fields: a JSON body has none of them
      ApiError error = with_status(invalid_request("Field required"), 422);
      error.raw =
          R"({"detail":[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":null}]})";
      return error;
    }
    const auto parsed = parse_json_object(req);
    if (const auto* error = std::get_if<ApiError>(&parsed)) return *error;
    const auto& body = std::get<nlohmann::json>(parsed);
    if (const auto it = body.find("prompt"); it != body.end() && !it->is_null()) {
      if (!it->is_string()) return invalid_type("prompt", "a string", *it);
      prompt = it->get<std::string>();
    }
    if (auto error = read_string(body, "model", model)) return *error;
    if (auto error = read_string(body, "size", size)) return *error;
    if (auto error = read_duration(body, rules, seconds)) return *error;
    if (const auto it = body.find("input_reference"); it != body.end() && !it->is_null()) {
      if (rules.frames != CreateRules::Frames::none) {
        return invalid_request("Unknown parameter: 'input_reference'. Pass images as "
                               "'frame_images'.",
                               "input_reference", "unknown_parameter");
      }
      if (rules.json_reference_string && !it->is_string()) {
        return with_status(invalid_type("input_reference", "a string (a path or URL)", *it), 422);
      }
    }
    if (const auto it = body.find("frame_images");
        it != body.end() && rules.frames != CreateRules::Frames::none) {
      if (auto error = check_frames(*it, rules.frames)) return *error;
    }
    if (rules.frames != CreateRules::Frames::none)
      if (auto error = check_extras(body, rules.frames)) return *error;
    if (rules.frames == CreateRules::Frames::together) {
      if (auto error = check_media(body)) return *error;
      if (!size && body.contains("width") && body.contains("height"))
        size = std::to_string(body["width"].get<long long>()) + "x" +
               std::to_string(body["height"].get<long long>());
    }
  }
  if (auto error = check_prompt(prompt)) return *error;
  if (rules.model_required && (!model || model->empty())) {
    return invalid_request("Missing required parameter: 'model'.", "model",
                           "missing_required_parameter");
  }
  CreateParams params;
  params.prompt = *prompt;
  if (!rules.served_model.empty()) {
    if (model && *model != rules.served_model) {
      return invalid_request("Model mismatch: this server serves '" + rules.served_model +
                             "', not '" + *model + "'. Omit 'model' or send the served one.");
    }
    params.model = rules.served_model;
  } else {
    params.model = model.value_or("sora-2");
  }
  if (seconds && !is_positive_integer(*seconds)) {
    return invalid_request("Invalid 'seconds': expected a positive whole number of seconds, but "
                           "got '" +
                               *seconds + "'.",
                           "seconds", "invalid_value");
  }
  params.seconds = seconds.value_or("4");
  params.size = size.value_or("720x1280");
  return params;
}

std::variant<std::string, ApiError> parse_remix(const httplib::Request& req) {
  const auto encoding = classify(req);
  if (const auto* error = std::get_if<ApiError>(&encoding)) return *error;
  std::optional<std::string> prompt;
  if (std::get<Encoding>(encoding) == Encoding::multipart) {
    for (const auto& [name, part] : req.files) {
      if (name != "prompt") return unknown_parameter(name);
      if (!prompt) prompt = part.content;
    }
  } else {
    const auto parsed = parse_json_object(req);
    if (const auto* error = std::get_if<ApiError>(&parsed)) return *error;
    const auto& body = std::get<nlohmann::json>(parsed);
    for (const auto& [key, value] : body.items()) {
      if (key != "prompt") return unknown_parameter(key);
    }
    if (const auto it = body.find("prompt"); it != body.end() && !it->is_null()) {
      if (!it->is_string()) return invalid_type("prompt", "a string", *it);
      prompt = it->get<std::string>();
    }
  }
  if (auto error = check_prompt(prompt)) return *error;
  return *prompt;
}

} // namespace sora_mock
