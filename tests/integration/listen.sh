#!/usr/bin/env bash
# sora listen: jobs finished by signed webhook deliveries from sora-mock (no polling), failures,
# duplicates, deliveries replayed after a restart, --once reconciling by polling, and Ctrl-C; all
# through the companion sora-listen, which sora execs (and an error when it is missing).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export SORA_WEBHOOK_SECRET="$SECRET"
LISTEN_SEQ=0

# start_listen ARGS...: `sora listen --port 0` in the background; sets LISTEN_PID, LISTEN_URL and
# LISTEN_LOG, and writes the URL to $T/hook.url (the mock's --webhook-url-file).
start_listen() {
  LISTEN_SEQ=$((LISTEN_SEQ + 1))
  local portfile="$T/listen.$LISTEN_SEQ.port" i
  LISTEN_LOG="$T/listen.$LISTEN_SEQ.log"
  "$SORA_BIN" listen --port 0 --port-file "$portfile" --state "$T/listen-state.json" "$@" \
    >"$T/listen.$LISTEN_SEQ.out" 2>"$LISTEN_LOG" &
  LISTEN_PID=$!
  BG_PIDS+=("$LISTEN_PID")
  for ((i = 0; i < 200; i++)); do
    [[ -s "$portfile" ]] && break
    kill -0 "$LISTEN_PID" 2>/dev/null || { _show "listen log" "$LISTEN_LOG"; fail "sora listen died on start"; }
    sleep 0.05
  done
  [[ -s "$portfile" ]] || fail "sora listen did not write its port file"
  LISTEN_URL="http://127.0.0.1:$(tr -d '\n' <"$portfile")/hook"
  echo "$LISTEN_URL" >"$T/hook.url"
}

# wait_listen: waits (at most 20 s) for the background listen to exit; sets RC.
wait_listen() {
  local i
  for ((i = 0; i < 400; i++)); do
    kill -0 "$LISTEN_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$LISTEN_PID" 2>/dev/null && { _show "listen log" "$LISTEN_LOG"; fail "sora listen did not exit within 20 s"; }
  RC=0
  wait "$LISTEN_PID" || RC=$?
}

# deliver ID VIDEO TYPE|MALFORMED [SECRET] [AGE]: posts a Standard Webhooks delivery signed here
# (Python's hmac, not sora's code) to the listener; prints the HTTP status.
deliver() {
  python3 - "$LISTEN_URL" "$1" "$2" "$3" "${4:-$SECRET}" "${5:-0}" <<'PY'
import base64, hashlib, hmac, json, sys, time, urllib.request, urllib.error
url, delivery, video, kind, secret, age = sys.argv[1:7]
key = base64.b64decode(secret[len("whsec_"):])
ts = str(int(time.time()) - int(age))
body = json.dumps({"id": "evt_1", "object": "event", "created_at": int(ts), "type": kind,
                   "data": {"id": video}}).encode()
if kind == "MALFORMED":  # signed, but a video event without data.id
    body = b'{"type":"video.completed","data":{}}'
sig = base64.b64encode(hmac.new(key, f"{delivery}.{ts}.".encode() + body, hashlib.sha256).digest())
req = urllib.request.Request(url, data=body, headers={"webhook-id": delivery,
      "webhook-timestamp": ts, "webhook-signature": "v1," + sig.decode(),
      "content-type": "application/json"})
try:
    print(urllib.request.urlopen(req, timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
}

case_ "usage: no secret, a missing download folder"
start_mock
expect_exit 2 -- env -u SORA_WEBHOOK_SECRET "$SORA_BIN" listen --port 0
assert_contains "$ERR" "SORA_WEBHOOK_SECRET is not set"
expect_exit 2 -- sora listen --port 0 --download-dir "$T/nowhere"
assert_contains "$ERR" "is not a folder"
expect_exit 2 -- env SORA_WEBHOOK_SECRET=whsec_*** "$SORA_BIN" listen --port 0
assert_contains "$ERR" "not base64"
stop_mock

case_ "sora listen runs the companion sora-listen; without it, exit 1 naming it, and help still works"
# A copy of sora with nothing beside it: it looks for ../libexec/sora/sora-listen and sora-listen
# from its own place (/proc/self/exe).
mkdir -p "$T/lone/bin"
cp "$SORA_BIN" "$T/lone/bin/sora"
expect_exit 1 -- "$T/lone/bin/sora" listen --port 0
assert_contains "$ERR" "sora-listen, which serves sora listen, is not installed"
assert_contains "$ERR" "$T/lone/bin/sora-listen"
expect_exit 0 -- "$T/lone/bin/sora" listen --help
assert_contains "$OUT" "--reconcile-every"
expect_exit 2 -- "$T/lone/bin/sora" listen --port 70000

case_ "a delivery finishes the job: downloaded, journaled, --exec run, no polling"
# The job finishes --finish-after-ms after its creation; the one GET is the listener's, after
# the delivery.
start_mock --finish-after-ms 300 --webhook-url-file "$T/hook.url" --webhook-secret "$SECRET"
mkdir -p "$T/videos"
expect_exit 0 -- sora create -p "a lighthouse at dusk"
ID="$(single_line "$OUT")"
start_listen --once "$ID" --reconcile-every 3600 --download-dir "$T/videos" \
  --exec "printf '%s %s %s\n' \"\$SORA_VIDEO_ID\" \"\$SORA_STATUS\" \"\$SORA_FILE\" >>'$T/exec.log'"
wait_listen
[[ "$RC" == 0 ]] || { _show "listen log" "$LISTEN_LOG"; fail "listen --once exited $RC"; }
assert_file "$T/videos/$ID.mp4"
assert_eq "$(file_size "$T/videos/$ID.mp4")" "$(file_size "$DATA/sample-clip.mp4")" "video size"
assert_contains "$T/exec.log" "$ID completed $T/videos/$ID.mp4"
assert_req "len(reqs('GET', r'/videos/$ID\$')) == 1" "one GET of the job (after the delivery), no polling"
assert_contains "$HOME/.local/state/sora/jobs.jsonl" "\"command\":\"listen\""
assert_contains "$LISTEN_LOG" "every --once job has ended"

case_ "the same delivery again after a restart does nothing twice"
start_listen --reconcile-every 3600 --download-dir "$T/videos" \
  --exec "echo again >>'$T/exec.log'"
assert_eq "$(deliver msg_replay_1 "$ID" video.completed)" 200 "first delivery"
assert_eq "$(deliver msg_replay_1 "$ID" video.completed)" 200 "same delivery"
kill -INT "$LISTEN_PID"
wait_listen
assert_eq "$RC" 130 "exit on Ctrl-C"
assert_contains "$LISTEN_LOG" "is already downloaded; nothing done"
assert_contains "$LISTEN_LOG" "delivery msg_replay_1 was handled before; nothing done"
start_listen --reconcile-every 3600 --download-dir "$T/videos" --exec "echo again >>'$T/exec.log'"
assert_eq "$(deliver msg_replay_1 "$ID" video.completed)" 200 "replayed after a restart"
kill -INT "$LISTEN_PID"
wait_listen
assert_contains "$LISTEN_LOG" "delivery msg_replay_1 was handled before; nothing done"
assert_not_contains "$T/exec.log" "again"
assert_lines "$T/exec.log" 1

case_ "refused deliveries: tampered, wrong secret, stale, unsigned, oversized, malformed"
start_listen --reconcile-every 3600 --download-dir "$T/videos" --max-body 4096
assert_eq "$(deliver msg_w "$ID" video.completed "whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')")" 401 "wrong secret"
assert_eq "$(deliver msg_s "$ID" video.completed "$SECRET" 400)" 401 "stale timestamp"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$LISTEN_URL")" 401 "unsigned"
assert_eq "$(deliver msg_m "$ID" MALFORMED)" 400 "malformed payload"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "@$DATA/sample-clip.mp4" "$LISTEN_URL")" 413 "oversized"
kill -INT "$LISTEN_PID"
wait_listen
assert_contains "$LISTEN_LOG" "the signature does not match"
assert_contains "$LISTEN_LOG" "too old"
assert_contains "$LISTEN_LOG" "is not signed"
assert_contains "$LISTEN_LOG" "larger than --max-body"
assert_contains "$LISTEN_LOG" "names no video (data.id)"
stop_mock

case_ "a failed job: --exec sees failed; the duplicate delivery is ignored; --once exits 6"
start_mock --finish-after-ms 200 --webhook-url-file "$T/hook.url" --webhook-secret "$SECRET" \
  --fault webhook-duplicate
rm -f "$T/exec.log"
start_listen --reconcile-every 3600 --download-dir "$T/videos" \
  --exec "echo \"\$SORA_VIDEO_ID \$SORA_STATUS\" >>'$T/exec.log'"
expect_exit 0 -- sora create -p "a storm mock:fail"
FAILED="$(single_line "$OUT")"
for ((i = 0; i < 200; i++)); do
  grep -q "was handled before" "$LISTEN_LOG" && [[ -s "$T/exec.log" ]] && break
  sleep 0.05
done
kill -INT "$LISTEN_PID"
wait_listen
assert_contains "$T/exec.log" "$FAILED failed"
assert_lines "$T/exec.log" 1
assert_contains "$LISTEN_LOG" "was handled before; nothing done"
# The state file remembers the failure: --once ends at once, with the job-failed exit code.
start_listen --once "$FAILED" --reconcile-every 3600
wait_listen
assert_eq "$RC" 6 "listen --once on a failed job"
stop_mock

case_ "--once polls a job no delivery told about"
start_mock
expect_exit 0 -- sora create -p "a quiet field"
QUIET="$(single_line "$OUT")"
start_listen --once "$QUIET" --reconcile-every 1 --download-dir "$T/videos"
wait_listen
[[ "$RC" == 0 ]] || { _show "listen log" "$LISTEN_LOG"; fail "listen --once exited $RC"; }
assert_file "$T/videos/$QUIET.mp4"
assert_contains "$LISTEN_LOG" "no delivery was received for it"
stop_mock

case_ "create --callback-url: OpenRouter's per-job callback, signed its way, downloaded by listen"
start_mock --dialect openrouter --finish-after-ms 200 --webhook-secret or-secret
OR_URL="$MOCK_URL/api/v1"
export SORA_WEBHOOK_SECRET=or-secret
start_listen --profile openrouter --base-url "$OR_URL" --reconcile-every 3600 --download-dir "$T/videos"
expect_exit 0 -- sora --profile openrouter --base-url "$OR_URL" create -m google/veo-3.1 \
  -p "a kite, static shot" --callback-url "$LISTEN_URL"
OR_ID="$(single_line "$OUT")"
assert_req "param(reqs('POST', r'/videos$')[-1], 'callback_url') == '$LISTEN_URL'" "callback_url sent"
for ((i = 0; i < 200; i++)); do
  [[ -f "$T/videos/$OR_ID.mp4" ]] && break
  sleep 0.05
done
kill -INT "$LISTEN_PID"
wait_listen
assert_file "$T/videos/$OR_ID.mp4"
assert_contains "$LISTEN_LOG" "delivery openrouter:$OR_ID-completed"
export SORA_WEBHOOK_SECRET="$SECRET"
stop_mock

case_ "--callback-url and callback_url need a profile that takes them, and https"
start_mock
expect_exit 2 -- sora create -p "a cat" --callback-url https://hooks.example.com/sora
assert_contains "$ERR" "The profile 'openai' takes no per-job callback URL"
expect_exit 2 -- sora --profile openrouter --base-url "$MOCK_URL/api/v1" create -m m -p "a cat" \
  --callback-url http://hooks.example.com/sora
assert_contains "$ERR" "is not an https:// URL"
printf 'prompt,callback_url\n"a cat, static shot",https://hooks.example.com/sora\n' >"$T/manifest.csv"
expect_exit 2 -- sora batch "$T/manifest.csv" --out-dir "$T/batch"
assert_contains "$ERR" "callback_url: the openai profile takes no per-job callback"
# Another profile without per-job callbacks refuses the manifest field too, naming itself.
expect_exit 2 -- sora --profile litellm --base-url "$MOCK_URL/v1" batch "$T/manifest.csv" \
  --out-dir "$T/batch"
assert_contains "$ERR" "line 2: The profile 'litellm' takes no per-job callback URL"
assert_no_requests
stop_mock
