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
};

/// The validated create parameters, or the 400 to answer.
std::variant<CreateParams, ApiError> parse_create(const httplib::Request& req);

/// The validated remix prompt, or the 400 to answer.
std::variant<std::string, ApiError> parse_remix(const httplib::Request& req);

/// True if the request body is JSON by its Content-Type (`application/json`, `…+json`).
bool is_json_content_type(const std::string& content_type);

} // namespace sora_mock
