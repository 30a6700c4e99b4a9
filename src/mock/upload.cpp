// Multipart file parts streamed to a temporary file while the rest of the body stays in memory.
#include "upload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace sora_mock {
namespace {

// An unlinked temporary file: gone from the folder at once, gone from the disk when closed.
class SpillFile {
public:
  SpillFile() = default;
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  ~SpillFile() {
    if (m_fd >= 0) ::close(m_fd);
  }

  // Appends `size` bytes; false (with `error` set) when the disk refuses them.
  bool append(const char* data, std::size_t size, std::string& error) {
    if (m_fd < 0 && !open(error)) return false;
    while (size > 0) {
      const ssize_t n = ::write(m_fd, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = std::string("cannot write the upload to a temporary file: ") + std::strerror(errno);
        return false;
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

private:
  bool open(std::string& error) {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string pattern = (dir / "sora-mock-upload.XXXXXX").string();
    m_fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (m_fd < 0) {
      error = "cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno);
      return false;
    }
    ::unlink(pattern.c_str());
    return true;
  }

  int m_fd = -1;
};

// The state of one multipart body: the part being received and where its bytes go.
struct MultipartReceiver {
  httplib::Request& req;
  ReceivedBody& out;
  httplib::MultipartFormData* part = nullptr; // in req.files
  std::uint64_t part_size = 0;
  bool is_file = false;
  bool first_of_name = false;
  std::size_t in_memory = 0; // bytes of all parts kept in memory
  std::vector<std::unique_ptr<SpillFile>> spills;

  bool on_header(const httplib::MultipartFormData& header) {
    finish_part();
    first_of_name = req.files.find(header.name) == req.files.end();
    part = &req.files.emplace(header.name, header)->second;
    part->content.clear();
    part_size = 0;
    is_file = !header.filename.empty();
    if (is_file) spills.push_back(std::make_unique<SpillFile>());
    return true;
  }

  bool on_data(const char* data, std::size_t size) {
    if (!part) return true;
    part_size += size;
    std::size_t keep = size;
    if (is_file)
      keep = part->content.size() < k_upload_prefix
                 ? std::min(size, k_upload_prefix - part->content.size())
                 : 0;
    if (in_memory + keep > k_memory_body_max) return refuse(413, "The form fields are too large.");
    part->content.append(data, keep);
    in_memory += keep;
    if (keep < size) {
      std::string error;
      if (!spills.back()->append(data + keep, size - keep, error)) return refuse(500, error);
    }
    return true;
  }

  void finish_part() {
    if (part && is_file && first_of_name) out.sizes[part->name] = part_size;
    part = nullptr;
  }

  bool refuse(int status, std::string problem) {
    out.status = status;
    out.problem = std::move(problem);
    return false;
  }
};

} // namespace

ReceivedBody receive_body(httplib::Request& req, const httplib::ContentReader& reader) {
  ReceivedBody out;
  bool ok = true;
  if (req.is_multipart_form_data()) {
    MultipartReceiver receiver{req, out, nullptr, 0, false, false, 0, {}};
    ok =
        reader([&](const httplib::MultipartFormData& header) { return receiver.on_header(header); },
               [&](const char* data, std::size_t size) { return receiver.on_data(data, size); });
    receiver.finish_part();
  } else {
    ok = reader([&](const char* data, std::size_t size) {
      if (req.body.size() + size > k_memory_body_max) {
        out.status = 413;
        out.problem = "The request body is too large.";
        return false;
      }
      req.body.append(data, size);
      return true;
    });
  }
  if (!ok && out.status == 0) {
    out.status = 400;
    out.problem = "The request body could not be read.";
  }
  return out;
}

} // namespace sora_mock
