#!/usr/bin/env bash
# The write-ahead journal and the output preflight: a create interrupted (SIGINT) or killed
# (SIGKILL) while in flight is recorded before it is sent, found again by `sora status @last`,
# `sora history` and a rerun, and never created twice; an output that cannot be written stops a
# create before anything is sent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export XDG_STATE_HOME="$T/state"
JOURNAL="$XDG_STATE_HOME/sora/jobs.jsonl"
INTENTS="$XDG_STATE_HOME/sora/jobs.intents.jsonl"

start_mock --fault create-delay --delay-ms 3000

posts() { reqpy "len([r for r in reqs('POST', r'/videos\$') if param(r, 'prompt') == '$1'])"; }

# start_in_flight PROMPT: starts `sora create` in the background (own process group) and returns
# once its POST has reached the mock (the mock holds the answer for 3 s).
start_in_flight() {
  set -m
  "$SORA_BIN" create --prompt "$1" --wait >"$OUT" 2>"$ERR" &
  pid=$!
  set +m
  BG_PIDS+=("$pid")
  for ((i = 0; i < 200; i++)); do
    [[ "$(posts "$1")" == 1 ]] && return 0
    sleep 0.05
  done
  _show stderr "$ERR"
  fail "the create of '$1' did not reach the mock within 10 s"
}

case_ "an output that cannot be written is refused (exit 2) before anything is sent"
clear_requests
mkdir -p "$T/out"
printf 'x' >"$T/a-file"
for bad in "$T/missing/clip.mp4" "$T/out" "$T/a-file/clip.mp4" /proc/sora-clip.mp4; do
  expect_exit 2 -- sora create --prompt "never sent" -o "$bad"
  assert_contains "$ERR" "Nothing was sent"
done
assert_no_requests
assert_no_file "$INTENTS"

case_ "SIGINT while a create is in flight: exit 130, the intent is on disk, nothing is lost"
start_in_flight "a fox in flight"
assert_contains "$INTENTS" "a fox in flight" # written before the POST left
stop_with INT "sora create"
assert_eq "$RC" 130 "exit status after SIGINT"
assert_contains "$ERR" "may have been created"

case_ "sora history shows the unresolved create plainly"
expect_exit 0 -- sora history
assert_contains "$OUT" "may have been created: \"a fox in flight\""
assert_contains "$OUT" "Idempotency-Key sora-"

case_ "sora status @last finds the job in the server's list and records it"
expect_exit 0 -- sora status @last
assert_contains "$OUT" "video_"
assert_contains "$ERR" "Found the job an interrupted create created"
id="$(awk '{print $1}' "$OUT")"
assert_contains "$JOURNAL" "\"id\":\"$id\""
expect_exit 0 -- sora history
assert_not_contains "$OUT" "may have been created"
assert_eq "$(posts 'a fox in flight')" 1 "POSTs of the interrupted create"

case_ "SIGKILL while a create is in flight, then the same command again: found, not paid twice"
start_in_flight "a heron in flight"
stop_with KILL "sora create"
assert_eq "$RC" 137 "exit status after SIGKILL"
expect_exit 0 -- sora create --prompt "a heron in flight"
assert_contains "$ERR" "following it instead of paying for another"
assert_eq "$(posts 'a heron in flight')" 1 "POSTs of the killed create"
found="$(single_line)"
expect_exit 0 -- sora status @last
assert_contains "$OUT" "$found"

case_ "an unreadable journal line is reported, and the next record starts on a fresh line"
printf '{"id":"torn-vid' >>"$JOURNAL"
expect_exit 0 -- sora --no-progress create --prompt "after the tear"
after="$(single_line)"
expect_exit 0 -- sora status @last
assert_contains "$OUT" "$after"
expect_exit 0 -- sora history
assert_contains "$OUT" "$after"
assert_contains "$ERR" "unreadable"

case_ "Ctrl-C while a paid create downloads: the id and the command that finishes it"
start_mock --fault content-slow
set -m
"$SORA_BIN" --no-progress create --prompt "a slow river, static shot" -o "$T/river.mp4" \
  >"$OUT" 2>"$ERR" &
pid=$!
set +m
BG_PIDS+=("$pid")
for ((i = 0; i < 400; i++)); do
  [[ -s "$T/river.mp4.part" ]] && break
  sleep 0.02
done
[[ -s "$T/river.mp4.part" ]] || fail "no .part appeared while downloading"
stop_with INT "sora create"
assert_eq "$RC" 130 "exit status after SIGINT"
river="$(tail -n 1 "$JOURNAL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
assert_contains "$ERR" "resume: sora download $river -o $T/river.mp4"
expect_exit 0 -- sora download "$river" -o "$T/river.mp4"
assert_mp4 "$T/river.mp4"
