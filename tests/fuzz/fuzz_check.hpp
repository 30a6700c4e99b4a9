// Shared helpers for the libFuzzer targets in this directory (see README.md).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>

// An invariant that must hold for every input. On failure, print where and abort, so libFuzzer
// records the input as a crash.
#define FUZZ_CHECK(cond)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

// Runs `body`; any exception escaping it is a bug (the parsers promise never to throw).
template <class F> void fuzz_no_throw(const char* what, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FUZZ: %s threw %s\n", what, e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "FUZZ: %s threw a non-std exception\n", what);
    std::abort();
  }
}
