// Reading a verified delivery's body: OpenAI's video.* events and OpenRouter's
// video.generation.* callbacks.
#include <sora/webhooks.hpp>

#include <nlohmann/json.hpp>

namespace sora {
namespace {

using json = nlohmann::json;

std::optional<WebhookOutcome> outcome_of(std::string_view type) {
  for (std::string_view prefix : {"video.generation.", "video."}) {
    if (!type.starts_with(prefix)) continue;
    std::string_view what = type.substr(prefix.size());
    if (what == "completed") return WebhookOutcome::completed;
    if (what == "failed") return WebhookOutcome::failed;
    if (what == "cancelled") return WebhookOutcome::cancelled;
    if (what == "expired") return WebhookOutcome::expired;
  }
  return std::nullopt;
}

std::string error_text(const json& data) {
  auto it = data.find("error");
  if (it == data.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {
    auto message = it->find("message");
    if (message != it->end() && message->is_string()) return message->get<std::string>();
  }
  return {};
}

} // namespace

std::string_view to_string(WebhookOutcome outcome) noexcept {
  switch (outcome) {
  case WebhookOutcome::completed:
    return "completed";
  case WebhookOutcome::failed:
    return "failed";
  case WebhookOutcome::cancelled:
    return "cancelled";
  case WebhookOutcome::expired:
    return "expired";
  case WebhookOutcome::other:
    break;
  }
  return "other";
}

Result<WebhookEvent> parse_webhook_event(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return unexpected(ErrorCode::protocol, "The delivery's body is not a JSON object.");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string())
    return unexpected(ErrorCode::protocol, "The delivery's body has no event type.");
  WebhookEvent event;
  event.type = type->get<std::string>();
  if (auto id = j.find("id"); id != j.end() && id->is_string())
    event.event_id = id->get<std::string>();
  auto outcome = outcome_of(event.type);
  if (!outcome) return event; // another kind of event: nothing to do, but not an error
  auto data = j.find("data");
  if (data == j.end() || !data->is_object())
    return unexpected(ErrorCode::protocol, "The " + event.type + " event has no data object.");
  auto video = data->find("id");
  if (video == data->end() || !video->is_string() || video->get_ref<const std::string&>().empty())
    return unexpected(ErrorCode::protocol,
                      "The " + event.type + " event names no video (data.id).");
  event.outcome = *outcome;
  event.video_id = video->get<std::string>();
  event.error_message = error_text(*data);
  return event;
}

} // namespace sora
