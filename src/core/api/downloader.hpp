// Downloading: a finished job's file to a path (through a bound, locked .part, renamed into place
// when complete) or to a caller's stream.
#pragma once

#include "api/content_fetch.hpp"

#include <sora/client.hpp>

namespace sora::detail {

/// See Client::download.
Result<DownloadResult> download_to_path(ContentFetcher& fetcher, std::string_view id,
                                        const DownloadRequest& request);
/// See Client::download_to.
Result<std::uint64_t>
download_to_stream(ContentFetcher& fetcher, std::string_view id, Variant variant,
                   const std::function<Result<void>(std::span<const char>)>& sink_fn,
                   const TransferCallback& on_progress);

} // namespace sora::detail
