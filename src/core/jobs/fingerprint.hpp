// The parts of fingerprint() that tests reach: the chunked reading, the older format, the
// content hash alone. Callers use fingerprint() and FingerprintMatch (sora/job.hpp).
#pragma once

#include <sora/job.hpp>

#include <cstddef>
#include <filesystem>
#include <string>

namespace sora::detail {

/// fingerprint(spec) with the image read `chunk` bytes at a time (the result never depends on it).
Result<std::string> fingerprint_chunked(const JobSpec& spec, std::size_t chunk);

/// The fingerprint versions before v2 recorded: 16 hex digits of 64-bit FNV-1a over the same
/// fields and bytes. Only for matching their records.
Result<std::string> fingerprint_v1(const JobSpec& spec);

/// XXH3-128 of a file's bytes, read `chunk` bytes at a time: 32 hex digits, as `xxhsum -H2`.
Result<std::string> file_hash(const std::filesystem::path& path, std::size_t chunk);

} // namespace sora::detail
