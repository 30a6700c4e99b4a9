#!/usr/bin/env bash
# Exit 6 (job failed), 7 (moderation), 8 (timed out waiting), 11 (cancelled on the server), from
# prompt triggers and faults.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The id of the only video a fresh mock holds.
only_video_id() {
  curl -sf --noproxy '*' -m 5 -H "Authorization: Bearer $SORA_API_KEY" -o "$T/videos.json" \
    "$SORA_BASE_URL/videos" || fail "cannot list videos on the mock"
  [[ "$(jpy "$T/videos.json" 'len(d["data"])')" == 1 ]] || fail "expected exactly one video on the mock"
  jpy "$T/videos.json" 'd["data"][0]["id"]'
}

case_ "exit 6: create --wait of a job that fails (mock:fail)"
start_mock
expect_exit 6 -- sora create --prompt "a bridge mock:fail" --wait
assert_empty "$OUT"
id="$(only_video_id)"
assert_contains "$ERR" "$id"

case_ "exit 6: wait for a failed job"
expect_exit 6 -- sora wait "$id"
assert_empty "$OUT"
assert_contains "$ERR" "$id"

case_ "exit 6: create -o of a failed job writes no file"
expect_exit 6 -- sora create --prompt "another mock:fail" -o "$T/failed.mp4"
assert_no_file "$T/failed.mp4"
assert_empty "$OUT"

case_ "exit 11 (rule 13): a job cancelled on the server is terminal, with its own code"
expect_exit 11 -- sora create --prompt "a pier mock:cancel" -o "$T/cancelled.mp4"
assert_no_file "$T/cancelled.mp4"
assert_contains "$ERR" "cancelled"
assert_empty "$OUT"

case_ "exit 6: --fault job-failed"
stop_mock
start_mock --fault job-failed
expect_exit 6 -- sora create --prompt "a bridge" --wait
assert_empty "$OUT"
assert_contains "$ERR" "$(only_video_id)"

case_ "exit 7: moderation (mock:moderation)"
stop_mock
start_mock
expect_exit 7 -- sora create --prompt "a bridge mock:moderation" --wait
assert_empty "$OUT"
id="$(only_video_id)"
assert_contains "$ERR" "$id"
grep -qiE 'moderation|policy' "$ERR" || fail "the message should say the content policy refused it"

case_ "exit 7: wait for a moderated job"
expect_exit 7 -- sora wait "$id"

case_ "exit 7: --fault moderation"
stop_mock
start_mock --fault moderation
expect_exit 7 -- sora create --prompt "a bridge" --wait
assert_empty "$OUT"

case_ "exit 8: create --wait with --wait-timeout 1 on a job that never finishes"
stop_mock
start_mock
timed_expect_exit 8 -- sora create --prompt "a bridge mock:never" --wait --wait-timeout 1
((ELAPSED < 10)) || fail "--wait-timeout 1 took ${ELAPSED}s"
assert_empty "$OUT"
id="$(only_video_id)"
assert_contains "$ERR" "$id"
grep -qE "sora (wait|download)[^\n]*$id" "$ERR" || fail "stderr should say how to resume (sora wait $id)"
assert_req 'len(reqs("DELETE")) == 0' "the job must not be deleted on a wait timeout"
expect_exit 0 -- sora status "$id"
read -r got word _ <"$OUT"
assert_eq "$got" "$id" "status line id"
[[ "$word" == queued || "$word" == in_progress ]] || fail "the timed-out job should still be pending, is '$word'"

case_ "exit 8: sora wait --wait-timeout 1"
timed_expect_exit 8 -- sora wait "$id" --wait-timeout 1
((ELAPSED < 10)) || fail "--wait-timeout 1 took ${ELAPSED}s"
assert_empty "$OUT"
assert_contains "$ERR" "$id"

case_ "exit 8: -o with --wait-timeout 1 writes no file"
timed_expect_exit 8 -- sora create --prompt "mock:never again" -o "$T/never.mp4" --wait-timeout 1
assert_no_file "$T/never.mp4"

case_ "exit 8: --fault never-complete"
stop_mock
start_mock --fault never-complete
timed_expect_exit 8 -- sora create --prompt "a bridge" --wait --wait-timeout 1
((ELAPSED < 10)) || fail "--wait-timeout 1 took ${ELAPSED}s"
assert_contains "$ERR" "$(only_video_id)"
