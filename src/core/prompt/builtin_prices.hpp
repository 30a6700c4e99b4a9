// The built-in price table: data/prices.json, embedded at build time by cmake/embed.cmake.
#pragma once

#include <span>

namespace sora::detail {

/// The bytes of data/prices.json as it was when sora was built.
std::span<const unsigned char> builtin_prices_json();

} // namespace sora::detail
