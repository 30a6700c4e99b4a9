// Finding the job an interrupted create may have started, in the server's own list.
#include <sora/job.hpp>

namespace sora {
namespace {

// The prompt as the journal keeps it: the first 80 characters, line breaks as spaces.
std::string prompt_head(std::string_view text) {
  std::string out;
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size() && count < 80; ++count) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    out.append(text.substr(i, n));
    i += n;
  }
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

constexpr int k_pages = 5;           // at most 500 of the newest jobs
constexpr std::int64_t k_skew = 120; // seconds of clock difference tolerated

} // namespace

Result<std::optional<Video>> find_created_job(Client& client, std::string_view prompt,
                                              std::int64_t since) {
  const std::string wanted = prompt_head(prompt);
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
      if (prompt_head(*video.prompt) == wanted) return std::optional<Video>(video);
    }
    if (!list->has_more || list->data.empty()) break;
    query.after = list->data.back().id;
  }
  if (any && !prompts_known)
    return unexpected(ErrorCode::unsupported, "The server's list does not show prompts.");
  return std::optional<Video>();
}

} // namespace sora
