#!/usr/bin/env bash
# sora batch and the write-ahead state: a batch interrupted (SIGINT) or killed (SIGKILL) while a
# create is in flight resumes without creating any job twice; the resume hint, pasted as is,
# continues the same run; changed lines warn (--rerun-changed remakes them); a job gets the
# --field values as `sora create` would.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export XDG_STATE_HOME="$T/state"
start_mock --fault create-delay --delay-ms 3000

posts() { reqpy "len([r for r in reqs('POST', r'/videos\$') if param(r, 'prompt') == '$1'])"; }
OUTDIR="$T/out dir" # a space: the resume hint must quote it
STATE="$T/run state.jsonl"
mkdir -p "$OUTDIR"

# start_batch MANIFEST PROMPT: `sora batch` in the background (own process group), returning
# once the create of PROMPT has reached the mock (which holds its answer for 3 s).
start_batch() {
  set -m
  "$SORA_BIN" --no-progress batch "$1" --out-dir "$OUTDIR" --state "$STATE" --shard 1/1 -j 1 \
    >"$OUT" 2>"$ERR" &
  pid=$!
  set +m
  BG_PIDS+=("$pid")
  for ((i = 0; i < 200; i++)); do
    [[ "$(posts "$2")" == 1 ]] && return 0
    sleep 0.05
  done
  _show stderr "$ERR"
  fail "the create of '$2' did not reach the mock within 10 s"
}

case_ "SIGINT while a batch create is in flight: exit 130, the intent is in the state file"
cat >"$T/m.jsonl" <<'JSONL'
{"id": "fox", "prompt": "a batch fox, static shot"}
{"id": "heron", "prompt": "a batch heron, static shot"}
JSONL
start_batch "$T/m.jsonl" "a batch fox, static shot"
stop_with INT "sora batch"
assert_eq "$RC" 130 "exit status after SIGINT"
python3 -c 'import json,sys; j=[l for l in map(json.loads, open(sys.argv[1])) if l.get("label") == "fox"][-1]; assert j["idempotency_key"].startswith("sora-") and j.get("fingerprint") and not j.get("video_id"), j' "$STATE" ||
  fail "the state file should hold fox's intent (key and fingerprint, no id yet)"
assert_contains "$XDG_STATE_HOME/sora/jobs.intents.jsonl" "a batch fox"

case_ "the resume hint keeps every option given"
hint="$(sed -n 's/^  resume: //p' "$ERR" | sed 's/   (finished jobs are skipped)$//')"
[[ -n "$hint" ]] || fail "no resume hint after Ctrl-C"
for want in "--no-progress" "--out-dir '$OUTDIR'" "--state '$STATE'" "--shard 1/1" "--concurrency 1" "$T/m.jsonl"; do
  [[ "$hint" == *"$want"* ]] || fail "the resume hint lacks $want: $hint"
done

case_ "the hint, pasted as is, resumes the same run and creates nothing twice"
RC=0
eval "$hint" >"$OUT" 2>"$ERR" || RC=$?
[[ "$RC" == 0 ]] || { _show stderr "$ERR"; fail "the resumed batch exited $RC"; }
assert_eq "$(posts 'a batch fox, static shot')" 1 "POSTs of fox"
assert_eq "$(posts 'a batch heron, static shot')" 1 "POSTs of heron"
assert_mp4 "$OUTDIR/fox.mp4"
assert_mp4 "$OUTDIR/heron.mp4"

case_ "SIGKILL while a batch create is in flight, then a rerun: found, not created again"
cat >"$T/k.jsonl" <<'JSONL'
{"id": "crane", "prompt": "a batch crane, static shot"}
JSONL
start_batch "$T/k.jsonl" "a batch crane, static shot"
stop_with KILL "sora batch"
assert_eq "$RC" 137 "exit status after SIGKILL"
expect_exit 0 -- sora --no-progress batch "$T/k.jsonl" --out-dir "$OUTDIR" --state "$STATE"
assert_eq "$(posts 'a batch crane, static shot')" 1 "POSTs of crane"
assert_mp4 "$OUTDIR/crane.mp4"

case_ "a finished label whose line changed warns and is kept; --rerun-changed remakes it"
cat >"$T/k.jsonl" <<'JSONL'
{"id": "crane", "prompt": "a batch crane at dusk, static shot"}
JSONL
expect_exit 0 -- sora --no-progress batch "$T/k.jsonl" --out-dir "$OUTDIR" --state "$STATE"
assert_contains "$ERR" "(crane) asks for another prompt or settings"
assert_eq "$(posts 'a batch crane at dusk, static shot')" 0 "POSTs of the changed line"
expect_exit 0 -- sora --no-progress batch "$T/k.jsonl" --out-dir "$OUTDIR" --state "$STATE" \
  --rerun-changed
assert_eq "$(posts 'a batch crane at dusk, static shot')" 1 "POSTs with --rerun-changed"

case_ "a batch job gets the --field values and the prompt lint, as sora create"
start_mock
cat >"$T/f.jsonl" <<'JSONL'
{"id": "seeded", "prompt": "a seeded lake"}
JSONL
expect_exit 0 -- sora --no-progress batch "$T/f.jsonl" --out-dir "$T/f" --field size=1280x720
assert_req "param(reqs('POST', r'/videos$')[0], 'size') == '1280x720'" "the --field value is sent"
assert_contains "$ERR" "(seeded): The prompt does not say what the camera does"
