// Libraries the media code opens on first use (dlopen) instead of linking: libheif and FFmpeg's
// libraries bring about a hundred codec libraries whose loading, relocation and constructors
// would otherwise be paid by every command, `sora status` included; libjpeg, libwebp and Little
// CMS cost every command their symbol bindings (docs/adr/0015).
#pragma once

#include <sora/result.hpp>

#include <cstring>
#include <string>
#include <utility>

namespace sora::media {

/// A library opened on first use: its soname, what it is needed for and the Debian package that
/// installs it (both named in the error when it cannot be loaded).
struct LibraryName {
  const char* soname;
  const char* needed_for; // e.g. "HEIC and AVIF photos"
  const char* package;    // e.g. "libheif1"
};

/// Opens one library (kept open for the life of the process) and resolves its functions into
/// pointers. The first failure is kept; result() reports it.
class LibraryLoader {
public:
  explicit LibraryLoader(const LibraryName& name);

  /// Points `function` at the library's `symbol` (nullptr when missing).
  template <typename F> void resolve(F*& function, const char* symbol) {
    void* address = find(symbol);
    static_assert(sizeof(function) == sizeof(address));
    std::memcpy(&function, &address, sizeof(address));
  }

  /// Success when the library opened and every symbol resolved; else an io error naming the
  /// library, what needs it and the package to install.
  Result<void> result() const;

private:
  void* find(const char* symbol);

  LibraryName m_name;
  void* m_handle = nullptr;
  std::string m_failure; // dlerror()'s words for the first failure
};

/// The body of a function table: one pointer per function of LIST (an X-macro list of the
/// library's C functions, e.g. SORA_JPEG_FUNCTIONS) and the resolve() that open_library calls.
#define SORA_LIBRARY_FUNCTION_POINTER(function) decltype(&::function) function = nullptr;
#define SORA_LIBRARY_RESOLVE_FUNCTION(function) loader.resolve(function, #function);
#define SORA_LIBRARY_FUNCTIONS(LIST)                                                               \
  LIST(SORA_LIBRARY_FUNCTION_POINTER)                                                              \
  void resolve(LibraryLoader& loader) {                                                            \
    LIST(SORA_LIBRARY_RESOLVE_FUNCTION)                                                            \
  }

/// A library's function table, loaded on the first call (thread-safe); later calls return the
/// same answer. `Library` has `static constexpr LibraryName name` and the members
/// SORA_LIBRARY_FUNCTIONS(LIST) declares (see jpeg_codec.cpp).
template <typename Library> const Result<Library>& open_library() {
  static const Result<Library> loaded = []() -> Result<Library> {
    LibraryLoader loader(Library::name);
    Library library;
    library.resolve(loader);
    if (auto ok = loader.result(); !ok) return unexpected(std::move(ok).error());
    return library;
  }();
  return loaded;
}

} // namespace sora::media
