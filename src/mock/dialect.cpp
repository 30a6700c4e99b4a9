// The dialects of --dialect: status words, ids, error bodies, job objects and create rules of
// the servers in docs/mock-server.md ("Dialects").
#include "dialect.hpp"

#include <array>
#include <cmath>
#include <string>
#include <utility>

namespace sora_mock {
namespace {

constexpr std::array<std::pair<std::string_view, Dialect>, 7> k_dialects{{
    {"openai", Dialect::openai},
    {"litellm", Dialect::litellm},
    {"vllm-omni", Dialect::vllm_omni},
    {"sglang", Dialect::sglang},
    {"new-api", Dialect::new_api},
    {"openrouter", Dialect::openrouter},
    {"together", Dialect::together},
}};

bool fastapi(Dialect d) {
  return d == Dialect::vllm_omni || d == Dialect::sglang;
}

/// The status word the dialect's server would show for `status` (and its progress).
std::string wire_status(Dialect d, VideoStatus status) {
  switch (d) {
  case Dialect::litellm: // documented `processing` for running jobs
    return status == VideoStatus::in_progress ? "processing" : std::string(status_name(status));
  case Dialect::sglang: // older builds never report in_progress
    return status == VideoStatus::in_progress ? "queued" : std::string(status_name(status));
  case Dialect::openrouter:
    return status == VideoStatus::queued ? "pending" : std::string(status_name(status));
  case Dialect::together: // create already answers in_progress
    return status == VideoStatus::queued ? "in_progress" : std::string(status_name(status));
  default:
    return std::string(status_name(status));
  }
}

} // namespace

std::optional<Dialect> parse_dialect(std::string_view name) {
  for (const auto& [text, dialect] : k_dialects)
    if (text == name) return dialect;
  return std::nullopt;
}

std::string_view dialect_name(Dialect dialect) {
  for (const auto& [text, d] : k_dialects)
    if (d == dialect) return text;
  return "openai";
}

std::string dialect_names() {
  std::string out;
  for (const auto& [text, d] : k_dialects) {
    if (!out.empty()) out += ", ";
    out += text;
  }
  return out;
}

std::string_view base_prefix(Dialect dialect) {
  switch (dialect) {
  case Dialect::openrouter:
    return "/api/v1";
  case Dialect::together:
    return "/v2";
  default:
    return "/v1";
  }
}

bool supports(Dialect dialect, Operation operation) {
  switch (operation) {
  case Operation::remix:
    return dialect == Dialect::openai || dialect == Dialect::litellm || dialect == Dialect::new_api;
  case Operation::extend_or_edit: // OpenAI's March 2026 routes, mirrored by LiteLLM only
    return dialect == Dialect::openai || dialect == Dialect::litellm;
  case Operation::list:
  case Operation::remove:
    return dialect == Dialect::openai || dialect == Dialect::litellm ||
           dialect == Dialect::vllm_omni || dialect == Dialect::sglang;
  }
  return true;
}

std::string new_job_id(Dialect dialect) {
  switch (dialect) {
  case Dialect::litellm: {
    // LiteLLM encodes provider, model and upstream id in standard base64. The three bytes
    // FB FF BF at a group boundary encode as "+/+/", and the odd length ends in "==".
    std::string payload = "litellm:openai;model_id:sora-2;video_id:video_" + random_hex(16);
    while (payload.size() % 3 != 0)
      payload += ' ';
    payload += "\xfb\xff\xbf";
    payload += '.';
    return "video_" + encode_base64(payload);
  }
  case Dialect::vllm_omni:
    return "video_gen_" + random_hex(32);
  case Dialect::sglang:
    return random_hex(8) + "-" + random_hex(4) + "-4" + random_hex(3) + "-a" + random_hex(3) + "-" +
           random_hex(12);
  case Dialect::new_api:
    return "task_" + random_hex(24);
  case Dialect::openrouter:
    return "gen-" + random_hex(10) + "-" + random_hex(10);
  case Dialect::together:
    return random_hex(8) + "-" + random_hex(4) + "-" + random_hex(4) + "-" + random_hex(4) + "-" +
           random_hex(12);
  case Dialect::openai:
    break;
  }
  return new_video_id();
}

CreateRules create_rules(Dialect dialect) {
  CreateRules rules;
  switch (dialect) {
  case Dialect::vllm_omni:
    rules.json = false;
    rules.served_model = std::string(k_vllm_served_model);
    break;
  case Dialect::sglang:
    rules.multipart_needs_file = true;
    rules.duration = CreateRules::Duration::seconds_int;
    rules.json_reference_string = true;
    break;
  case Dialect::new_api:
    rules.model_required = true;
    break;
  case Dialect::openrouter:
    rules.multipart = false;
    rules.model_required = true;
    rules.duration = CreateRules::Duration::duration_int;
    rules.frames = CreateRules::Frames::openrouter;
    break;
  case Dialect::together:
    rules.multipart = false;
    rules.model_required = true;
    rules.duration = CreateRules::Duration::seconds_string;
    rules.frames = CreateRules::Frames::together;
    break;
  case Dialect::openai:
  case Dialect::litellm:
    break;
  }
  return rules;
}

ApiError in_dialect(Dialect dialect, ApiError error) {
  if (error.raw || dialect == Dialect::openai || dialect == Dialect::litellm ||
      dialect == Dialect::together)
    return error;
  Json body;
  if (fastapi(dialect)) {
    body = Json{{"detail", error.message}};
  } else if (dialect == Dialect::new_api) {
    body = Json{
        {"code", error.code.value_or(error.type)}, {"message", error.message}, {"data", nullptr}};
  } else { // openrouter: the code is the HTTP status, as a number
    body = Json{{"error", Json{{"code", error.status}, {"message", error.message}}}};
  }
  error.raw = body.dump();
  return error;
}

ApiError route_not_found(Dialect dialect, const std::string& method, const std::string& path) {
  ApiError error = invalid_request("Invalid URL (" + method + " " + path + ")");
  error.status = 404;
  if (fastapi(dialect)) {
    error.raw = R"({"detail":"Not Found"})";
  } else if (dialect == Dialect::new_api) { // Gin's own 404
    error.raw = "404 page not found";
    error.raw_type = "text/plain";
  } else if (dialect == Dialect::openrouter) {
    error.raw = R"({"error":{"code":404,"message":"Not Found"}})";
  }
  return error;
}

namespace {

/// The failed job's message, for servers whose `error` is a string (OpenRouter).
std::string error_message(const Json& error) {
  return error.is_object() ? error.value("message", std::string("failed")) : std::string();
}

/// The cost of a finished job: its seconds at the model's price, rounded to cents.
double job_cost(const Job& job) {
  double seconds = 0;
  try {
    seconds = std::stod(job.spec.seconds);
  } catch (...) {
    seconds = 0;
  }
  return std::round(seconds * price_per_second(job.spec.model) * 100.0) / 100.0;
}

/// OpenRouter's VideoGenerationResponse (the SDK's zod schema: id, generation_id, polling_url,
/// status, unsigned_urls, usage {cost, is_byok}, error as a string), nothing more.
Json openrouter_job(const Job& job, const Json& status, const Json& error, const Origins& origins,
                    bool broken) {
  Json o{{"id", job.id},
         {"generation_id", "gen-" + job.id.substr(job.id.size() > 10 ? job.id.size() - 10 : 0)},
         {"polling_url", "/api/v1/videos/" + job.id},
         {"status", status}};
  if (broken) o["polling_url"] = 404;         // the SDK requires a string
  if (job.status == VideoStatus::completed) { // same origin, needs the key
    o["unsigned_urls"] =
        Json::array({origins.api + "/api/v1/videos/" + job.id + "/content?index=0"});
    o["usage"] = Json{{"cost", job_cost(job)}, {"is_byok", false}};
  }
  if (!error.is_null()) o["error"] = error_message(error);
  return o;
}

/// Together's VideoJob (the SDK's types: id, created_at, model, seconds, size, status
/// in_progress|completed|failed, completed_at, error {message, code}, object, outputs {cost,
/// video_url}).
Json together_job(const Job& job, const Json& error, const Origins& origins, bool broken) {
  const bool completed = job.status == VideoStatus::completed;
  const bool ended = job.status == VideoStatus::failed || job.status == VideoStatus::cancelled;
  Json o{{"id", job.id},
         {"object", "video"},
         {"model", job.spec.model},
         {"status", completed ? "completed" : (ended ? "failed" : "in_progress")},
         {"seconds", job.spec.seconds},
         {"size", job.spec.size},
         {"created_at", job.created_at}};
  if (job.completed_at) o["completed_at"] = *job.completed_at;
  if (completed) {
    o["outputs"] = Json{{"video_url", origins.storage + "/storage/" + job.id + ".mp4"},
                        {"cost", job_cost(job)}};
    if (broken) o["outputs"]["cost"] = "0.25"; // the SDK's type says number
  }
  if (!error.is_null()) o["error"] = error;
  if (ended && error.is_null())
    o["error"] = Json{{"message", "The job was cancelled."}, {"code", "cancelled"}};
  return o;
}

} // namespace

double price_per_second(std::string_view model) {
  if (model.find("veo") != std::string_view::npos) return 0.40;
  if (model.find("kling") != std::string_view::npos) return 0.10;
  if (model.find("Wan") != std::string_view::npos || model.find("wan") != std::string_view::npos)
    return 0.05;
  return 0.10;
}

std::optional<Json> video_models_json(Dialect dialect, bool broken) {
  if (dialect != Dialect::openrouter) return std::nullopt;
  Json veo{
      {"id", "google/veo-3.1"},
      {"canonical_slug", "google/veo-3.1-20251015"},
      {"name", "Google: Veo 3.1"},
      {"created", 1760486400},
      {"description", "Veo 3.1 with audio, first and last frames"},
      {"allowed_passthrough_parameters", Json::array({"negative_prompt", "person_generation"})},
      {"creativity", nullptr},
      {"generate_audio", true},
      {"seed", true},
      {"supported_aspect_ratios", Json::array({"16:9", "9:16"})},
      {"supported_durations", Json::array({4, 6, 8})},
      {"supported_frame_images", Json::array({"first_frame", "last_frame"})},
      {"supported_resolutions", Json::array({"720p", "1080p"})},
      {"supported_sizes", Json::array({"1280x720", "720x1280", "1920x1080", "1080x1920"})},
      {"pricing_skus", Json{{"video_per_second", "0.40"}}},
      {"upscale_factor", nullptr}};
  Json kling{{"id", "kwaivgi/kling-v2.1"},
             {"canonical_slug", "kwaivgi/kling-v2.1"},
             {"name", "Kling 2.1"},
             {"created", 1750000000},
             {"allowed_passthrough_parameters", Json::array()},
             {"creativity", nullptr},
             {"generate_audio", false},
             {"seed", false},
             {"supported_aspect_ratios", Json::array({"16:9", "9:16", "1:1"})},
             {"supported_durations", Json::array({5, 10})},
             {"supported_frame_images", Json::array({"first_frame"})},
             {"supported_resolutions", Json::array({"720p", "1080p"})},
             {"supported_sizes", nullptr},
             {"pricing_skus", nullptr},
             {"upscale_factor", Json{{"min", 1}, {"max", 2}}}};
  if (broken) veo["supported_durations"] = Json::array({"4", "6", "8"}); // the SDK wants ints
  return Json{{"data", Json::array({veo, kling})}};
}

Json dialect_video_json(Dialect dialect, const Job& job, const Origins& origins, bool broken) {
  Json v = video_json(job);
  v["status"] = wire_status(dialect, job.status);
  const bool completed = job.status == VideoStatus::completed;
  switch (dialect) {
  case Dialect::sglang:
    v["model"] = "sora-2"; // older builds report sora-2 whatever is served
    v["progress"] = completed ? 100 : 0;
    break;
  case Dialect::new_api:
    v["task_id"] = job.id;
    v["created_at"] = job.created_at * 1000; // milliseconds, as in new-api's docs
    if (completed) v["metadata"] = Json{{"url", origins.api + "/v1/videos/" + job.id + "/content"}};
    break;
  case Dialect::openrouter:
    return openrouter_job(job, v["status"], v["error"], origins, broken);
  case Dialect::together:
    return together_job(job, v["error"], origins, broken);
  default:
    break;
  }
  return v;
}

} // namespace sora_mock
