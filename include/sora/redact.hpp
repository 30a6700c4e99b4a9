// Secrets out of everything a server says: one Redactor, built from the client's settings, masks
// the API key and credential-like header and query values in any text before it is shown,
// logged or stored.
#pragma once

#include <sora/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sora {

struct ClientConfig;

/// What a masked secret becomes.
inline constexpr std::string_view k_redacted = "[redacted]";

/// True for a header, query or field name that carries a credential: Authorization, Cookie,
/// api-key, and any name holding "key", "token", "secret", "auth", "password" or "cookie".
bool is_credential_name(std::string_view name) noexcept;

/// Replaces every known secret in text with "[redacted]". Secrets shorter than 4 bytes are
/// ignored (they would mask ordinary words). Cheap to copy.
class Redactor {
public:
  Redactor() = default;
  explicit Redactor(std::vector<std::string> secrets);
  /// The key, and the values of credential-like extra headers and query parameters.
  static Redactor for_config(const ClientConfig& config);

  void add(std::string_view secret);
  bool empty() const noexcept { return m_secrets.empty(); }
  /// True when text holds a secret.
  bool finds_secret(std::string_view text) const;
  std::string apply(std::string text) const;
  /// Every text field of the error (message, hint, API fields, request id, video id).
  Error apply(Error error) const;

private:
  std::vector<std::string> m_secrets; // longest first, so a longer secret is masked whole
};

} // namespace sora
