# --- 4. batch ------------------------------------------------------------------------------------
# BATCH_CASES: "JOBS:CONCURRENCY ..." (default "1000:64 200:16"); each case is timed against the
# ideal (JOBS x 3 requests x latency / CONCURRENCY) and against xargs -P of three curls per job.
# CPU per job must not grow with the size of the batch: the largest case's CPU per job is judged
# against the smallest's.

# batch_case JOBS CONCURRENCY: one table row and verdict; sets $cpu_per_job_ms.
batch_case() {
  local jobs=$1 concurrency=$2
  local manifest="$tmp/manifest-$jobs.jsonl" i n pid dir
  for i in $(seq "$jobs"); do echo "{\"prompt\":\"job $i\"}"; done >"$manifest"
  # The curl baseline: the same three requests per job, CONCURRENCY jobs at a time.
  cat >"$tmp/curl-job" <<'CURL'
#!/usr/bin/env bash
set -euo pipefail
base=$1 dir=$2 n=$3
id=$(curl -sS -F "prompt=job $n" "$base/videos" | grep -o '"id":"video_[0-9a-f]*"' | cut -d'"' -f4)
curl -sS -o /dev/null "$base/videos/$id"
curl -sS -o "$dir/line-$n.mp4" "$base/videos/$id/content"
CURL
  chmod +x "$tmp/curl-job"
  : >"$tmp/b.sora"
  : >"$tmp/b.curl"
  local requests_per_job="" summary_requests="" mock_args=(--polls 1 --poll-after-ms 0 --latency-ms "$BATCH_LATENCY_MS")
  for i in $(seq "$BATCH_RUNS"); do
    # A fresh server per run, so the request log holds this run only.
    start_mock "batch-sora-$jobs-$i" "${mock_args[@]}"
    export SORA_BASE_URL="http://127.0.0.1:$port/v1"
    pid=$last_mock_pid
    dir="$tmp/batch-sora-$jobs-$i"
    timed "$tmp/b.sora" "$sora" batch "$manifest" --out-dir "$dir" --concurrency "$concurrency" \
      >/dev/null 2>"$tmp/batch.err" || die "sora batch failed: $(tail -n5 "$tmp/batch.err")"
    n=$(find "$dir" -name '*.mp4' | wc -l)
    [[ $n -eq $jobs ]] || die "sora batch wrote $n videos, expected $jobs"
    local logged
    logged=$(curl -sS "http://127.0.0.1:$port/_mock/requests" | grep -o '"method":"[A-Z]*"' | wc -l)
    requests_per_job=$(awk -v r="$logged" -v j="$jobs" 'BEGIN {printf "%.2f", r / j}')
    summary_requests=$(grep -o '[0-9]* requests' "$tmp/batch.err" | tail -n1 || true)
    stop_mock "$pid"
    # The videos stay until the end (the temp dir's cleanup): on ext4 without a journal, every
    # file removed makes each file created in the next minutes scan past it, so deleting a run's
    # thousand videos here would slow the next run's file creation (sora's and curl's alike).

    start_mock "batch-curl-$jobs-$i" "${mock_args[@]}"
    pid=$last_mock_pid
    dir="$tmp/batch-curl-$jobs-$i"
    mkdir -p "$dir"
    timed "$tmp/b.curl" bash -c 'seq "$1" | xargs -P "$2" -I{} "$3" "$4" "$5" {}' _ \
      "$jobs" "$concurrency" "$tmp/curl-job" "http://127.0.0.1:$port/v1" "$dir"
    n=$(find "$dir" -name '*.mp4' -size +0 | wc -l)
    [[ $n -eq $jobs ]] || die "the curl batch wrote $n videos, expected $jobs"
    stop_mock "$pid"
  done
  local ideal
  ideal=$(awk -v j="$jobs" -v l="$BATCH_LATENCY_MS" -v c="$concurrency" \
    'BEGIN {printf "%.6f", j * 3 * l / 1000 / c}')
  local ma la ha mb lb hb pm pl ph best ca cb ka kb
  read -r ma la ha mb lb hb pm pl ph best ca cb ka kb < <(stats "$tmp/b.sora" "$tmp/b.curl")
  local r_ideal ok
  r_ideal=$(awk -v a="$ma" -v i="$ideal" 'BEGIN {printf "%.2f", a / i}')
  cpu_per_job_ms=$(awk -v c="$ca" -v j="$jobs" 'BEGIN {printf "%.2f", c * 1000 / j}')
  target "batch $jobs jobs at -j $concurrency vs the ideal" "$r_ideal" 1.2
  batch_rows+=("| \`sora batch\` $jobs jobs, -j $concurrency, +$BATCH_LATENCY_MS ms per request, vs \`xargs -P $concurrency\` of 3 curls, $BATCH_RUNS runs | $(ms "$ma") ms ($(ms "$la")–$(ms "$ha")) | $(ms "$mb") ms ($(ms "$lb")–$(ms "$hb")) | **$r_ideal** × ideal $(ms "$ideal") ms | ≤ 1.2 × ideal: $ok | $ca s ($cpu_per_job_ms ms per job) | $(mib "$ka") MiB |")
  verdicts+=("batch $jobs@$concurrency: $r_ideal× ideal ($ok); $cpu_per_job_ms ms CPU per job; $requests_per_job requests per job in the mock's log; sora's summary: ${summary_requests:-none}")
}

batch_section() {
  local cases=${BATCH_CASES:-"1000:64 200:16"} c
  log "batch: cases $cases (jobs:concurrency), latency $BATCH_LATENCY_MS ms, $BATCH_RUNS runs each"
  batch_rows=()
  local big_cpu="" big_jobs=0 small_cpu="" small_jobs=0 cpu_per_job_ms
  for c in $cases; do
    batch_case "${c%%:*}" "${c##*:}"
    # The largest and the smallest batch, for CPU per job.
    if [[ -z $big_cpu || ${c%%:*} -gt $big_jobs ]]; then big_cpu=$cpu_per_job_ms big_jobs=${c%%:*}; fi
    if [[ -z $small_cpu || ${c%%:*} -lt $small_jobs ]]; then small_cpu=$cpu_per_job_ms small_jobs=${c%%:*}; fi
  done
  local table="| case | sora, median (min–max) | curl, median (min–max) | sora / ideal | target | CPU sora (per job) | peak RSS sora |
|---|---:|---:|---:|---|---:|---:|" r ok
  for r in "${batch_rows[@]}"; do table+=$'\n'"$r"; done
  tables+=("$table")
  if [[ $big_jobs -ne $small_jobs ]]; then
    local growth
    growth=$(awk -v a="$big_cpu" -v b="$small_cpu" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
    target "batch CPU per job, $big_jobs jobs / $small_jobs jobs" "$growth" 1.5
    verdicts+=("batch CPU per job: $big_cpu ms at $big_jobs jobs, $small_cpu ms at $small_jobs jobs: $growth× ($ok, target ≤ 1.5: flat)")
  fi
}
