// The default media served by sora-mock, embedded at build time (see cmake/embed.cmake).
#pragma once

#include <span>

namespace sora_mock::assets {

/// The bytes of tests/data/sample-clip.mp4.
std::span<const unsigned char> sample_clip();
/// The bytes of tests/data/sample-thumbnail.webp.
std::span<const unsigned char> sample_thumbnail();
/// The bytes of tests/data/sample-spritesheet.jpg.
std::span<const unsigned char> sample_spritesheet();

} // namespace sora_mock::assets
