# Shared helpers for the packaging tests (tests/install/*.sh): a temp dir, steps and failures.
# Environment (set by CTest): SORA_BUILD_DIR, SORA_SOURCE_DIR, SORA_BIN, SORA_MOCK_BIN,
# SORA_TEST_DATA, SORA_LIBDIR, SORA_VERSION, CMAKE_COMMAND, CPACK_COMMAND, CMAKE_GENERATOR, CXX.
# shellcheck shell=bash
set -euo pipefail

TEST_NAME="install.$(basename "${BASH_SOURCE[1]:-$0}" .sh)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STEP="setup"
: "${SORA_BUILD_DIR:?}" "${SORA_BIN:?}" "${SORA_MOCK_BIN:?}" "${SORA_TEST_DATA:?}"
export LC_ALL=C.UTF-8
T="$(mktemp -d "${TMPDIR:-/tmp}/sora-install.XXXXXX")"
START_NS="$(date +%s%N)"

_cleanup() {
  local rc=$?
  rm -rf "$T"
  local ms=$((($(date +%s%N) - START_NS) / 1000000))
  if ((rc == 0)); then
    echo "PASS $TEST_NAME (${ms} ms)"
  elif ((rc == 77)); then
    echo "SKIP $TEST_NAME"
  else
    echo "FAIL $TEST_NAME (last step: $STEP)" >&2
  fi
  exit "$rc"
}
trap _cleanup EXIT

step() {
  STEP="$1"
  echo "--- $TEST_NAME :: $STEP"
}

fail() {
  echo "FAIL [$TEST_NAME :: $STEP] $*" >&2
  exit 1
}

skip() {
  echo "SKIP [$TEST_NAME :: $STEP] $*"
  exit 77
}

# run LOG cmd...: runs cmd with its output in LOG; on failure shows the log's tail and fails.
run() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" | sed 's/^/    | /' >&2
    fail "command failed: $*"
  fi
}

assert_file() { [[ -f "$1" ]] || fail "missing file: $1"; }

assert_eq() { # ACTUAL EXPECTED WHAT
  [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"
}

assert_grep() { # FILE ERE [WHAT]
  grep -qE -- "$2" "$1" || {
    head -c 3000 "$1" | sed 's/^/    | /' >&2
    fail "${3:-$(basename "$1")} has no line matching /$2/"
  }
}
