#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz and runs each for a bounded time (see README.md).
#
#   tests/fuzz/run.sh [SECONDS]        # SECONDS per target, default 20
#
# Environment: FUZZ_TARGETS="video list" runs a subset; FUZZ_JOBS=N runs N targets at once
# (default: the number of CPUs, at most 4); CXX overrides clang++-14.
# Exit status: 0 when every target ran clean, 1 on any crash, 2 on a setup or build failure.
set -euo pipefail

seconds="${1:-20}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [SECONDS per target, default 20]" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build-fuzz"
cxx="${CXX:-clang++-14}"

if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "error: $cxx not found. libFuzzer needs clang 14 and its runtime: install the Debian packages" >&2
  echo "       clang-14 and libclang-rt-14-dev (apt-get install clang-14 libclang-rt-14-dev)." >&2
  exit 2
fi
if ! ls "$("$cxx" -print-resource-dir)"/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
  echo "error: $cxx has no libFuzzer runtime: install the Debian package libclang-rt-14-dev" >&2
  echo "       (apt-get install clang-14 libclang-rt-14-dev)." >&2
  exit 2
fi
if [ ! -f /usr/include/nlohmann/json.hpp ] && ! echo '#include <nlohmann/json.hpp>' |
  "$cxx" -x c++ -std=c++20 -fsyntax-only - >/dev/null 2>&1; then
  echo "error: nlohmann/json.hpp not found: install the Debian package nlohmann-json3-dev." >&2
  exit 2
fi

all_targets=(video list error image retry url webhook wire)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"
[ "$jobs" -gt 4 ] && jobs=4
[ "$jobs" -lt 1 ] && jobs=1

# The library sources the parsers need; everything else (libcurl, the client) stays out.
lib_sources=(api/json_codec api/video common/error media/image media/heif_tiles transport/retry transport/url
             transport/transport transport/redact common/terminal_text api/webhook_signature
             api/webhook_event common/base64)

# shellcheck disable=SC2054 # commas inside -fsanitize= are not array separators
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
       -fno-sanitize-recover=all -I "$root/include" -I "$root/src/core")

mkdir -p "$out/obj" "$out/bin" "$out/crashes" "$out/logs"

# Compiles $1 to $2 unless $2 is newer than $1 and than every header it could include.
compile() {
  local src="$1" obj="$2"
  shift 2
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
    [ -n "$(find "$root/include" "$root/src/core" "$here" -name '*.hpp' -newer "$obj" | head -n1)" ]; then
    "$cxx" "${flags[@]}" "$@" -c "$src" -o "$obj"
  fi
}

echo "fuzz: building ${#targets[@]} targets with $cxx in $out"
build_start=$SECONDS
pids=()
for name in "${lib_sources[@]}"; do
  compile "$root/src/core/$name.cpp" "$out/obj/${name//\//_}.o" -fsanitize=fuzzer-no-link &
  pids+=($!)
done
for t in "${targets[@]}"; do
  if [ ! -f "$here/${t}_fuzz.cpp" ]; then
    echo "error: no target $t (expected $here/${t}_fuzz.cpp)" >&2
    exit 2
  fi
  compile "$here/${t}_fuzz.cpp" "$out/obj/${t}_fuzz.o" -fsanitize=fuzzer-no-link &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
if [ "$failed" -ne 0 ]; then
  echo "error: compiling the fuzz targets failed (see above)" >&2
  exit 2
fi
lib_objects=()
for name in "${lib_sources[@]}"; do lib_objects+=("$out/obj/${name//\//_}.o"); done
for t in "${targets[@]}"; do
  "$cxx" "${flags[@]}" -fsanitize=fuzzer "$out/obj/${t}_fuzz.o" "${lib_objects[@]}" \
    -lcrypto -o "$out/bin/${t}_fuzz" # libcrypto: webhook signatures (HMAC-SHA256)
done
echo "fuzz: built in $((SECONDS - build_start)) s; running each target for $seconds s, $jobs at a time"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Runs target $1 on a fresh copy of its seeds (new inputs go to build-fuzz, never the repo).
run_target() {
  local t="$1" work="$out/corpus/$1" log="$out/logs/$1.log"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$here/corpus/$t/"* "$work/"
  local dict=()
  case "$t" in
  video | list | error | webhook | wire) dict=(-dict="$here/json.dict") ;;
  retry | image) dict=(-dict="$here/$t.dict") ;;
  esac
  local rc=0
  "$out/bin/${t}_fuzz" "$work" "${dict[@]}" -max_total_time="$seconds" -timeout=5 \
    -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$t-" >"$log" 2>&1 || rc=$?
  echo "$rc" >"$out/logs/$t.rc"
}

rm -f "$out/crashes/"* "$out/logs/"*
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait || true

status=0
for t in "${targets[@]}"; do
  log="$out/logs/$t.log"
  rc=$(cat "$out/logs/$t.rc" 2>/dev/null || echo 99)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -n1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2 || true)
  corpus=$(find "$out/corpus/$t" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    printf 'fuzz: %-6s ok     %8s runs in %s s, cov %s, corpus %s\n' \
      "$t" "${runs:-?}" "$seconds" "${cov:-?}" "$corpus"
  else
    status=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" 2>/dev/null | tail -n1 || true)
    why=$(grep -m1 -E 'ERROR: |runtime error: |FUZZ_CHECK failed|FUZZ: ' "$log" || true)
    printf 'fuzz: %-6s FAILED (exit %s): %s\n' "$t" "$rc" "${why:-see log}"
    echo "      input: ${artifact:-none written}   log: $log"
    if [ -n "$artifact" ]; then
      echo "      reproduce: UBSAN_OPTIONS=print_stacktrace=1 $out/bin/${t}_fuzz $artifact"
    fi
  fi
done
exit "$status"
