# Shared helpers for the end-to-end tests: the real `sora` against the real `sora-mock` over
# loopback. Sourced by every tests/integration/*.sh script; each script is one CTest test
# (e2e.<script name>) and owns its temp dir and its mocks, so scripts run in parallel safely.
#
# Needs: bash, curl, python3 (no jq). Environment (set by CTest):
#   SORA_BIN        path of the sora CLI
#   SORA_MOCK_BIN   path of sora-mock
#   SORA_TEST_DATA  tests/data directory
# shellcheck shell=bash

set -euo pipefail

E2E_NAME="e2e.$(basename "${BASH_SOURCE[1]:-$0}" .sh)"
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CASE="setup"

: "${SORA_BIN:?SORA_BIN must point at the sora binary}"
: "${SORA_MOCK_BIN:?SORA_MOCK_BIN must point at the sora-mock binary}"
: "${SORA_TEST_DATA:?SORA_TEST_DATA must point at tests/data}"
# shellcheck disable=SC2034 # used by the scripts
DATA="$SORA_TEST_DATA"

# A clean, predictable environment: nothing from the caller's shell leaks into the client.
unset SORA_API_KEY OPENAI_API_KEY SORA_BASE_URL OPENAI_BASE_URL OPENAI_ORG_ID OPENAI_PROJECT_ID
unset SORA_PROFILE SORA_CONFIG XDG_CONFIG_HOME LITELLM_API_KEY OPENROUTER_API_KEY TOGETHER_API_KEY
unset AZURE_OPENAI_API_KEY
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
export LC_ALL=C.UTF-8
exec </dev/null # commands get an empty stdin unless a case redirects one

T="$(mktemp -d "${TMPDIR:-/tmp}/sora-e2e.XXXXXX")"
export HOME="$T/home"
mkdir -p "$HOME"
OUT="$T/stdout"
ERR="$T/stderr"
RC=0
TEST_KEY="sk-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
MOCK_PIDS=()
BG_PIDS=()
MOCK_SEQ=0
MOCK_URL=""
MOCK_LOG=""

_e2e_cleanup() {
  local rc=$? pid i
  set +e
  for pid in "${BG_PIDS[@]}" "${MOCK_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${BG_PIDS[@]}" "${MOCK_PIDS[@]}"; do
    # Bounded: a process that ignores SIGTERM for 5 s gets SIGKILL.
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  chmod -R u+rwx "$T" 2>/dev/null
  rm -rf "$T"
  if ((rc == 0)); then
    echo "PASS $E2E_NAME"
  else
    echo "FAIL $E2E_NAME (last case: $CASE)" >&2
  fi
  exit "$rc"
}
trap _e2e_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# case NAME: names the case for progress output and failure messages.
case_() {
  CASE="$1"
  echo "--- $E2E_NAME :: $CASE"
}

_show() { # _show LABEL FILE
  echo "  $1:" >&2
  if [[ -s "$2" ]]; then
    head -c 4000 "$2" | sed 's/^/    | /' >&2
    echo >&2
  else
    echo "    (empty)" >&2
  fi
}

fail() {
  echo "FAIL [$E2E_NAME :: $CASE] $*" >&2
  exit 1
}

# The sora CLI, as a command (so it can be passed to expect_exit).
sora() { "$SORA_BIN" "$@"; }

# expect_exit CODE -- cmd...: runs cmd with stdout in $OUT and stderr in $ERR; fails (showing both)
# unless it exits with CODE. Stdin is whatever the caller redirected (default: empty).
expect_exit() {
  local want="$1"
  shift
  [[ "${1:-}" == "--" ]] && shift
  RC=0
  "$@" >"$OUT" 2>"$ERR" || RC=$?
  if [[ "$RC" != "$want" ]]; then
    echo "FAIL [$E2E_NAME :: $CASE] expected exit $want, got $RC from: $*" >&2
    _show stdout "$OUT"
    _show stderr "$ERR"
    exit 1
  fi
}

assert_contains() { # FILE TEXT
  grep -qF -- "$2" "$1" || {
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$1") does not contain: $2" >&2
    _show "$(basename "$1")" "$1"
    exit 1
  }
}

assert_not_contains() { # FILE TEXT
  if grep -qF -- "$2" "$1"; then
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$1") must not contain: $2" >&2
    _show "$(basename "$1")" "$1"
    exit 1
  fi
}

assert_matches() { # FILE ERE
  grep -qE -- "$2" "$1" || {
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$1") has no line matching /$2/" >&2
    _show "$(basename "$1")" "$1"
    exit 1
  }
}

assert_empty() { # FILE
  if [[ -s "$1" ]]; then
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$1") should be empty" >&2
    _show "$(basename "$1")" "$1"
    exit 1
  fi
}

assert_nonempty() { # FILE
  [[ -s "$1" ]] || fail "$(basename "$1") should not be empty"
}

assert_file() { [[ -f "$1" ]] || fail "file $1 does not exist"; }
assert_no_file() { [[ ! -e "$1" ]] || fail "file $1 should not exist"; }

assert_eq() { # ACTUAL EXPECTED [WHAT]
  [[ "$1" == "$2" ]] || fail "${3:-value}: expected '$2', got '$1'"
}

# Number of lines of a file (a last line without newline counts).
line_count() { awk 'END { print NR }' "$1"; }

# assert_lines FILE N: the file has exactly N lines.
assert_lines() {
  local n
  n="$(line_count "$1")"
  if [[ "$n" != "$2" ]]; then
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$1") has $n lines, expected $2" >&2
    _show "$(basename "$1")" "$1"
    exit 1
  fi
}

# The single line of stdout (fails unless stdout is exactly one non-empty line).
single_line() {
  assert_lines "$OUT" 1
  local line
  line="$(head -n 1 "$OUT")"
  [[ -n "$line" ]] || fail "stdout line is empty"
  printf '%s\n' "$line"
}

assert_mp4() { # FILE: bytes 4..7 are "ftyp"
  [[ -f "$1" ]] || fail "$1 does not exist"
  [[ "$(head -c 8 "$1" | tail -c 4)" == "ftyp" ]] || fail "$1 is not an MP4 (no ftyp box at offset 4)"
}

assert_webp() { # FILE: RIFF....WEBP
  [[ "$(head -c 4 "$1")" == "RIFF" && "$(head -c 12 "$1" | tail -c 4)" == "WEBP" ]] ||
    fail "$1 is not a WebP file"
}

assert_jpeg() { # FILE: FF D8 FF
  [[ "$(head -c 3 "$1" | od -An -tx1 | tr -d ' \n')" == "ffd8ff" ]] || fail "$1 is not a JPEG file"
}

assert_same() { # FILE1 FILE2
  cmp -s -- "$1" "$2" ||
    fail "$1 differs from $2 ($(stat -c %s "$1" 2>/dev/null || echo missing) vs $(stat -c %s "$2") bytes)"
}

file_size() { stat -c %s "$1"; }

# A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
closed_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_mock [extra args...]: starts a mock on an ephemeral port, waits (≤ 10 s) until it answers,
# exports SORA_BASE_URL and SORA_API_KEY, sets MOCK_URL (http://127.0.0.1:PORT) and MOCK_PID.
start_mock() {
  MOCK_SEQ=$((MOCK_SEQ + 1))
  local portfile="$T/port.$MOCK_SEQ" i port="" rc
  MOCK_LOG="$T/mock.$MOCK_SEQ.log"
  "$SORA_MOCK_BIN" --port 0 --port-file "$portfile" --polls 2 --poll-after-ms 10 --quiet "$@" \
    >"$MOCK_LOG" 2>&1 &
  MOCK_PID=$!
  MOCK_PIDS+=("$MOCK_PID")
  for ((i = 0; i < 200; i++)); do
    if ! kill -0 "$MOCK_PID" 2>/dev/null; then
      wait "$MOCK_PID" 2>/dev/null && rc=0 || rc=$?
      echo "FAIL [$E2E_NAME :: $CASE] sora-mock died on start (exit $rc): $SORA_MOCK_BIN $*" >&2
      _show "mock output" "$MOCK_LOG"
      exit 1
    fi
    if [[ -s "$portfile" ]]; then
      port="$(tr -d ' \r\n' <"$portfile")"
      if [[ "$port" =~ ^[0-9]+$ ]] &&
        curl -sf --noproxy '*' -m 2 -o /dev/null "http://127.0.0.1:$port/_mock/health"; then
        break
      fi
    fi
    port=""
    sleep 0.05
  done
  if [[ -z "$port" ]]; then
    echo "FAIL [$E2E_NAME :: $CASE] sora-mock did not become ready within 10 s: $*" >&2
    _show "mock output" "$MOCK_LOG"
    exit 1
  fi
  MOCK_URL="http://127.0.0.1:$port"
  export SORA_BASE_URL="$MOCK_URL/v1"
  export SORA_API_KEY="$TEST_KEY"
}

# stop_mock: stops the most recently started mock.
stop_mock() {
  kill -TERM "$MOCK_PID" 2>/dev/null || true
  wait "$MOCK_PID" 2>/dev/null || true
}

# mock_requests: the mock's request log (JSON array) on stdout.
mock_requests() {
  curl -sf --noproxy '*' -m 5 "$MOCK_URL/_mock/requests" || fail "cannot read $MOCK_URL/_mock/requests"
}

# clear_requests: empties the mock's request log.
clear_requests() {
  curl -sf --noproxy '*' -m 5 -X DELETE -o /dev/null "$MOCK_URL/_mock/requests" ||
    fail "cannot clear $MOCK_URL/_mock/requests"
}

# reqpy EXPR: evaluates a Python expression over the request log (see reqlog.py) and prints it.
reqpy() {
  mock_requests >"$T/requests.json"
  python3 "$E2E_DIR/reqlog.py" "$T/requests.json" "$1"
}

# request_count: number of API requests (not /_mock routes) the mock received.
request_count() { reqpy 'len(api)'; }

# assert_req EXPR [WHAT]: the Python expression over the request log must be true.
assert_req() {
  local v
  mock_requests >"$T/requests.json"
  v="$(python3 "$E2E_DIR/reqlog.py" "$T/requests.json" "bool($1)")" || fail "bad request-log expression: $1"
  if [[ "$v" != "True" ]]; then
    echo "FAIL [$E2E_NAME :: $CASE] ${2:-request log check failed}: $1" >&2
    _show "mock request log" "$T/requests.json"
    exit 1
  fi
}

# assert_no_requests: nothing reached the mock's API routes.
assert_no_requests() {
  # Fast path: an empty log needs no parsing.
  [[ "$(mock_requests | tr -d ' \t\r\n')" == "[]" ]] && return 0
  assert_req 'len(api) == 0' "the mock must not have received any request"
}

# jpy FILE EXPR: evaluates a Python expression with `d` = the JSON document in FILE.
jpy() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        d = json.load(f)
except Exception as e:
    sys.exit(f"not a single JSON document: {e}")
v = eval(sys.argv[2], {"d": d, "json": json})
print(json.dumps(v) if isinstance(v, (dict, list)) else v)
EOF
}

# assert_json_doc FILE: the file holds exactly one JSON object and nothing else.
assert_json_doc() {
  if ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); assert isinstance(d, dict)' "$1" 2>"$T/json.err"; then
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$1") is not exactly one JSON object:" \
      "$(tail -n 1 "$T/json.err")" >&2
    _show "$(basename "$1")" "$1"
    exit 1
  fi
}

# assert_json_lines FILE N: exactly N lines, each one JSON object.
assert_json_lines() {
  if ! python3 - "$1" "$2" 2>"$T/json.err" <<'EOF'; then
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
assert len(lines) == int(sys.argv[2]), f"{len(lines)} lines, expected {sys.argv[2]}"
for i, line in enumerate(lines):
    assert isinstance(json.loads(line), dict), f"line {i + 1} is not a JSON object"
EOF
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$1") is not $2 line(s) of one JSON object each:" \
      "$(tail -n 1 "$T/json.err")" >&2
    _show "$(basename "$1")" "$1"
    exit 1
  fi
}

# GET a video straight from the mock (bypassing sora), into FILE. Note: counts as a poll.
mock_get_video() { # ID FILE
  curl -sf --noproxy '*' -m 5 -H "Authorization: Bearer $SORA_API_KEY" \
    -o "$2" "$MOCK_URL/v1/videos/$1" || fail "cannot GET video $1 from the mock"
}

# create_id ARGS...: runs `sora create ARGS...` (expect exit 0) and prints the new id.
create_id() {
  expect_exit 0 -- sora create "$@"
  single_line
}

# Runs ARGS and records the elapsed wall time, in whole seconds, in ELAPSED.
timed_expect_exit() { # CODE -- cmd...
  local start end
  start="$(date +%s%N)"
  expect_exit "$@"
  end="$(date +%s%N)"
  # shellcheck disable=SC2034 # read by the scripts
  ELAPSED=$(((end - start) / 1000000000))
}

# stop_with SIGNAL [WHAT]: sends SIGNAL to the background command in $pid, waits for it (at most
# 10 s, else the case fails naming WHAT) and sets RC to its exit status.
stop_with() {
  kill "-$1" "$pid"
  local i
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && fail "${2:-the command} still running 10 s after SIG$1"
  RC=0
  wait "$pid" || RC=$?
}
