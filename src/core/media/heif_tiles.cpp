// Reads where the HEVC tiles of a HEIF file's primary image are (heif_tiles.hpp): the meta box's
// pitm, iinf, iloc, iref, iprp and idat (ISO/IEC 23008-12), every read bounds-checked. libheif
// 1.15 has no API for the tiles of a grid, hence this reader; libheif still reads everything else
// (size, alpha, colour profile, EXIF) and decodes whatever this declines.
#include "media/heif_tiles.hpp"

#include <array>
#include <cstdio>
#include <map>
#include <string_view>

namespace sora::media {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t k_max_meta = 16 * 1024 * 1024;

constexpr std::uint32_t fourcc(const char (&s)[5]) {
  return std::uint32_t(std::uint8_t(s[0])) << 24 | std::uint32_t(std::uint8_t(s[1])) << 16 |
         std::uint32_t(std::uint8_t(s[2])) << 8 | std::uint32_t(std::uint8_t(s[3]));
}

// Big-endian reads from a span of bytes; a read past the end sets `ok` false and returns 0.
class Reader {
public:
  Reader(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}

  std::uint64_t read(std::size_t bytes) {
    if (!ok || bytes > 8 || m_size - m_at < bytes) return ok = false, 0;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes; ++i)
      v = v << 8 | m_data[m_at++];
    return v;
  }
  std::uint32_t u8() { return static_cast<std::uint32_t>(read(1)); }
  std::uint32_t u16() { return static_cast<std::uint32_t>(read(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(read(4)); }
  /// A FullBox's version (its flags in `flags`).
  std::uint32_t version(std::uint32_t* flags = nullptr) {
    std::uint32_t v = u32();
    if (flags) *flags = v & 0xFFFFFF;
    return v >> 24;
  }
  Reader take(std::uint64_t bytes) {
    if (!ok || m_size - m_at < bytes) return ok = false, Reader(nullptr, 0);
    Reader inner(m_data + m_at, static_cast<std::size_t>(bytes));
    m_at += static_cast<std::size_t>(bytes);
    return inner;
  }
  std::size_t left() const { return m_size - m_at; }
  const std::uint8_t* here() const { return m_data + m_at; }

  bool ok = true;

private:
  const std::uint8_t* m_data;
  std::size_t m_size, m_at = 0;
};

// Calls `found(type, payload)` for each box in `r`; false when one does not fit.
template <class F> bool each_box(Reader r, F found) {
  while (r.ok && r.left() > 0) {
    std::uint64_t size = r.u32();
    std::uint32_t type = r.u32();
    std::uint64_t header = 8;
    if (size == 1) size = r.read(8), header = 16;
    if (size == 0) size = r.left() + header;
    if (!r.ok || size < header) return false;
    Reader payload = r.take(size - header);
    if (!r.ok) return false;
    found(type, payload);
  }
  return r.ok;
}

struct Location {
  int construction = 0; // 0: in the file, 1: in idat
  std::vector<FileExtent> extents;
};

// What the meta box says about its items.
struct Items {
  std::uint32_t primary = 0;
  std::map<std::uint32_t, std::uint32_t> type;
  std::map<std::uint32_t, Location> location;
  std::map<std::uint32_t, std::vector<std::uint32_t>> tiles; // dimg references
  std::vector<Reader> properties;                            // ipco's boxes, 1-based by index - 1
  std::vector<std::uint32_t> property_type;
  std::map<std::uint32_t, std::vector<std::uint32_t>> associated; // item -> property indices
  Reader idat{nullptr, 0};
  bool ok = true;
};

bool read_iinf(Reader r, Items& items) {
  std::uint32_t version = r.version();
  r.read(version == 0 ? 2 : 4); // the count: the boxes that follow say as much
  return each_box(r, [&](std::uint32_t type, Reader infe) {
    if (type != fourcc("infe")) return;
    std::uint32_t v = infe.version();
    if (v < 2) return; // old item info: not an image item
    std::uint32_t id = v == 2 ? infe.u16() : infe.u32();
    infe.u16();
    std::uint32_t item_type = infe.u32();
    if (infe.ok) items.type[id] = item_type;
  });
}

bool read_iloc(Reader r, Items& items) {
  std::uint32_t version = r.version();
  std::uint32_t sizes = r.u16();
  std::size_t offset_size = sizes >> 12, length_size = sizes >> 8 & 15, base_size = sizes >> 4 & 15,
              index_size = version >= 1 ? sizes & 15 : 0;
  std::uint32_t count = version < 2 ? r.u16() : r.u32();
  for (std::uint32_t i = 0; i < count && r.ok; ++i) {
    std::uint32_t id = version < 2 ? r.u16() : r.u32();
    Location where;
    if (version >= 1) where.construction = static_cast<int>(r.u16() & 15);
    if (r.u16() != 0) where.construction = -1; // data in another file
    std::uint64_t base = r.read(base_size);
    std::uint32_t extents = r.u16();
    // An extent of no bytes (all sizes 0) would let a small box list billions.
    if (offset_size + length_size + index_size == 0 && extents > 1) return false;
    for (std::uint32_t e = 0; e < extents && r.ok; ++e) {
      r.read(index_size);
      FileExtent extent;
      extent.offset = base + r.read(offset_size);
      extent.length = r.read(length_size);
      where.extents.push_back(extent);
    }
    items.location[id] = std::move(where);
  }
  return r.ok;
}

bool read_iref(Reader r, Items& items) {
  std::uint32_t version = r.version();
  return each_box(r, [&](std::uint32_t type, Reader ref) {
    std::uint32_t from = version == 0 ? ref.u16() : ref.u32();
    std::uint32_t count = ref.u16();
    std::vector<std::uint32_t> to;
    for (std::uint32_t i = 0; i < count && ref.ok; ++i)
      to.push_back(version == 0 ? ref.u16() : ref.u32());
    if (type == fourcc("dimg") && ref.ok) items.tiles[from] = std::move(to);
    items.ok = items.ok && ref.ok;
  });
}

bool read_ipma(Reader r, Items& items) {
  std::uint32_t flags = 0;
  std::uint32_t version = r.version(&flags);
  std::uint32_t count = r.u32();
  for (std::uint32_t i = 0; i < count && r.ok; ++i) {
    std::uint32_t id = version < 1 ? r.u16() : r.u32();
    std::uint32_t n = r.u8();
    auto& list = items.associated[id];
    for (std::uint32_t k = 0; k < n && r.ok; ++k)
      list.push_back((flags & 1) ? (r.u16() & 0x7FFF) : (r.u8() & 0x7F));
  }
  return r.ok;
}

bool read_meta(Reader meta, Items& items) {
  meta.version();
  bool ok = each_box(meta, [&](std::uint32_t type, Reader box) {
    bool good = true;
    if (type == fourcc("pitm")) {
      std::uint32_t v = box.version();
      items.primary = v == 0 ? box.u16() : box.u32();
      good = box.ok;
    } else if (type == fourcc("iinf")) {
      good = read_iinf(box, items);
    } else if (type == fourcc("iloc")) {
      good = read_iloc(box, items);
    } else if (type == fourcc("iref")) {
      good = read_iref(box, items);
    } else if (type == fourcc("idat")) {
      items.idat = box;
    } else if (type == fourcc("iprp")) {
      good = each_box(box, [&](std::uint32_t t, Reader inner) {
        if (t == fourcc("ipco"))
          items.ok = items.ok && each_box(inner, [&](std::uint32_t property, Reader payload) {
                       items.properties.push_back(payload);
                       items.property_type.push_back(property);
                     });
        if (t == fourcc("ipma")) items.ok = items.ok && read_ipma(inner, items);
      });
    }
    items.ok = items.ok && good;
  });
  return ok && items.ok && items.primary != 0;
}

// The meta box of the file (top level), read whole; empty when there is none or it is too large.
std::vector<std::uint8_t> read_meta_box(const fs::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return {};
  std::array<std::uint8_t, 16> header{};
  for (;;) {
    if (std::fread(header.data(), 1, 8, f.get()) != 8) return {};
    Reader r(header.data(), 8);
    std::uint64_t size = r.u32(), header_size = 8;
    std::uint32_t type = r.u32();
    if (size == 1) {
      if (std::fread(header.data() + 8, 1, 8, f.get()) != 8) return {};
      Reader large(header.data() + 8, 8);
      size = large.read(8), header_size = 16;
    }
    if (size < header_size) return {};
    std::uint64_t payload = size - header_size;
    if (type == fourcc("meta")) {
      if (payload > k_max_meta) return {};
      std::vector<std::uint8_t> meta(static_cast<std::size_t>(payload));
      if (std::fread(meta.data(), 1, meta.size(), f.get()) != meta.size()) return {};
      return meta;
    }
    if (payload > std::uint64_t(INT64_MAX) ||
        fseeko(f.get(), static_cast<off_t>(payload), SEEK_CUR) != 0)
      return {};
  }
}

// The properties of `id` (boxes with their types), in the order ipma lists them.
std::vector<std::pair<std::uint32_t, Reader>> properties_of(const Items& items, std::uint32_t id) {
  std::vector<std::pair<std::uint32_t, Reader>> out;
  auto found = items.associated.find(id);
  if (found == items.associated.end()) return out;
  for (std::uint32_t index : found->second)
    if (index >= 1 && index <= items.properties.size())
      out.emplace_back(items.property_type[index - 1], items.properties[index - 1]);
  return out;
}

// An EXIF orientation as where it sends the right (x) and down (y) unit vectors: {xx, xy, yx, yy}.
constexpr std::array<std::array<int, 4>, 8> k_orientations{{
    {1, 0, 0, 1},   // 1
    {-1, 0, 0, 1},  // 2: mirrored left to right
    {-1, 0, 0, -1}, // 3: turned 180
    {1, 0, 0, -1},  // 4: mirrored top to bottom
    {0, 1, 1, 0},   // 5: transposed
    {0, 1, -1, 0},  // 6: turned 90 clockwise
    {0, -1, -1, 0}, // 7: transversed
    {0, -1, 1, 0},  // 8: turned 90 anticlockwise
}};

// Applies `m` after `a` (both as above).
std::array<int, 4> then(const std::array<int, 4>& a, const std::array<int, 4>& m) {
  return {m[0] * a[0] + m[2] * a[1], m[1] * a[0] + m[3] * a[1], m[0] * a[2] + m[2] * a[3],
          m[1] * a[2] + m[3] * a[3]};
}

// The primary's irot and imir (applied in the order listed) as an EXIF orientation; 0 when it
// has a property this path does not apply (a crop).
int orientation_of(const Items& items) {
  std::array<int, 4> t = k_orientations[0];
  for (auto [type, box] : properties_of(items, items.primary)) {
    if (type == fourcc("clap")) return 0;
    if (type == fourcc("irot"))
      for (std::uint32_t turns = box.u8() & 3; turns > 0; --turns) // anticlockwise
        t = then(t, k_orientations[7]);
    // libheif 1.15 reads axis 0 as a mirror top to bottom, 1 as left to right (the tests
    // check every orientation against it).
    if (type == fourcc("imir")) t = then(t, k_orientations[(box.u8() & 1) ? 1 : 3]);
    if (!box.ok) return 0;
  }
  for (std::size_t i = 0; i < k_orientations.size(); ++i)
    if (k_orientations[i] == t) return static_cast<int>(i) + 1;
  return 0;
}

// The grid descriptor of the primary (in idat or the file); false when it cannot be read.
bool read_grid(const fs::path& path, const Items& items, HevcTiles& out) {
  auto where = items.location.find(items.primary);
  if (where == items.location.end() || where->second.extents.size() != 1) return false;
  FileExtent e = where->second.extents[0];
  std::array<std::uint8_t, 12> grid{};
  if (e.length < 8 || e.length > grid.size()) return false;
  if (where->second.construction == 1) {
    Reader idat = items.idat;
    if (e.offset > idat.left() || idat.left() - e.offset < e.length) return false;
    std::copy_n(idat.here() + e.offset, e.length, grid.begin());
  } else if (where->second.construction == 0) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f || e.offset > std::uint64_t(INT64_MAX) ||
        fseeko(f.get(), static_cast<off_t>(e.offset), SEEK_SET) != 0 ||
        std::fread(grid.data(), 1, e.length, f.get()) != e.length)
      return false;
  } else {
    return false;
  }
  Reader r(grid.data(), static_cast<std::size_t>(e.length));
  if (r.u8() != 0) return false;
  bool large = r.u8() & 1;
  out.rows = static_cast<int>(r.u8()) + 1;
  out.columns = static_cast<int>(r.u8()) + 1;
  out.width = static_cast<int>(large ? r.u32() : r.u16());
  out.height = static_cast<int>(large ? r.u32() : r.u16());
  return r.ok && out.width > 0 && out.height > 0;
}

// The tile's size (ispe) and parameter sets (hvcC) into `out`; false when they differ from the
// first tile's, or it has a transform of its own.
bool read_tile_properties(const Items& items, std::uint32_t tile, HevcTiles& out) {
  int width = 0, height = 0;
  std::vector<std::uint8_t> config;
  for (auto [type, box] : properties_of(items, tile)) {
    if (type == fourcc("ispe")) {
      box.version();
      width = static_cast<int>(box.u32());
      height = static_cast<int>(box.u32());
    } else if (type == fourcc("hvcC")) {
      config.assign(box.here(), box.here() + box.left());
    } else if (type == fourcc("irot") || type == fourcc("imir") || type == fourcc("clap")) {
      return false;
    }
    if (!box.ok) return false;
  }
  if (width < 1 || height < 1 || config.empty()) return false;
  if (out.config.empty()) {
    out.tile_width = width, out.tile_height = height, out.config = std::move(config);
    return true;
  }
  return width == out.tile_width && height == out.tile_height && config == out.config;
}

} // namespace

std::optional<HevcTiles> read_hevc_tiles(const fs::path& path) {
  std::vector<std::uint8_t> meta = read_meta_box(path);
  Items items;
  if (meta.empty() || !read_meta(Reader(meta.data(), meta.size()), items)) return std::nullopt;
  HevcTiles out;
  out.orientation = orientation_of(items);
  if (out.orientation == 0) return std::nullopt;
  std::vector<std::uint32_t> ids;
  std::uint32_t type = items.type.count(items.primary) ? items.type[items.primary] : 0;
  if (type == fourcc("grid")) {
    if (!read_grid(path, items, out)) return std::nullopt;
    ids = items.tiles[items.primary];
  } else if (type == fourcc("hvc1")) {
    ids = {items.primary};
  }
  if (ids.empty() || ids.size() != std::size_t(out.rows) * std::size_t(out.columns))
    return std::nullopt;
  for (std::uint32_t id : ids) {
    auto where = items.location.find(id);
    if (items.type[id] != fourcc("hvc1") || where == items.location.end() ||
        where->second.construction != 0 || where->second.extents.empty() ||
        !read_tile_properties(items, id, out))
      return std::nullopt;
    out.tiles.push_back(where->second.extents);
  }
  if (type == fourcc("hvc1")) out.width = out.tile_width, out.height = out.tile_height;
  if (out.tile_width > k_max_side || out.tile_height > k_max_side ||
      std::uint64_t(out.width) * std::uint64_t(out.height) > k_max_pixels)
    return std::nullopt;
  // The tiles must cover the picture, and not by a whole row or column more.
  if (std::int64_t(out.columns) * out.tile_width < out.width ||
      std::int64_t(out.rows) * out.tile_height < out.height ||
      std::int64_t(out.columns - 1) * out.tile_width >= out.width ||
      std::int64_t(out.rows - 1) * out.tile_height >= out.height)
    return std::nullopt;
  return out;
}

} // namespace sora::media
