// --dialect: the quirks of the OpenAI-compatible servers sora-mock can impersonate (see
// docs/mock-server.md, "Dialects"). Everything that differs between dialects is decided here.
#pragma once

#include "params.hpp"
#include "store.hpp"
#include "wire.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sora_mock {

enum class Dialect { openai, litellm, vllm_omni, sglang, new_api, openrouter, together };

/// The dialect called `name` (e.g. "vllm-omni"), or nullopt.
std::optional<Dialect> parse_dialect(std::string_view name);
std::string_view dialect_name(Dialect dialect);
/// Every valid name, comma-separated, for usage messages.
std::string dialect_names();

/// The path prefix the server's base URL ends in: "/v1", "/api/v1" (openrouter), "/v2" (together).
std::string_view base_prefix(Dialect dialect);

/// The model a vLLM-Omni server serves (one per server).
inline constexpr std::string_view k_vllm_served_model = "Wan-AI/Wan2.2-T2V-A14B-Diffusers";

/// Optional operations and whether the dialect's server has a route for them.
enum class Operation { remix, list, remove, extend_or_edit };
bool supports(Dialect dialect, Operation operation);

/// A new job id in the dialect's style (litellm: `video_` + standard base64 with / + =).
std::string new_job_id(Dialect dialect);

/// How the dialect accepts a create request.
CreateRules create_rules(Dialect dialect);

/// `error` rendered in the dialect's error body (OpenAI envelope, FastAPI `detail`, new-api
/// `{code,message,data}`, OpenRouter `{error:{code:int,message}}`). Sets `raw`.
ApiError in_dialect(Dialect dialect, ApiError error);
/// The dialect's answer to a path it has no route for.
ApiError route_not_found(Dialect dialect, const std::string& method, const std::string& path);

/// Where a dialect's job object says the file is; origins are `http://host:port`.
struct Origins {
  std::string api;     ///< this server
  std::string storage; ///< the "storage" listener (together), empty otherwise
};
/// The job object as the dialect's server shows it. `broken` (the hidden shape-mismatch fault)
/// gives one field the wrong type, for the conformance suites' test of the test.
Json dialect_video_json(Dialect dialect, const Job& job, const Origins& origins,
                        bool broken = false);

/// The price per generated second the mock charges for `model` (OpenRouter `usage.cost`,
/// Together `outputs.cost`), in US dollars.
double price_per_second(std::string_view model);

/// OpenRouter's `GET /videos/models` answer (`{"data":[VideoModel…]}`), or nullopt for a dialect
/// without the route.
std::optional<Json> video_models_json(Dialect dialect, bool broken = false);

} // namespace sora_mock
