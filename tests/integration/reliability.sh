#!/usr/bin/env bash
# Faults that must never cost a video, a file or a key: interrupted downloads resume, transient
# server errors are retried, and credentials are refused where they could leak.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case_ "Ctrl-C during a download keeps the .part, says how to resume, exits 130"
start_mock --fault content-slow
id="$(create_id --prompt "a slow river")"
expect_exit 0 -- sora wait "$id"
"$SORA_BIN" download "$id" -o "$T/river.mp4" >"$T/dl.out" 2>"$T/dl.err" &
dl=$!
for _ in $(seq 200); do # the .part holds data once the transfer is under way
  [[ -s "$T/river.mp4.part" ]] && break
  sleep 0.02
done
[[ -s "$T/river.mp4.part" ]] || fail "no .part appeared while downloading"
kill -INT "$dl"
code=0
wait "$dl" || code=$?
assert_eq "$code" 130 "exit code after SIGINT"
assert_no_file "$T/river.mp4"
assert_file "$T/river.mp4.part"
assert_contains "$T/dl.err" "sora download $id -o $T/river.mp4"
part_size="$(file_size "$T/river.mp4.part")"

case_ "the next download resumes the .part with a Range request"
clear_requests
expect_exit 0 -- sora download "$id" -o "$T/river.mp4"
assert_same "$T/river.mp4" "$SORA_TEST_DATA/sample-clip.mp4"
assert_no_file "$T/river.mp4.part"
assert_contains "$ERR" "resumed"
assert_req "any(r['status'] == 206 for r in reqs('GET', r'/content$'))" \
  "the resumed download should be a 206 partial response (had $part_size bytes)"

case_ "a 5xx on status is retried and the command succeeds"
stop_mock
start_mock --fault status-500
id="$(create_id --prompt "an unreliable day")"
expect_exit 0 -- sora status "$id"
assert_req "[r['status'] for r in reqs('GET', r'/videos/[^/]+$')] == [500, 200]" \
  "one 500 then one successful retry"

case_ "an HTML 502 from a proxy is retried, then succeeds"
stop_mock
start_mock --fault status-html-502
id="$(create_id --prompt "behind a proxy")"
expect_exit 0 -- sora status "$id"

case_ "the key is never sent over plain http to a non-loopback host (nothing sent)"
expect_exit 2 -- sora --base-url http://192.0.2.1/v1 list
assert_contains "$ERR" "plain http"
assert_not_contains "$ERR" "$SORA_API_KEY"

case_ "a remote server without a key is refused before sending (exit 4)"
expect_exit 4 -- env -u SORA_API_KEY -u OPENAI_API_KEY "$SORA_BIN" --base-url https://api.invalid/v1 list
assert_contains "$ERR" "SORA_API_KEY"

case_ "--insecure says so"
expect_exit 0 -- sora --insecure list
assert_contains "$ERR" "verification is off"

case_ "content past its expires_at is reported as expired, with the time (exit 5)"
stop_mock
start_mock --fault expired
id="$(create_id --prompt "an old clip")"
expect_exit 0 -- sora wait "$id"
expect_exit 5 -- sora download "$id" -o "$T/old.mp4"
assert_contains "$ERR" "expired at"
assert_no_file "$T/old.mp4"
assert_no_file "$T/old.mp4.part"

case_ "a redirect to another origin is followed without the API key"
stop_mock
start_mock --api-key "$SORA_API_KEY" --fault content-redirect
id="$(create_id --prompt "a clip on a CDN")"
expect_exit 0 -- sora wait "$id"
expect_exit 0 -- sora download "$id" -o "$T/cdn.mp4"
assert_same "$T/cdn.mp4" "$SORA_TEST_DATA/sample-clip.mp4"
assert_req "[r['status'] for r in reqs('GET', r'/content$')] == [302]" "the API answered with a redirect"
assert_req "[r['authorized'] for r in log if r['path'].startswith('/_mock/redirected/')] == [False]" \
  "the other origin must get no credentials"

case_ "a local failure to write the result is exit 1"
stop_mock
start_mock
id="$(create_id --prompt "nowhere to put it")"
expect_exit 0 -- sora wait "$id"
code=0
"$SORA_BIN" download "$id" -o - >/dev/full 2>"$T/full.err" || code=$?
assert_eq "$code" 1 "exit code writing to a full disk"
assert_contains "$T/full.err" "stdout"

case_ "a stalled transfer is given up after --stall-timeout and resumed from the .part"
stop_mock
start_mock --fault content-stall
id="$(create_id --prompt "a stalled river")"
expect_exit 0 -- sora wait "$id"
timed_expect_exit 0 -- sora download "$id" -o "$T/stalled.mp4" --stall-timeout 1
((ELAPSED < 10)) || fail "the stalled transfer took ${ELAPSED}s to give up"
assert_same "$T/stalled.mp4" "$SORA_TEST_DATA/sample-clip.mp4"
assert_req "[r['status'] for r in reqs('GET', r'/content$')] == [200, 206]" \
  "the stalled transfer, then a Range request for the rest"
