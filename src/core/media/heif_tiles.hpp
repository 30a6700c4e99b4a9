// The fast path for HEIC photos (docs/adr/0017): the primary image's HEVC tiles read from the
// file's boxes and decoded with FFmpeg's HEVC decoder, a row of tiles at a time, straight into the
// shrunk picture. libheif 1.15 decodes a grid with libde265 into a full-size RGB copy (a 48 MP
// photo: 1.5 s and 146 MB); this takes half the CPU time and a strip of tiles' memory.
// Anything it does not handle (another codec, a crop, 12 bits, 4:4:4, a broken file) is declined,
// and libheif decodes the photo as before.
#pragma once

#include "media/raster.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace sora::media {

/// Where one tile's coded data lies in the file (one or more extents, read back to back).
struct FileExtent {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

/// The primary image of a HEIF file as HEVC tiles: a grid of `columns` x `rows` tiles of
/// `tile_width` x `tile_height`, cropped to `width` x `height`, or one picture (1 x 1).
struct HevcTiles {
  int columns = 1, rows = 1;
  int tile_width = 0, tile_height = 0;
  int width = 0, height = 0;
  std::vector<std::uint8_t> config;           ///< the hvcC box's payload (parameter sets)
  std::vector<std::vector<FileExtent>> tiles; ///< row by row
  int orientation = 1; ///< the primary's rotation and mirror (irot, imir) as an EXIF orientation
};

/// The HEVC tiles of the primary image of `path`; nothing when the file is not laid out so (an
/// AVIF, a crop, an overlay, tiles with their own transforms or parameter sets, boxes that do
/// not add up): libheif then decodes it.
std::optional<HevcTiles> read_hevc_tiles(const std::filesystem::path& path);

/// How the decoded Y'CbCr becomes RGB: the file's nclx matrix and range when it names them,
/// else the stream's own (its VUI), as libheif does.
struct TileColour {
  int matrix = -1; ///< ITU-T H.273 matrix coefficients; -1: the stream's
  bool full_range = true;
};

/// Decodes `tiles` (8 or 10 bits; 4:2:0, 4:2:2 or monochrome) with FFmpeg's HEVC decoder on as many
/// threads as there are cores and shrinks them by `factor` while they arrive. Nothing when FFmpeg
/// or its HEVC decoder is missing, or a tile is not what the boxes said: the caller falls back to
/// libheif.
std::optional<Raster> decode_hevc_tiles(const std::filesystem::path& path, const HevcTiles& tiles,
                                        int factor, const TileColour& colour);

} // namespace sora::media
