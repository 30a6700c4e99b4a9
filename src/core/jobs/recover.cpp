// Finding the job an interrupted create may have started, in the server's own list.
#include "common/text.hpp"

#include <sora/job.hpp>

namespace sora {
namespace {

constexpr int k_pages = 5;           // at most 500 of the newest jobs
constexpr std::int64_t k_skew = 120; // seconds of clock difference tolerated

} // namespace

Result<std::optional<Video>> find_created_job(Client& client, std::string_view prompt,
                                              std::int64_t since) {
  const std::string wanted = detail::one_line_head(prompt);
  ListQuery query;
  query.limit = 100;
  query.order = "desc";
  bool prompts_known = false, any = false;
  for (int page = 0; page < k_pages; ++page) {
    auto list = client.list(query);
    if (!list) return unexpected(std::move(list).error());
    for (const auto& video : list->data) {
      any = true;
      if (video.created_at != 0 && video.created_at < since - k_skew)
        return std::optional<Video>(); // older than the intent: the list is newest first
      if (!video.prompt) continue;
      prompts_known = true;
      if (detail::one_line_head(*video.prompt) == wanted) return std::optional<Video>(video);
    }
    if (!list->has_more || list->data.empty()) break;
    query.after = list->data.back().id;
  }
  if (any && !prompts_known)
    return unexpected(ErrorCode::unsupported, "The server's list does not show prompts.");
  return std::optional<Video>();
}

} // namespace sora
