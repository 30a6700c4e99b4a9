// libpng, opened on first use (media/shared_library.hpp, docs/adr/0015): png_codec.cpp reads and
// writes photos with it, frames.cpp writes frames. Linked, its bindings cost every command.
#pragma once

#include "media/shared_library.hpp"

#include <png.h>

#include <csetjmp>

namespace sora::media {

// The soname the headers belong to: libpng 1.6 is libpng16.so.16.
static_assert(PNG_LIBPNG_VER_SONUM == 16, "libpng's soname is no longer libpng16.so.16");

// Every libpng function sora calls. png_jmpbuf(p) is a macro over png_set_longjmp_fn: use
// png_jump_buffer(p) below instead.
#define SORA_PNG_FUNCTIONS(X)                                                                      \
  X(png_create_read_struct)                                                                        \
  X(png_create_info_struct)                                                                        \
  X(png_destroy_read_struct)                                                                       \
  X(png_set_longjmp_fn)                                                                            \
  X(png_longjmp)                                                                                   \
  X(png_get_error_ptr)                                                                             \
  X(png_init_io)                                                                                   \
  X(png_read_info)                                                                                 \
  X(png_get_IHDR)                                                                                  \
  X(png_get_iCCP)                                                                                  \
  X(png_set_alpha_mode)                                                                            \
  X(png_set_expand)                                                                                \
  X(png_set_scale_16)                                                                              \
  X(png_set_gray_to_rgb)                                                                           \
  X(png_set_interlace_handling)                                                                    \
  X(png_read_update_info)                                                                          \
  X(png_get_channels)                                                                              \
  X(png_read_row)                                                                                  \
  X(png_read_end)                                                                                  \
  X(png_create_write_struct)                                                                       \
  X(png_destroy_write_struct)                                                                      \
  X(png_error)                                                                                     \
  X(png_get_PLTE)                                                                                  \
  X(png_get_gAMA_fixed)                                                                            \
  X(png_get_io_ptr)                                                                                \
  X(png_get_tRNS)                                                                                  \
  X(png_set_IHDR)                                                                                  \
  X(png_set_compression_strategy)                                                                  \
  X(png_set_read_fn)                                                                               \
  X(png_set_sRGB)                                                                                  \
  X(png_write_info)                                                                                \
  X(png_write_row)                                                                                 \
  X(png_write_end)                                                                                 \
  X(png_image_write_to_stdio)

struct PngLibrary {
  static constexpr LibraryName name{"libpng16.so.16", "PNG images", "libpng16-16"};
  SORA_LIBRARY_FUNCTIONS(SORA_PNG_FUNCTIONS)
};

/// The loaded library; only called once open_library<PngLibrary>() has succeeded.
inline const PngLibrary& libpng() {
  return *open_library<PngLibrary>();
}

/// What png_jmpbuf(png) gives: the jump buffer libpng's errors longjmp to.
inline std::jmp_buf& png_jump_buffer(png_structp png) {
  return *libpng().png_set_longjmp_fn(png, longjmp, sizeof(std::jmp_buf));
}

} // namespace sora::media
