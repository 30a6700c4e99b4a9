// The one translation unit that compiles stb_image_resize (Debian's libstb-dev, header-only).
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STBIR_ASSERT(x) ((void)0) // never abort the process from inside the library
#include <stb/stb_image_resize.h>
