# Shared by bench/run and its sections (sourced, not run): temp dirs, servers, timing, statistics
# and the table rows. Every section in bench/sections/NAME.sh defines NAME_section.

# --- temp dirs, servers, cleanup -----------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sora-bench.XXXXXX")
shm=""
mock_pids=()
cleanup() {
  local pid
  for pid in "${mock_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
  [[ -z $shm ]] || rm -rf "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need_kib() { # DIR KIB
  local free
  free=$(df -Pk "$1" | awk 'NR==2 {print $4}')
  [[ $free -gt $2 ]] || die "need $(($2 / 1024)) MiB free in $1 (have $((free / 1024)) MiB)"
}

# The journal of `sora create` goes to the temp dir, not to ~/.local/state.
export XDG_STATE_HOME="$tmp/state"
unset SORA_API_KEY OPENAI_API_KEY OPENAI_BASE_URL SORA_CONFIG SORA_PROFILE

# start_mock NAME ARGS...: starts sora-mock on a free loopback port; sets $port, $last_mock_pid.
start_mock() {
  local name=$1
  shift
  "$mock" --host 127.0.0.1 --port 0 --port-file "$tmp/$name.port" --quiet "$@" \
    2>"$tmp/$name.log" &
  mock_pids+=($!)
  last_mock_pid=$!
  local _
  for _ in $(seq 200); do
    [[ -s "$tmp/$name.port" ]] && break
    kill -0 "$last_mock_pid" 2>/dev/null || die "sora-mock ($name) exited: $(cat "$tmp/$name.log")"
    sleep 0.05
  done
  [[ -s "$tmp/$name.port" ]] || die "sora-mock ($name) did not start within 10 s"
  port=$(cat "$tmp/$name.port")
}
stop_mock() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
# peak_kib PID: the peak RSS of a running process (VmHWM), in KiB.
peak_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# timed OUTFILE CMD...: runs CMD under GNU time; appends "WALL_S PEAK_KIB CPU_S" to OUTFILE (CPU is
# user + system time, 10 ms resolution). Wall time is measured here with nanosecond resolution.
timed() {
  local out=$1
  shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$tmp/time.out" "$@"
  end=$(date +%s%N)
  tail -n1 "$tmp/time.out" | awk -v d=$((end - start)) '{printf "%.6f %d %.2f\n", d / 1e9, $1, $2 + $3}' >>"$out"
}

# stats A B: A and B hold paired runs (line i of A ran next to line i of B). Prints
#   medA loA hiA medB loB hiB pair_med pair_lo pair_hi best_ratio cpuA cpuB rss_maxA rss_maxB
# where pair_* are the median, min and max of A_i / B_i, best_ratio is min(A) / min(B), cpu* are
# median CPU seconds and rss_max* the highest peak RSS in KiB.
stats() {
  paste -d' ' "$1" "$2" | awk '
    function med(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; wa[n] = $1; wb[n] = $4; r[n] = $1 / $4; ca[n] = $3; cb[n] = $6
      if ($2 > ka) ka = $2; if ($5 > kb) kb = $5 }
    END {
      if (n == 0) { print "nan nan nan nan nan nan nan nan nan nan nan nan 0 0"; exit }
      ma = med(wa, n); la = wa[1]; ha = wa[n]; mb = med(wb, n); lb = wb[1]; hb = wb[n]
      mr = med(r, n); printf "%.6f %.6f %.6f %.6f %.6f %.6f %.4f %.4f %.4f %.4f %.2f %.2f %d %d\n",
        ma, la, ha, mb, lb, hb, mr, r[1], r[n], la / lb, med(ca, n), med(cb, n), ka, kb }'
}
ms() { awk -v s="$1" 'BEGIN {printf (s < 0.1 ? "%.1f" : "%.0f"), s * 1000}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
two() { awk -v r="$1" 'BEGIN {printf "%.2f", r}'; }
file_size() { stat -c %s "$1"; }

rows=() verdicts=() missed=()
# tables: further markdown tables a section adds (a heading line, then the table), printed after
# the main one.
tables=()
# target NAME VALUE LIMIT: sets $ok to "met" or "missed" (and remembers the miss): VALUE <= LIMIT.
target() {
  if awk -v v="$2" -v l="$3" 'BEGIN {exit !(v <= l)}'; then
    ok=met
  else
    missed+=("$1 ($2, target ≤ $3)")
    ok=missed
  fi
}
# row CASE CACHE A B TARGET: one table row from the stats of A (sora) against B (the baseline).
row() {
  local what=$1 cache=$2 a=$3 b=$4 goal=$5
  local ma la ha mb lb hb pm pl ph best ca cb ka kb
  read -r ma la ha mb lb hb pm pl ph best ca cb ka kb < <(stats "$a" "$b")
  rows+=("| $what | $cache | $(ms "$ma") ms ($(ms "$la")–$(ms "$ha")) | $(ms "$mb") ms ($(ms "$lb")–$(ms "$hb")) | **$(two "$pm")** ($(two "$pl")–$(two "$ph")) | $(two "$best") | $goal | $ca s / $cb s | $(mib "$ka") / $(mib "$kb") MiB |")
  last_pm=$pm last_best=$best last_ka=$ka
}
runs_note() { echo "$1 paired runs, order alternated"; }

sync_note="\`sync\` before each run; the source is in the page cache"
