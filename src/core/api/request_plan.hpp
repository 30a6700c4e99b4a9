// Request planning: what each operation sends, as data, built without sending anything. Pure
// functions of the ClientConfig and the request; --dry-run shows the same plan the operation sends.
#pragma once

#include <sora/client.hpp>

#include <string>
#include <string_view>

namespace sora::detail {

/// The base URL joined with `path`, plus the profile's extra query parameters (tolerance rule 3).
std::string api_url(const ClientConfig& config, std::string_view path);
/// "/videos/ID" (the id encoded as one path segment) followed by `suffix`.
std::string video_path(std::string_view id, std::string_view suffix = {});
/// The credential, User-Agent, Accept and the profile's extra headers (which replace built-ins).
Headers base_headers(const ClientConfig& config, std::string_view accept);
/// True for a header whose value is the credential (shown as "[redacted]").
bool is_credential(const ClientConfig& config, std::string_view name);
/// The plan as shown to people: the credential's value hidden.
RequestPlan redacted(const ClientConfig& config, RequestPlan plan);

Result<RequestPlan> plan_create(const ClientConfig& config, const CreateRequest& request);
RequestPlan plan_remix(const ClientConfig& config, std::string_view id, std::string_view prompt);
Result<RequestPlan> plan_extend(const ClientConfig& config, const ExtendRequest& request);
Result<RequestPlan> plan_edit(const ClientConfig& config, const EditRequest& request);

/// The request a plan describes, with its body (multipart, JSON, or JSON streaming a file).
Result<HttpRequest> to_http(RequestPlan plan);

} // namespace sora::detail
