// A download to a file goes through OUTPUT.part (see part_file.hpp); one to a stream cannot
// start over once bytes have gone out.
#include "api/downloader.hpp"

#include "api/part_file.hpp"

namespace sora::detail {

Result<DownloadResult> download_to_path(ContentFetcher& fetcher, std::string_view id,
                                        const DownloadRequest& request) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!request.overwrite && fs::exists(request.output, ec))
    return unexpected(ErrorCode::invalid_argument, request.output.string() + " already exists.",
                      "Choose another `output` path, or allow replacing it (`force`).");
  auto opened = PartFile::open(request.output, std::string(id), request.variant);
  if (!opened) return unexpected(std::move(opened).error());
  PartFile part = std::move(*opened);

  ContentFetch state;
  state.id = std::string(id);
  state.variant = request.variant;
  state.on_progress = request.on_progress;
  state.offset = part.resume_from();
  state.if_range = part.if_range();
  state.expected_total = part.expected_size();
  auto bytes = fetcher.fetch(state, part.sink());
  if (!bytes) {
    part.abandon(); // a .part that holds data stays for the next run to resume
    return unexpected(std::move(bytes).error());
  }
  if (auto ok = part.commit(*bytes, request.overwrite); !ok) return unexpected(ok.error());
  DownloadResult result;
  result.path = request.output;
  result.bytes = *bytes;
  result.resumed_from = state.resumed_from;
  result.content_type = state.content_type;
  result.restarted_reason = part.restarted_reason();
  result.reported_cost = state.reported_cost;
  if (!state.restarted_reason.empty()) {
    if (!result.restarted_reason.empty()) result.restarted_reason += "; ";
    result.restarted_reason += state.restarted_reason;
  }
  return result;
}

Result<std::uint64_t>
download_to_stream(ContentFetcher& fetcher, std::string_view id, Variant variant,
                   const std::function<Result<void>(std::span<const char>)>& sink_fn,
                   const TransferCallback& on_progress) {
  std::uint64_t written = 0;
  ContentSink sink;
  sink.begin = [&](const ContentStart& start) -> Result<void> {
    if (start.restart && written > 0)
      return unexpected(ErrorCode::network,
                        "The download was interrupted and the server cannot resume it; the "
                        "output is incomplete.",
                        "Download to a file with -o PATH, which can start over.");
    if (start.offset != written) return unexpected(ErrorCode::internal, "Resume offset mismatch.");
    return {};
  };
  sink.write = [&](std::span<const char> chunk) -> Result<void> {
    written += chunk.size();
    return sink_fn(chunk);
  };
  ContentFetch state;
  state.id = std::string(id);
  state.variant = variant;
  state.on_progress = on_progress;
  return fetcher.fetch(state, sink);
}

} // namespace sora::detail
