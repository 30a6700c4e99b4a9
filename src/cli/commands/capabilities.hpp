// What the server's models accept (`sora models`, and the check `create` and `batch` make before
// sending): the server's list (OpenRouter's /videos/models, cached a day per base URL under
// $XDG_CACHE_HOME/sora) or, for servers without one, what the profile knows.
#pragma once

#include "app_context.hpp"

#include <sora/cost.hpp>
#include <sora/models.hpp>

#include <optional>
#include <string>

namespace sora::cli {

/// The models of the active profile's server. `refresh` ignores the cache; a server without a
/// model list gives the profile's own knowledge (source `profile`). `offline` (--dry-run, which
/// sends nothing) reads only the cache and fails (not_found) when it has nothing fresh.
Result<ModelCatalog> load_catalog(AppContext& ctx, bool refresh, bool offline = false);

/// Checks a create request against its model's capabilities before anything is sent: an
/// unsupported duration, size, resolution, aspect ratio, frame, audio or seed is invalid_argument
/// naming the supported values and the closest one. A model the catalog does not list, or a
/// catalog that cannot be read, is not an error (a warning at most).
/// `setting` names what a mismatch is about ("duration" …) as the user sets it; null: the
/// create flags (--seconds …).
using SettingName = std::string (*)(const std::string& what);
Result<void> check_request_capabilities(AppContext& ctx, const CreateRequest& request,
                                        bool offline = false, SettingName setting = nullptr);

/// The server's published USD per second for `model` (the cached model list, else one GET of
/// it), if any.
std::optional<double> published_price(AppContext& ctx, const std::string& model,
                                      bool offline = false);

/// Adds the server's published price of the request's model to `prices` when the table has none
/// for it (the price --max-cost, --dry-run and the journal's estimate use).
void add_published_price(AppContext& ctx, PriceTable& prices, const CreateRequest& request,
                         bool offline = false);

/// Fails (invalid_argument) naming the profile and the option when the profile's request shape
/// cannot express a portable option set in `request`.
Result<void> check_portable_options(AppContext& ctx, const CreateRequest& request);

} // namespace sora::cli
