// The hostile-server faults (--fault hostile-*): answers that put the request's own key, terminal
// escapes, path steps, very long text or invalid UTF-8 into ids, messages, URLs and headers, so
// a client can be tested for what it shows, logs and stores. The jobs themselves still work: the
// real id is found again inside a decorated one, so every command runs to its end.
#pragma once

#include "faults.hpp"

#include <httplib.h>

#include <string>

namespace sora_mock {

/// True when any hostile-* fault is on.
bool hostile(const Faults& faults);

/// The route with each decorated id (`…video_<hex>…`, percent-encoded or not, the client's
/// "[redacted]" included) replaced by the real id it holds.
std::string undecorate_route(const std::string& route);

/// Rewrites a JSON answer in place: ids, models, messages and URLs get the payloads of the
/// enabled faults; headers get them too (without line breaks, which HTTP cannot carry).
void make_hostile(const httplib::Request& req, httplib::Response& res, const Faults& faults);

} // namespace sora_mock
