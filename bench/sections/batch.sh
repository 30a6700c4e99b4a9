# --- 4. batch ------------------------------------------------------------------------------------
batch_section() {
  log "batch: $BATCH_JOBS jobs, concurrency $BATCH_CONCURRENCY, latency $BATCH_LATENCY_MS ms, $BATCH_RUNS runs each"
  local manifest="$tmp/manifest.jsonl" i n pid dir
  for i in $(seq "$BATCH_JOBS"); do echo "{\"prompt\":\"job $i\"}"; done >"$manifest"

  # The curl baseline: the same three requests per job, BATCH_CONCURRENCY jobs at a time.
  cat >"$tmp/curl-job" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
base=$1 dir=$2 n=$3
id=$(curl -sS -F "prompt=job $n" "$base/videos" | grep -o '"id":"video_[0-9a-f]*"' | cut -d'"' -f4)
curl -sS -o /dev/null "$base/videos/$id"
curl -sS -o "$dir/line-$n.mp4" "$base/videos/$id/content"
EOF
  chmod +x "$tmp/curl-job"
  : >"$tmp/b.sora"
  : >"$tmp/b.curl"
  local requests_per_job="" summary_requests=""
  for i in $(seq "$BATCH_RUNS"); do
    # A fresh server per run, so the request log holds this run only.
    start_mock "batch-sora-$i" --polls 1 --poll-after-ms 10 --latency-ms "$BATCH_LATENCY_MS"
    export SORA_BASE_URL="http://127.0.0.1:$port/v1"
    pid=$last_mock_pid
    dir="$tmp/batch-sora-$i"
    timed "$tmp/b.sora" "$sora" batch "$manifest" --out-dir "$dir" --concurrency "$BATCH_CONCURRENCY" \
      >/dev/null 2>"$tmp/batch.err" || die "sora batch failed: $(tail -n5 "$tmp/batch.err")"
    n=$(find "$dir" -name '*.mp4' | wc -l)
    [[ $n -eq $BATCH_JOBS ]] || die "sora batch wrote $n videos, expected $BATCH_JOBS"
    local logged
    logged=$(curl -sS "http://127.0.0.1:$port/_mock/requests" | grep -o '"method":"[A-Z]*"' | wc -l)
    requests_per_job=$(awk -v r="$logged" -v j="$BATCH_JOBS" 'BEGIN {printf "%.2f", r / j}')
    summary_requests=$(grep -o '[0-9]* requests' "$tmp/batch.err" | tail -n1 || true)
    stop_mock "$pid"
    rm -rf "$dir"

    start_mock "batch-curl-$i" --polls 1 --poll-after-ms 10 --latency-ms "$BATCH_LATENCY_MS"
    pid=$last_mock_pid
    dir="$tmp/batch-curl-$i"
    mkdir -p "$dir"
    timed "$tmp/b.curl" bash -c 'seq "$1" | xargs -P "$2" -I{} "$3" "$4" "$5" {}' _ \
      "$BATCH_JOBS" "$BATCH_CONCURRENCY" "$tmp/curl-job" "http://127.0.0.1:$port/v1" "$dir"
    n=$(find "$dir" -name '*.mp4' -size +0 | wc -l)
    [[ $n -eq $BATCH_JOBS ]] || die "the curl batch wrote $n videos, expected $BATCH_JOBS"
    stop_mock "$pid"
    rm -rf "$dir"
  done
  local ideal
  ideal=$(awk -v j="$BATCH_JOBS" -v l="$BATCH_LATENCY_MS" -v c="$BATCH_CONCURRENCY" \
    'BEGIN {printf "%.6f", j * 3 * l / 1000 / c}')
  local ma la ha mb lb hb pm pl ph best ca cb ka kb
  read -r ma la ha mb lb hb pm pl ph best ca cb ka kb < <(stats "$tmp/b.sora" "$tmp/b.curl")
  local r_ideal ok
  r_ideal=$(awk -v a="$ma" -v i="$ideal" 'BEGIN {printf "%.2f", a / i}')
  target "batch $BATCH_JOBS jobs vs the ideal" "$r_ideal" 1.3
  tables+=("| case | sora, median (min–max) | curl, median (min–max) | sora / ideal | target | CPU sora | peak RSS sora |
|---|---:|---:|---:|---|---:|---:|
| \`sora batch\` $BATCH_JOBS jobs, -j $BATCH_CONCURRENCY, +$BATCH_LATENCY_MS ms per request, vs \`xargs -P $BATCH_CONCURRENCY\` of 3 curls, $BATCH_RUNS runs | $(ms "$ma") ms ($(ms "$la")–$(ms "$ha")) | $(ms "$mb") ms ($(ms "$lb")–$(ms "$hb")) | **$r_ideal** × ideal $(ms "$ideal") ms | ≤ 1.3 × ideal: $ok | $ca s | $(mib "$ka") MiB |")
  verdicts+=("batch: $r_ideal× ideal ($ok); $requests_per_job requests per job in the mock's log; sora's summary: ${summary_requests:-none}")
}
