#!/usr/bin/env bash
# Exit 3 (the API rejected the request), 4 (credentials), 5 (not found), with the API's words.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "exit 3: an unknown model passes the client, the API rejects it"
clear_requests
expect_exit 3 -- sora create --prompt "a fox" --model my-own-model --seconds 10
assert_empty "$OUT"
assert_req 'len(reqs("POST", r"/videos$")) == 1 and reqs("POST", r"/videos$")[0]["status"] == 400' \
  "the create must have reached the mock and been answered 400"
assert_req 'param(reqs("POST", r"/videos$")[0], "model") == "my-own-model" and str(param(reqs("POST", r"/videos$")[0], "seconds")) == "10"' \
  "model and seconds of an unknown model pass through unchanged"
assert_matches "$ERR" 'req_[A-Za-z0-9]'
cp "$ERR" "$T/err.create"
# The same request straight to the mock gives the API's own message, which sora must show.
curl -s --noproxy '*' -m 5 -D "$T/hdr" -o "$T/api-error.json" -X POST \
  -H "Authorization: Bearer $SORA_API_KEY" -H "Content-Type: application/json" \
  -d '{"prompt":"a fox","model":"my-own-model","seconds":"10"}' "$SORA_BASE_URL/videos"
api_message="$(jpy "$T/api-error.json" 'd["error"]["message"]')"
[[ -n "$api_message" ]] || fail "the mock gave no error message"
assert_contains "$T/err.create" "$api_message"

case_ "exit 3: quota exhausted (429 insufficient_quota) is not retried"
stop_mock
start_mock --fault quota
expect_exit 3 -- sora create --prompt "a fox"
assert_empty "$OUT"
assert_matches "$ERR" 'req_[A-Za-z0-9]'
assert_req 'len(reqs("POST", r"/videos$")) == 1' "a quota error must not be retried"

stop_mock
start_mock --api-key "$TEST_KEY"

case_ "exit 4: a wrong API key"
clear_requests
expect_exit 4 -- env SORA_API_KEY=sk-wrong-key "$SORA_BIN" list
assert_empty "$OUT"
assert_nonempty "$ERR"
assert_matches "$ERR" 'req_[A-Za-z0-9]'
assert_req 'len(api) >= 1 and all(r["status"] == 401 and r["authorized"] is False for r in api)' \
  "the request must have been refused with 401"
assert_req 'len(api) == 1' "a 401 must not be retried"

case_ "exit 4: a wrong key on create"
expect_exit 4 -- env SORA_API_KEY=sk-wrong-key "$SORA_BIN" create --prompt "a fox"
assert_empty "$OUT"

case_ "exit 4: no API key at all"
expect_exit 4 -- env -u SORA_API_KEY -u OPENAI_API_KEY "$SORA_BIN" list
assert_empty "$OUT"
assert_nonempty "$ERR"
grep -qE 'SORA_API_KEY|OPENAI_API_KEY|--api-key-file' "$ERR" ||
  fail "the missing-key message should say where a key can come from"

case_ "exit 4: the server refuses every key (--fault unauthorized)"
stop_mock
start_mock --fault unauthorized
expect_exit 4 -- sora status video_123
assert_empty "$OUT"
assert_matches "$ERR" 'req_[A-Za-z0-9]'

stop_mock
start_mock

case_ "exit 5: status of an unknown id"
expect_exit 5 -- sora status video_does_not_exist
assert_empty "$OUT"
assert_contains "$ERR" "video_does_not_exist"
assert_matches "$ERR" 'req_[A-Za-z0-9]'
assert_req 'len(reqs("GET")) == 1' "a 404 must not be retried"

case_ "exit 5: wait for an unknown id"
expect_exit 5 -- sora wait video_does_not_exist
assert_contains "$ERR" "video_does_not_exist"

case_ "exit 5: download of an unknown id creates no file"
mkdir -p "$T/cwd"
expect_exit 5 -- sora download video_does_not_exist -o "$T/cwd/out.mp4"
assert_no_file "$T/cwd/out.mp4"
[[ -z "$(ls -A "$T/cwd")" ]] || fail "download of an unknown id left files: $(ls -A "$T/cwd")"

case_ "exit 5: delete of an unknown id"
expect_exit 5 -- sora delete video_does_not_exist
assert_empty "$OUT"
assert_contains "$ERR" "video_does_not_exist"
