#!/usr/bin/env bash
# `sora remix` of a completed video: --wait, -o, --json; remix of a pending or unknown video.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "source video"
src="$(create_id --prompt "a paper boat" --wait)"

case_ "remix --wait"
clear_requests
expect_exit 0 -- sora remix "$src" --prompt "make it night" --wait
new="$(single_line)"
[[ "$new" =~ ^[A-Za-z0-9_-]+$ ]] || fail "remix printed '$new', not a video id"
[[ "$new" != "$src" ]] || fail "remix returned the source id"
assert_req "len(reqs('POST', r'/videos/$src/remix\$')) == 1" "one remix request for $src"
assert_req "param(reqs('POST', r'/videos/$src/remix\$')[0], 'prompt') == 'make it night'" "remix prompt sent"
expect_exit 0 -- sora status "$new"
read -r got word _ <"$OUT"
assert_eq "$got $word" "$new completed" "status of the remix"

case_ "remix -o"
expect_exit 0 -- sora remix "$src" --prompt "make it snow" -o "$T/remix.mp4"
assert_eq "$(single_line)" "$T/remix.mp4" "remix -o stdout"
assert_mp4 "$T/remix.mp4"
assert_same "$T/remix.mp4" "$DATA/sample-clip.mp4"

case_ "remix --json --wait"
expect_exit 0 -- sora remix "$src" --prompt "make it rain" --wait --json
assert_json_doc "$OUT"
[[ "$(jpy "$OUT" 'd.get("remixed_from_video_id")')" == "$src" ]] || fail "remixed_from_video_id is not $src"
[[ "$(jpy "$OUT" 'd["status"]')" == "completed" ]] || fail "remix --wait --json status is not completed"

case_ "remix of a pending video is rejected by the API"
pending="$(create_id --prompt "mock:never a pending one")"
expect_exit 3 -- sora remix "$pending" --prompt "too early"
assert_empty "$OUT"
assert_matches "$ERR" 'req_[A-Za-z0-9]'

case_ "remix of an unknown video"
expect_exit 5 -- sora remix video_does_not_exist --prompt "nothing"
assert_empty "$OUT"
assert_contains "$ERR" "video_does_not_exist"
