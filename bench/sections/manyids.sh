# --- 6. many ids and a long history ---------------------------------------------------------------
# `sora status @last` and `sora history -n 5` with a long journal against a short one (neither
# may grow with the journal),
# and status / wait of many ids against a server MANYIDS_LATENCY_MS away: concurrently (the default
# --concurrency) against one at a time (-j 1) and against the ideal.

# manyids_journal DIR N ID: a journal of N batch jobs (and their intents, all resolved) whose
# newest job is ID, in DIR/sora/ (XDG_STATE_HOME=DIR).
manyids_journal() {
  mkdir -p "$1/sora"
  awk -v n="$2" -v id="$3" -v d="$1/sora" 'BEGIN {
    t = 1764000000
    for (i = 1; i < n; i++) {
      key = sprintf("sora-%032d", i)
      printf "{\"record\":\"intent\",\"time\":%d,\"idempotency_key\":\"%s\",\"command\":\"batch\",\"host\":\"127.0.0.1\",\"prompt\":\"job %d\"}\n", t + i, key, i >d "/jobs.intents.jsonl"
      printf "{\"time\":%d,\"id\":\"video_%08x\",\"command\":\"batch\",\"host\":\"127.0.0.1\",\"model\":\"sora-2\",\"size\":\"1280x720\",\"seconds\":\"4\",\"prompt\":\"job %d of a long batch\",\"idempotency_key\":\"%s\"}\n", t + i, i, i, key >d "/jobs.jsonl"
    }
    printf "{\"time\":%d,\"id\":\"%s\",\"command\":\"create\",\"host\":\"127.0.0.1\",\"prompt\":\"x\"}\n", t + n, id >d "/jobs.jsonl"
  }'
}

# manyids_create N FILE: creates N jobs with curl, all at once; their ids go to FILE.
manyids_create() {
  local i pids=()
  for i in $(seq "$1"); do
    curl -sS -F "prompt=job $i" "$SORA_BASE_URL/videos" >"$tmp/mc.$i" &
    pids+=($!)
  done
  wait "${pids[@]}" # not a bare wait: the mocks run in the background too
  for i in $(seq "$1"); do grep -o '"id": *"video_[0-9a-f]*"' "$tmp/mc.$i" | head -n1 | cut -d'"' -f4; done >"$2"
  [[ $(grep -c . "$2") -eq $1 ]] || die "created $(grep -c . "$2") of $1 jobs"
}

# journal_row NAME WHAT BIG SMALL ARGS...: `sora ARGS` with the long journal (XDG_STATE_HOME=BIG)
# against the short one, $runs pairs in alternating order after one warm-up each; one row, its
# target (flat: at most 1.1) and its verdict. Uses $entries, $big_mib and $runs of the caller.
journal_row() {
  local name=$1 what=$2 big=$3 small=$4 i ok
  shift 4
  journal_one() {
    local which=$1 dir=$2
    shift 2
    XDG_STATE_HOME="$dir" timed "$tmp/$name.$which" "$sora" -q "$@" >/dev/null
  }
  journal_one big "$big" "$@" # warm-up: both journals in the page cache
  journal_one small "$small" "$@"
  : >"$tmp/$name.big"
  : >"$tmp/$name.small"
  for i in $(seq "$runs"); do
    if ((i % 2)); then journal_one big "$big" "$@"; journal_one small "$small" "$@"
    else journal_one small "$small" "$@"; journal_one big "$big" "$@"; fi
  done
  row "\`sora $what\`, journal of $entries jobs ($big_mib MiB, and as many intents) vs 10 jobs, $(runs_note "$runs")" \
    "journal in the page cache" "$tmp/$name.big" "$tmp/$name.small" "≤ 1.1"
  target "$what, $entries vs 10 journal entries" "$(two "$last_pm")" 1.1
  rows[-1]=${rows[-1]/≤ 1.1 |/≤ 1.1: $ok |}
  verdicts+=("$what with $entries journal entries vs 10: $(two "$last_pm")× ($ok)")
}

manyids_section() {
  local entries=${MANYIDS_JOURNAL:-240000} runs=${MANYIDS_RUNS:-10} n=${MANYIDS_IDS:-40}
  local lat=${MANYIDS_LATENCY_MS:-50} j=8 i ok ids=() wids=()
  # 1. @last: a long journal against a short one, each as a whole `sora status @last`.
  start_mock manyids-journal --polls 0
  local pid=$last_mock_pid id
  export SORA_BASE_URL="http://127.0.0.1:$port/v1"
  id=$("$sora" -q --no-journal create -p x --wait)
  log "manyids: @last with $entries journal entries vs 10, $runs rounds"
  manyids_journal "$tmp/jbig" "$entries" "$id"
  manyids_journal "$tmp/jsmall" 10 "$id"
  local big_mib
  big_mib=$(mib $(($(file_size "$tmp/jbig/sora/jobs.jsonl") / 1024)))
  journal_row ml "status @last" "$tmp/jbig" "$tmp/jsmall" status @last
  stop_mock "$pid"
  log "manyids: history -n 5 with $entries journal entries vs 10, $runs rounds"
  journal_row mh "history -n 5" "$tmp/jbig" "$tmp/jsmall" history -n 5 # local only, no request

  # 2. n ids at lat ms per request: concurrently vs one at a time, and vs the ideal.
  start_mock manyids --latency-ms "$lat" --polls 3 --poll-after-ms 0
  pid=$last_mock_pid
  export SORA_BASE_URL="http://127.0.0.1:$port/v1"
  log "manyids: status and wait of $n ids, +$lat ms per request"
  manyids_create "$n" "$tmp/ids"
  mapfile -t ids <"$tmp/ids"
  "$sora" -q wait "${ids[@]}" >/dev/null # done: status answers at once
  local k
  for k in st.c st.s wt.c wt.s; do : >"$tmp/mi.$k"; done
  for i in $(seq 3); do
    timed "$tmp/mi.st.c" "$sora" -q status "${ids[@]}" >/dev/null
    timed "$tmp/mi.st.s" "$sora" -q status -j 1 "${ids[@]}" >/dev/null
    manyids_create "$n" "$tmp/wids" # fresh jobs: each needs 3 polls
    mapfile -t wids <"$tmp/wids"
    timed "$tmp/mi.wt.c" "$sora" -q wait "${wids[@]}" >/dev/null
    manyids_create "$n" "$tmp/wids"
    mapfile -t wids <"$tmp/wids"
    timed "$tmp/mi.wt.s" "$sora" -q wait -j 1 "${wids[@]}" >/dev/null
  done
  stop_mock "$pid"
  local table="| case | concurrent (-j $j), median (min–max) | one at a time (-j 1), median (min–max) | concurrent / one at a time | ideal | concurrent / ideal | target |
|---|---:|---:|---:|---:|---:|---|"
  local what polls ma la ha mb lb hb pm pl ph best ca cb ka kb ideal r_ideal
  for what in status wait; do
    polls=1
    [[ $what == wait ]] && polls=3
    k=st
    [[ $what == wait ]] && k=wt
    read -r ma la ha mb lb hb pm pl ph best ca cb ka kb < <(stats "$tmp/mi.$k.c" "$tmp/mi.$k.s")
    ideal=$(awk -v n="$n" -v p="$polls" -v l="$lat" -v j="$j" 'BEGIN {printf "%.6f", int((n + j - 1) / j) * p * l / 1000}')
    r_ideal=$(awk -v a="$ma" -v i="$ideal" 'BEGIN {printf "%.2f", a / i}')
    target "$what of $n ids, concurrent vs one at a time" "$(two "$pm")" 0.6
    table+=$'\n'"| \`sora $what\` $n ids, +$lat ms per request ($polls request(s) each), 3 runs | $(ms "$ma") ms ($(ms "$la")–$(ms "$ha")) | $(ms "$mb") ms ($(ms "$lb")–$(ms "$hb")) | **$(two "$pm")** | $(ms "$ideal") ms | $r_ideal | ≤ 0.6 × one at a time: $ok |"
    verdicts+=("$what of $n ids: $(two "$pm")× one at a time ($ok), $r_ideal× the ideal $(ms "$ideal") ms")
  done
  tables+=("$table")
}
