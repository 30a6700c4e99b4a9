#!/usr/bin/env bash
# --json: stdout is JSON and nothing else, for every command: the API's video fields at the top
# level (docs/json.md), the server's own object under "server".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "create --json: one video object"
expect_exit 0 -- sora create --prompt "a windmill" --json
assert_json_doc "$OUT"
id="$(jpy "$OUT" 'd["id"]')"
[[ "$(jpy "$OUT" 'd["object"]')" == "video" ]] || fail "object is not 'video'"
[[ "$(jpy "$OUT" 'd["status"]')" =~ ^(queued|in_progress)$ ]] || fail "a new job should be queued or in_progress"

case_ "status ID --json (global option after the subcommand)"
expect_exit 0 -- sora status "$id" --json
assert_json_doc "$OUT"
[[ "$(jpy "$OUT" 'd["id"]')" == "$id" ]] || fail "status --json id"

case_ "wait --json"
expect_exit 0 -- sora wait "$id" --json
assert_json_doc "$OUT"
[[ "$(jpy "$OUT" 'd["status"]')" == "completed" ]] || fail "wait --json status is not completed"

case_ "--json before the subcommand"
expect_exit 0 -- sora --json status "$id"
assert_json_doc "$OUT"
[[ "$(jpy "$OUT" 'd["status"]')" == "completed" ]] || fail "status is not completed"

case_ "create --wait --json is the final video object: the API's fields at the top, its object under server"
expect_exit 0 -- sora create --prompt "a harbour" --seconds 8 --size 1280x720 --wait --json
assert_json_doc "$OUT"
cp "$OUT" "$T/final.json"
id2="$(jpy "$T/final.json" 'd["id"]')"
mock_get_video "$id2" "$T/api.json"
python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
video = ["id", "object", "created_at", "status", "model", "progress", "seconds", "size",
         "remixed_from_video_id", "completed_at", "expires_at", "prompt", "error"]
top = {k: a.get(k) for k in video if k in b}
api = {k: b[k] for k in video if k in b}
if top != api or a.get("server") != b:
    sys.exit("sora: %s\napi:  %s" % (json.dumps(a, sort_keys=True), json.dumps(b, sort_keys=True)))
' "$T/final.json" "$T/api.json" || fail "create --wait --json differs from the API's video object"
[[ "$(jpy "$T/final.json" 'd["status"]')" == "completed" ]] || fail "final object is not completed"
[[ "$(jpy "$T/final.json" 'd["size"]')" == "1280x720" ]] || fail "size is not 1280x720"
[[ "$(jpy "$T/final.json" 'str(d["seconds"])')" == "8" ]] || fail "seconds is not 8"

case_ "create -o --json prints the video object, not the path"
expect_exit 0 -- sora create --prompt "a meadow" -o "$T/meadow.mp4" --json
assert_json_doc "$OUT"
[[ "$(jpy "$OUT" 'd["status"]')" == "completed" ]] || fail "final object is not completed"
assert_same "$T/meadow.mp4" "$DATA/sample-clip.mp4"

case_ "--json with -vv keeps logs off stdout"
expect_exit 0 -- sora -vv status "$id" --json
assert_json_doc "$OUT"
