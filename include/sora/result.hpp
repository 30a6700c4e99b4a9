// Result<T>: a value or an Error, the std::expected subset sora needs (GCC 12 lacks <expected>).
#pragma once

#include <sora/error.hpp>

#include <utility>
#include <variant>

namespace sora {

/// Wraps an Error so `return unexpected(err);` reads like std::expected.
struct Unexpected {
  Error error;
};
inline Unexpected unexpected(Error error) {
  return Unexpected{std::move(error)};
}
inline Unexpected unexpected(ErrorCode code, std::string message, std::string hint = {}) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.hint = std::move(hint);
  return Unexpected{std::move(e)};
}

/// A value of T or an Error. Accessing the wrong alternative is a programming error.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
  Result(Unexpected u) : m_state(std::in_place_index<1>, std::move(u.error)) {}

  bool has_value() const noexcept { return m_state.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(m_state); }
  const T& value() const& { return std::get<0>(m_state); }
  T&& value() && { return std::get<0>(std::move(m_state)); }
  const Error& error() const& { return std::get<1>(m_state); }
  Error&& error() && { return std::get<1>(std::move(m_state)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

private:
  std::variant<T, Error> m_state;
};

/// Result of an operation that returns nothing on success.
template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Unexpected u) : m_error(std::move(u.error)), m_failed(true) {}

  bool has_value() const noexcept { return !m_failed; }
  explicit operator bool() const noexcept { return !m_failed; }
  const Error& error() const& { return m_error; }
  Error&& error() && { return std::move(m_error); }

private:
  Error m_error;
  bool m_failed = false;
};

} // namespace sora
