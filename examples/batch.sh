#!/usr/bin/env bash
# Make one video per line of a prompts file, robustly: every job's id is on disk the moment it
# exists, transient failures are retried with backoff, and running the script again picks up where
# it stopped (nothing is created twice, finished files are kept, pending jobs are waited for).
#
# Usage: examples/batch.sh PROMPTS [OUT_DIR] [-- CREATE_OPTIONS...]
#   PROMPTS   one prompt per line, or "prompt<TAB>image-path" to start from an image;
#             blank lines and lines starting with # are skipped
#   OUT_DIR   where videos and the job list go (default: batch-out)
#   CREATE_OPTIONS are passed to every `sora create`, e.g. -- --model sora-2 --seconds 8
#
# Files in OUT_DIR: jobs.tsv (line number, video id; appended and synced right after each create),
# ID.mp4 for each finished video, failed.tsv (line number, id, exit code, reason).
# Environment: SORA (the sora binary, default "sora"), BATCH_WAIT_TIMEOUT (seconds per wait,
# default 1800), BATCH_WAIT_ROUNDS (waits before giving up for this run, default 3), BATCH_TRIES
# (attempts on exit 9, default 5), plus sora's own SORA_BASE_URL, SORA_API_KEY...
# Exit status: 0 all videos saved; 1 some failed or are still running (run again to resume);
# 4 credentials rejected; 130 interrupted.
set -uo pipefail

sora=${SORA:-sora}
wait_timeout=${BATCH_WAIT_TIMEOUT:-1800}
wait_rounds=${BATCH_WAIT_ROUNDS:-3}
tries=${BATCH_TRIES:-5}

prompts=${1:?usage: batch.sh PROMPTS [OUT_DIR] [-- CREATE_OPTIONS...]}
shift
out=batch-out
if [[ $# -gt 0 && $1 != -- ]]; then out=$1; shift; fi
[[ ${1:-} == -- ]] && shift
create_opts=("$@")

[[ -r $prompts ]] || { echo "batch: cannot read $prompts" >&2; exit 2; }
mkdir -p "$out" || exit 2
jobs_file=$out/jobs.tsv
failed_file=$out/failed.tsv
touch "$jobs_file"
: >"$failed_file" # this run's failures only; a rerun checks every job again
log() { printf 'batch: %s\n' "$*" >&2; }

# Runs a sora command that is safe to repeat (wait, download); on exit 9 it backs off (10 s, 20 s,
# 40 s... up to 5 minutes) and tries again. Returns sora's exit code.
retry() {
  local attempt=1 delay=10 rc
  while :; do
    "$sora" -q "$@" </dev/null
    rc=$?
    [[ $rc -ne 9 || $attempt -ge $tries ]] && return "$rc"
    log "network or server trouble (exit 9); trying again in ${delay}s: sora $*"
    sleep "$delay"
    attempt=$((attempt + 1))
    delay=$((delay * 2 > 300 ? 300 : delay * 2))
  done
}

not_created=0 stopped_at=
fail() { # line id code reason
  [[ -z $2 ]] && not_created=$((not_created + 1))
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$failed_file"
  log "line $1${2:+ ($2)}: $4"
}

# 1. Create a job for each line not created by an earlier run.
n=0
while IFS= read -r line || [[ -n $line ]]; do
  n=$((n + 1))
  line=${line%$'\r'}
  [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
  if cut -f1 "$jobs_file" | grep -qx "$n"; then continue; fi # created by an earlier run
  prompt=$line image=
  if [[ $line == *$'\t'* ]]; then prompt=${line%%$'\t'*} image=${line#*$'\t'}; fi

  args=(create --prompt-file - "${create_opts[@]}")
  [[ -n $image ]] && args+=(--image "$image")
  # The prompt goes through stdin so any text (even one starting with "-") is taken as is.
  id=$(printf '%s' "$prompt" | "$sora" -q "${args[@]}")
  rc=$?
  if [[ $rc -eq 0 && -n $id ]]; then
    printf '%s\t%s\n' "$n" "$id" >>"$jobs_file"
    sync "$jobs_file" 2>/dev/null || true
    log "line $n: created $id"
    continue
  fi
  case $rc in
    4) log "credentials missing or rejected (exit 4): stopping"; exit 4 ;;
    130) log "interrupted; run the same command again to continue"; exit 130 ;;
    9) # sora resends a create only when it is sure no job was started; a script must not guess.
      fail "$n" "" 9 "create failed (network/server); the job may exist: check 'sora list', then run again"
      log "not creating more jobs this run; waiting for the ones already started"
      stopped_at=$n
      break ;;
    2) fail "$n" "" 2 "invalid input, nothing sent (see the error above)" ;;
    3) fail "$n" "" 3 "rejected by the API (see the error above)" ;;
    7) fail "$n" "" 7 "refused by content policy" ;;
    *) fail "$n" "" "$rc" "create failed with exit $rc" ;;
  esac
done <"$prompts"

# 2. Wait for each job and download it; finished files from earlier runs are kept.
saved=0 pending=0 failed=0
while IFS=$'\t' read -r n id; do
  [[ -n ${id:-} ]] || continue
  file=$out/$id.mp4
  if [[ -f $file ]]; then saved=$((saved + 1)); continue; fi

  rc=8 round=0
  while [[ $rc -eq 8 && $round -lt $wait_rounds ]]; do # 8: still running, wait again
    retry wait "$id" --wait-timeout "$wait_timeout" >/dev/null
    rc=$?
    round=$((round + 1))
  done
  [[ $rc -eq 0 ]] && { retry download "$id" -o "$file" >/dev/null; rc=$?; }
  case $rc in
    0) saved=$((saved + 1)); log "line $n: saved $file"; echo "$file" ;;
    8) pending=$((pending + 1)); log "line $n: $id still running; run again later to resume" ;;
    9) pending=$((pending + 1)); log "line $n: $id unreachable after $tries tries; run again later" ;;
    4) log "credentials rejected (exit 4): stopping"; exit 4 ;;
    130) log "interrupted; run the same command again to resume"; exit 130 ;;
    6) failed=$((failed + 1)); fail "$n" "$id" 6 "the video job failed" ;;
    7) failed=$((failed + 1)); fail "$n" "$id" 7 "refused by content policy" ;;
    5) failed=$((failed + 1)); fail "$n" "$id" 5 "not found (deleted or expired)" ;;
    *) failed=$((failed + 1)); fail "$n" "$id" "$rc" "failed with exit $rc" ;;
  esac
done <"$jobs_file"

[[ -n $stopped_at ]] && log "creating stopped at line $stopped_at; later lines were not tried"
log "saved $saved, still running $pending, failed $failed, not created $not_created" \
  "(details: $failed_file)"
[[ $pending -eq 0 && $failed -eq 0 && $not_created -eq 0 && -z $stopped_at ]]
