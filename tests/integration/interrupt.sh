#!/usr/bin/env bash
# Exit 130: SIGINT while `sora wait` polls a job that never finishes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "setup: a job that never completes"
id="$(create_id --prompt "mock:never ending")"
clear_requests

case_ "SIGINT during sora wait exits 130"
# Job control on: the background job gets its own process group and, unlike a plain `&` in a
# script, does not start with SIGINT ignored.
set -m
"$SORA_BIN" wait "$id" >"$OUT" 2>"$ERR" &
pid=$!
set +m
BG_PIDS+=("$pid")
polled=0
for ((i = 0; i < 200; i++)); do
  kill -0 "$pid" 2>/dev/null || break
  if [[ "$(reqpy "len(reqs('GET', r'/videos/$id\$'))")" -ge 1 ]]; then
    polled=1
    break
  fi
  sleep 0.05
done
if ((polled == 0)); then
  _show stderr "$ERR"
  fail "sora wait did not poll $id within 10 s (or exited early)"
fi
stop_with INT "sora wait"
if [[ "$RC" != 130 ]]; then
  _show stdout "$OUT"
  _show stderr "$ERR"
  fail "sora wait exited $RC after SIGINT, expected 130"
fi
assert_empty "$OUT"

case_ "the interrupted job is left alone"
assert_req 'len(reqs("DELETE")) == 0' "an interrupted wait must not delete the job"
expect_exit 0 -- sora status "$id"
