#!/usr/bin/env bash
# Knowing the cost before paying (--dry-run, --max-cost, price files) and extend/edit end to end.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export XDG_STATE_HOME="$T/state"
start_mock
IMG="$DATA/photo-1280x720.png"

case_ "create --dry-run with an image shows the request and the cost, sends nothing"
clear_requests
expect_exit 0 -- sora create --image "$IMG" --prompt "slow dolly in" --seconds 8 --dry-run
assert_contains "$OUT" "POST $MOCK_URL/v1/videos"
assert_contains "$OUT" "Authorization: [redacted]"
assert_contains "$OUT" "Content-Type: multipart/form-data"
assert_contains "$OUT" 'part prompt: "slow dolly in"'
assert_contains "$OUT" 'part seconds: "8"'
assert_contains "$OUT" 'part size: "1280x720"'
assert_contains "$OUT" "part input_reference: file photo-1280x720.png ($(file_size "$IMG") bytes, image/png)"
assert_contains "$OUT" 'Estimated cost: $0.80 (sora-2 at 1280x720: 8 s at $0.10/s)'
assert_contains "$ERR" "Nothing was sent"
assert_not_contains "$OUT" "$TEST_KEY"
assert_not_contains "$ERR" "$TEST_KEY"
assert_no_requests

case_ "create --dry-run on a JSON-only profile shows the image as an embedded data: URL, not its bytes"
clear_requests
expect_exit 0 -- sora --profile openrouter --base-url "$MOCK_URL/v1" create --image "$IMG" \
  --prompt "slow dolly in" --model sora-2 --seconds 8 --dry-run
assert_contains "$OUT" "Content-Type: application/json"
assert_contains "$OUT" '"duration":8'
assert_contains "$OUT" '"frame_images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,<base64 of '
assert_contains "$OUT" "$(file_size "$IMG") bytes, image/png>"
assert_no_requests

case_ "create --dry-run --json prints the plan and the estimate as one document"
expect_exit 0 -- sora create --image "$IMG" --prompt "slow dolly in" --model sora-2-pro --dry-run --json
assert_json_doc "$OUT"
assert_eq "$(jpy "$OUT" 'd["request"]["method"] + " " + d["request"]["url"]')" "POST $MOCK_URL/v1/videos" "method and url"
assert_eq "$(jpy "$OUT" '[f for f in d["request"]["fields"] if f["name"] == "input_reference"][0]["size"]')" "$(file_size "$IMG")" "file size"
assert_eq "$(jpy "$OUT" '[f for f in d["request"]["fields"] if f["name"] == "input_reference"][0]["content_type"]')" "image/png" "file type"
assert_eq "$(jpy "$OUT" 'd["estimate"]["usd"]')" "1.2" "estimate of 4 s of sora-2-pro at 1280x720"
assert_eq "$(jpy "$OUT" '[h["value"] for h in d["request"]["headers"] if h["name"] == "Authorization"][0]')" "[redacted]" "key redacted"
assert_not_contains "$OUT" "$TEST_KEY"
assert_no_requests

case_ "--max-cost refuses an estimate above it with exit 2 and sends nothing"
expect_exit 2 -- sora create --prompt "a long epic" --model sora-2-pro --size 1920x1080 --seconds 20 --max-cost 5
assert_empty "$OUT"
assert_contains "$ERR" '$14.00'
assert_contains "$ERR" 'above --max-cost $5.00'
assert_contains "$ERR" "hint:"
assert_no_requests

case_ "--max-cost refuses an unknown price and says how to add one"
expect_exit 2 -- sora create --prompt "a lake" --model other-model --max-cost 5
assert_contains "$ERR" "unknown"
assert_contains "$ERR" "--prices"
assert_no_requests

case_ "--max-cost must be a positive amount"
expect_exit 2 -- sora create --prompt "a lake" --max-cost 0
expect_exit 2 -- sora create --prompt "a lake" --max-cost lots
assert_no_requests

case_ "the config file's [prices] tables override the built-in prices; --prices wins over them"
mkdir -p "$T/xdg/sora"
printf '[prices."sora-2"]\n"720x1280" = 0.25\n[prices.wan-2]\n"*" = 0.05\n' >"$T/xdg/sora/config.toml"
XDG_CONFIG_HOME="$T/xdg" expect_exit 0 -- sora create --prompt "a lake" --seconds 8 --dry-run
assert_contains "$OUT" 'Estimated cost: $2.00 (sora-2 at 720x1280: 8 s at $0.25/s)'
XDG_CONFIG_HOME="$T/xdg" expect_exit 2 -- sora create --prompt "a lake" --model wan-2 --seconds 8 --max-cost 0.3
assert_contains "$ERR" '$0.40'
printf '{"prices": {"sora-2": {"720x1280": 0.5}}}\n' >"$T/over.json"
XDG_CONFIG_HOME="$T/xdg" expect_exit 0 -- sora create --prompt "a lake" --seconds 4 --dry-run --prices "$T/over.json"
assert_contains "$OUT" 'Estimated cost: $2.00 (sora-2 at 720x1280: 4 s at $0.50/s)'
printf '[prices."sora-2"]\n"720x1280" = "cheap"\n' >"$T/xdg/sora/config.toml"
XDG_CONFIG_HOME="$T/xdg" expect_exit 2 -- sora create --prompt "a lake" --dry-run
assert_contains "$ERR" "config.toml:2"
assert_no_requests

case_ "a price file (SORA_PRICES, --prices) prices other models and overrides built-in prices"
printf '{"prices": {"other-model": {"*": 0.05}, "sora-2": {"720x1280": 0.2}}}\n' >"$T/prices.json"
SORA_PRICES="$T/prices.json" expect_exit 0 -- sora create --prompt "a lake" --model other-model --seconds 8 --dry-run
assert_contains "$OUT" 'Estimated cost: $0.40 (other-model at 720x1280: 8 s at $0.05/s)'
expect_exit 0 -- sora create --prompt "a lake" --dry-run --prices "$T/prices.json"
assert_contains "$OUT" 'Estimated cost: $0.80 (sora-2 at 720x1280: 4 s at $0.20/s)'
printf '{"prices": {"sora-2": {"720x1280": "cheap"}}}\n' >"$T/bad-prices.json"
expect_exit 2 -- sora create --prompt "a lake" --dry-run --prices "$T/bad-prices.json"
assert_contains "$ERR" "bad-prices.json"
assert_no_requests

case_ "--max-cost under the limit lets the create through"
expect_exit 0 -- sora create --prompt "a cheap lake" --max-cost 0.5
assert_req "len(reqs('POST', r'/videos\$')) == 1" "one create sent"

case_ "source video for extend and edit"
src="$(create_id --prompt "a paper boat" --seconds 8 --wait)"

case_ "extend --dry-run prices the new segment at the source's settings, from the journal"
clear_requests
expect_exit 0 -- sora extend @last --prompt "it sails into fog" --seconds 4 --dry-run
assert_contains "$OUT" "POST $MOCK_URL/v1/videos/extensions"
assert_contains "$OUT" "{\"video\":{\"id\":\"$src\"},\"prompt\":\"it sails into fog\",\"seconds\":\"4\"}"
assert_contains "$OUT" 'Estimated cost: $0.40 (sora-2 at 720x1280: 4 s at $0.10/s)'
assert_no_requests

case_ "extend -o gives the stitched video"
expect_exit 0 -- sora extend "$src" --prompt "it sails into fog" --seconds 4 -o "$T/longer.mp4"
assert_eq "$(single_line)" "$T/longer.mp4" "extend -o stdout"
assert_mp4 "$T/longer.mp4"
assert_req "len(reqs('POST', r'/videos/extensions\$')) == 1" "one extension request"
assert_req "reqs('POST', r'/videos/extensions\$')[0]['json'] == {'video': {'id': '$src'}, 'prompt': 'it sails into fog', 'seconds': '4'}" "extension body"
expect_exit 0 -- sora history --json
assert_contains "$OUT" '"command":"extend"'
ext="$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if json.loads(l).get("command") == "extend"][-1]["id"])' "$XDG_STATE_HOME/sora/jobs.jsonl")"
expect_exit 0 -- sora status "$ext" --json
assert_eq "$(jpy "$OUT" 'd["seconds"]')" "12" "seconds of the extended video (8 + 4)"

case_ "extend checks --seconds before sending"
clear_requests
expect_exit 2 -- sora extend "$src" --prompt "more" --seconds 5
assert_contains "$ERR" "4, 8, 12, 16 or 20"
assert_no_requests

case_ "extend of an unknown video"
expect_exit 5 -- sora extend video_does_not_exist --prompt "more" --seconds 4
assert_empty "$OUT"

case_ "edit --wait, then edit --dry-run --max-cost"
clear_requests
expect_exit 0 -- sora edit "$src" --prompt "make it night" --wait
edited="$(single_line)"
[[ "$edited" != "$src" ]] || fail "edit returned the source id"
assert_req "reqs('POST', r'/videos/edits\$')[0]['json'] == {'video': {'id': '$src'}, 'prompt': 'make it night'}" "edit body"
clear_requests
expect_exit 2 -- sora edit "$src" --prompt "make it snow" --dry-run --max-cost 0.5
assert_contains "$OUT" "POST $MOCK_URL/v1/videos/edits"
assert_contains "$OUT" 'Estimated cost: $0.80 (sora-2 at 720x1280: 8 s at $0.10/s)'
assert_contains "$ERR" 'above --max-cost $0.50'
assert_no_requests

case_ "remix of a video sora did not journal: --dry-run says unknown, --max-cost asks the server"
other="$(sora --no-journal create --prompt "an untracked boat" --wait)"
clear_requests
expect_exit 0 -- sora remix "$other" --prompt "at night" --dry-run
assert_contains "$OUT" "Estimated cost: unknown"
assert_contains "$OUT" "not in the local journal"
assert_no_requests
expect_exit 2 -- sora remix "$other" --prompt "at night" --max-cost 0.1
assert_contains "$ERR" '$0.40'
assert_req "len(api) == 1 and api[0]['method'] == 'GET'" "only a free GET of the source was sent"

case_ "batch --dry-run prints each job's estimate and the total"
mkdir -p "$T/m"
cat >"$T/m/jobs.jsonl" <<'JSONL'
{"id":"lake","prompt":"a calm lake"}
{"id":"pro","prompt":"a city","model":"sora-2-pro","size":"1280x720","seconds":"8"}
{"id":"lake-night","prompt":"the lake at night","remix_of":"lake"}
JSONL
clear_requests
expect_exit 0 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/out" --dry-run
assert_lines "$OUT" 3
assert_contains "$ERR" 'Estimated total: $3.20 for 3 jobs'
assert_matches "$OUT" '^pro .*\$2\.40$'
assert_matches "$OUT" '^lake-night .*\$0\.40$'
assert_no_requests
expect_exit 2 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/out" --max-cost 3
assert_contains "$ERR" 'above --max-cost $3.00'
assert_no_requests

case_ "a batch run prints the total first; jobs an earlier run created are not counted again"
printf '{"id":"one","prompt":"a calm lake"}\n' >"$T/m/one.jsonl"
expect_exit 0 -- sora batch "$T/m/one.jsonl" --out-dir "$T/one" --max-cost 1
assert_contains "$ERR" 'Estimated total: $0.40 for 1 job'
assert_req "len(reqs('POST', r'/videos\$')) == 1" "the job was created"
expect_exit 0 -- sora batch "$T/m/one.jsonl" --out-dir "$T/one" --dry-run
assert_contains "$ERR" 'Estimated total: $0.00 for 0 jobs (1 already created, not counted)'

case_ "sora-mock validates extension and edit bodies like the API"
api() { # METHOD PATH BODY
  curl -s --noproxy '*' -m 5 -o "$OUT" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TEST_KEY" \
    -H 'Content-Type: application/json' --data "$3" "$MOCK_URL/v1$2"
}
assert_eq "$(api POST /videos/extensions "{\"video\":{\"id\":\"$src\"},\"seconds\":\"4\"}")" 400 "no prompt"
assert_eq "$(jpy "$OUT" 'd["error"]["param"]')" "prompt" "missing prompt names the param"
assert_eq "$(api POST /videos/edits '{"prompt":"x"}')" 400 "no video"
assert_eq "$(jpy "$OUT" 'd["error"]["param"]')" "video" "missing video names the param"
assert_eq "$(api POST /videos/extensions "{\"video\":{\"id\":\"$src\"},\"prompt\":\"x\",\"seconds\":\"5\"}")" 400 "bad seconds"
assert_eq "$(api POST /videos/edits '{"video":{"id":"video_nope"},"prompt":"x"}')" 404 "unknown source"
pending="$(create_id --prompt "mock:never still going")"
assert_eq "$(api POST /videos/edits "{\"video\":{\"id\":\"$pending\"},\"prompt\":\"x\"}")" 400 "unfinished source"
