#!/usr/bin/env bash
# Exit 9 (network or server failure after retries), and retries that succeed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case_ "exit 9: nothing listens on the base URL"
port="$(closed_port)"
export SORA_API_KEY="$TEST_KEY"
timed_expect_exit 9 -- sora --base-url "http://127.0.0.1:$port/v1" --max-retries 0 status video_123
((ELAPSED < 10)) || fail "a refused connection took ${ELAPSED}s"
assert_empty "$OUT"
grep -qE "127\.0\.0\.1(:| port )$port" "$ERR" || fail "the message should name the address that refused the connection"
timed_expect_exit 9 -- sora --base-url "http://127.0.0.1:$port/v1" --max-retries 0 create --prompt "x"
assert_empty "$OUT"

case_ "exit 9: status-500 with --max-retries 0 is tried once"
start_mock --fault status-500
id="$(create_id --prompt "a lake")"
clear_requests
expect_exit 9 -- sora status "$id" --max-retries 0
assert_empty "$OUT"
assert_matches "$ERR" '500|[Ss]erver'
assert_req "len(reqs('GET', r'/videos/$id\$')) == 1" "--max-retries 0 means exactly one attempt"

case_ "status-500: --max-retries 2 makes at most 3 attempts"
clear_requests
RC=0
sora status "$id" --max-retries 2 >"$OUT" 2>"$ERR" || RC=$?
[[ "$RC" == 0 || "$RC" == 9 ]] || fail "exit $RC, expected 0 (recovered) or 9 (still failing)"
assert_req "1 <= len(reqs('GET', r'/videos/$id\$')) <= 3" "--max-retries 2 allows at most 3 attempts"
if [[ "$RC" == 9 ]]; then
  assert_req "len(reqs('GET', r'/videos/$id\$')) == 3" "exit 9 after retries means all 3 attempts were made"
fi

case_ "exit 9: status-html-502 with --max-retries 0"
stop_mock
start_mock --fault status-html-502
id="$(create_id --prompt "a lake")"
expect_exit 9 -- sora status "$id" --max-retries 0
assert_empty "$OUT"
assert_nonempty "$ERR"

case_ "a create whose answer is lost (slower than --timeout) is reconciled, never sent twice"
stop_mock
start_mock --fault create-delay --delay-ms 4000
timed_expect_exit 0 -- sora create --prompt "a slow one" --timeout 1 -v
((ELAPSED < 4)) || fail "--timeout 1 took ${ELAPSED}s"
id="$(single_line "$OUT")"
assert_req 'len(reqs("POST", r"/videos$")) == 1' "exactly one create must reach the server"
assert_req 'len(reqs("GET", r"/videos$")) >= 1' "the client must look for the job before resending"
expect_exit 0 -- sora list --json
[[ "$(line_count "$OUT")" == 1 ]] || fail "exactly one job must exist, found $(line_count "$OUT")"
assert_contains "$OUT" "$id"

case_ "create-429 with Retry-After is retried and succeeds"
stop_mock
start_mock --fault create-429
start="$(date +%s%N)"
id="$(create_id --prompt "a busy day")"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
assert_req 'len(reqs("POST", r"/videos$")) == 2' "one 429 then one retry"
assert_req 'reqs("POST", r"/videos$")[0]["status"] == 429 and reqs("POST", r"/videos$")[1]["status"] < 300' \
  "first create 429, second one accepted"
((elapsed_ms >= 900)) || fail "the retry came after ${elapsed_ms} ms, Retry-After asked for 1 s"
expect_exit 0 -- sora status "$id"

case_ "content-drop: a truncated download is never reported as success"
stop_mock
start_mock --fault content-drop
id="$(create_id --prompt "a fragile clip" --wait)"
RC=0
sora download "$id" -o "$T/dropped.mp4" >"$OUT" 2>"$ERR" || RC=$?
if [[ "$RC" == 0 ]]; then
  assert_same "$T/dropped.mp4" "$DATA/sample-clip.mp4"
elif [[ "$RC" == 9 ]]; then
  if [[ -e "$T/dropped.mp4" ]] && ! cmp -s "$T/dropped.mp4" "$DATA/sample-clip.mp4"; then
    fail "a failed download left a truncated file at the output path"
  fi
else
  _show stderr "$ERR"
  fail "download with content-drop exited $RC, expected 0 (resumed) or 9"
fi
