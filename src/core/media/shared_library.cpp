// dlopen/dlsym for the libraries the media code opens on first use (shared_library.hpp).
#include "media/shared_library.hpp"

#include <dlfcn.h>

namespace sora::media {

namespace {
std::string last_dl_error(const char* fallback) {
  const char* text = ::dlerror();
  return text ? text : fallback;
}
} // namespace

LibraryLoader::LibraryLoader(const LibraryName& name) : m_name(name) {
  // RTLD_LOCAL: its symbols stay out of the global scope; RTLD_NOW: a broken installation fails
  // here, not in the middle of a decode. Never closed: the process keeps it, as if linked.
  m_handle = ::dlopen(name.soname, RTLD_NOW | RTLD_LOCAL);
  if (!m_handle) m_failure = last_dl_error(name.soname);
}

void* LibraryLoader::find(const char* symbol) {
  if (!m_handle) return nullptr;
  ::dlerror(); // clear an earlier error
  void* address = ::dlsym(m_handle, symbol);
  if (!address && m_failure.empty())
    m_failure = last_dl_error((std::string("no symbol ") + symbol).c_str());
  return address;
}

Result<void> LibraryLoader::result() const {
  if (m_failure.empty()) return {};
  return unexpected(ErrorCode::io,
                    std::string(m_name.soname) + " is needed for " + m_name.needed_for +
                        " but cannot be loaded: " + m_failure + ".",
                    std::string("Install the package that provides ") + m_name.soname +
                        " (on Debian and Ubuntu: " + m_name.package + "), then try again.");
}

} // namespace sora::media
