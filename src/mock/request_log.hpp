// The log of API requests served at /_mock/requests, so tests can assert what was sent.
#pragma once

#include "upload.hpp"
#include "wire.hpp"

#include <httplib.h>

#include <memory>
#include <mutex>
#include <vector>

namespace sora_mock {

/// Every API request in arrival order. Header values (Authorization, api-key) are never kept.
class RequestLog {
public:
  /// One logged request; `status` and `authorized` are filled in when the answer is known.
  struct Entry {
    Json record;
  };

  /// Appends a record of `req` (method, path, query, content type, parts, JSON body).
  /// `upload_sizes` gives the whole size of file parts of which req.files holds only the start.
  std::shared_ptr<Entry> begin(const httplib::Request& req,
                               const UploadSizes* upload_sizes = nullptr);
  /// Stores the outcome of the request recorded as `entry`.
  void finish(const std::shared_ptr<Entry>& entry, bool authorized, int status);
  /// The whole log as a JSON array.
  Json snapshot() const;
  /// Forgets every entry.
  void clear();

private:
  mutable std::mutex m_mutex;
  std::vector<std::shared_ptr<Entry>> m_entries;
};

} // namespace sora_mock
