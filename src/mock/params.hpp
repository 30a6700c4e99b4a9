// Parsing and validation of create and remix request bodies (multipart or JSON).
#pragma once

#include "wire.hpp"

#include <httplib.h>

#include <optional>
#include <string>
#include <variant>

namespace sora_mock {

/// A validated `POST /videos` body, defaults applied.
struct CreateParams {
  std::string prompt;
  std::string model;
  std::string seconds;
  std::string size;
  std::string reference_image; ///< the uploaded image's bytes (file or data URL), if any
};

/// The validated create parameters, or the 400 to answer.
std::variant<CreateParams, ApiError> parse_create(const httplib::Request& req);

/// How another server (a --dialect) accepts a create. Lenient like those servers: unknown
/// fields are ignored and any model or size goes; only the dialect's own rules are enforced.
struct CreateRules {
  bool json = true;                  ///< false: a JSON body is a FastAPI 422 (vLLM-Omni)
  bool multipart = true;             ///< false: multipart is a 415 (OpenRouter, Together)
  bool multipart_needs_file = false; ///< SGLang: the multipart path requires input_reference
  bool model_required = false;       ///< new-api, OpenRouter, Together
  std::string served_model;          ///< vLLM-Omni: `model` omitted or equal to this
  enum class Duration { seconds_any, seconds_string, seconds_int, duration_int };
  Duration duration = Duration::seconds_any;
  enum class Frames { none, openrouter, together };
  Frames frames = Frames::none;       ///< JSON `frame_images[]`; `input_reference` is refused
  bool json_reference_string = false; ///< SGLang: JSON `input_reference` is a path or URL string
};

/// The create parameters under `rules`, or the error to answer (in the OpenAI envelope unless
/// `raw` is set; the server renders it in its dialect).
std::variant<CreateParams, ApiError> parse_create_with(const httplib::Request& req,
                                                       const CreateRules& rules);

/// The validated remix prompt, or the 400 to answer.
std::variant<std::string, ApiError> parse_remix(const httplib::Request& req);

/// True if the request body is JSON by its Content-Type (`application/json`, `…+json`).
bool is_json_content_type(const std::string& content_type);

} // namespace sora_mock
