#!/usr/bin/env bash
# sora-mock --dialect NAME, checked with curl (not with sora): every quirk docs/mock-server.md
# lists for a dialect is asserted here, so the mock cannot silently lose one and leave a
# tolerance rule untested.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMG="$DATA/photo-1280x720.webp"
CODE=""
BODY="$T/body"
HEAD="$T/headers"

# call METHOD URL [curl args...]: the answer's status in CODE, body in $BODY, headers in $HEAD.
call() {
  local method="$1" url="$2"
  shift 2
  CODE="$(curl -s --noproxy '*' -m 10 -X "$method" -D "$HEAD" -o "$BODY" -w '%{http_code}' "$@" "$url")" ||
    fail "curl $method $url failed"
}
auth=(-H "Authorization: Bearer $TEST_KEY")
json=(-H "Content-Type: application/json")
expect_code() { assert_eq "$CODE" "$1" "HTTP status"; }
body_is() { [[ "$(jpy "$BODY" "$1")" == "True" ]] || { _show body "$BODY"; fail "body check failed: $1"; }; }
# poll URL N: GETs the job N times (each GET advances it); the last answer stays in $BODY.
poll() {
  local i
  for ((i = 0; i < $2; i++)); do call GET "$1" "${auth[@]}"; done
}

case_ "rule 29: unknown dialect is a usage error"
expect_exit 2 -- "$SORA_MOCK_BIN" --dialect nope --port 0
assert_contains "$ERR" "valid dialects: openai, litellm, vllm-omni, sglang, new-api, openrouter, together"

# ---------------------------------------------------------------------------------------------
case_ "litellm: base64 ids with / + =, 'processing', variant ignored, no Range"
start_mock --dialect litellm
B="$MOCK_URL/v1"
call POST "$B/videos" "${auth[@]}" "${json[@]}" -d '{"prompt":"x","model":"openai/sora-2","seconds":4}'
expect_code 200
id="$(jpy "$BODY" 'd["id"]')"
[[ "$id" == video_* && "$id" == */* && "$id" == *+* && "$id" == *= ]] || fail "id '$id'"
enc="$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$id")"
call GET "$B/videos/$enc" "${auth[@]}"
body_is 'd["status"] == "processing"'
call GET "$B/videos/$enc" "${auth[@]}"
body_is 'd["status"] == "completed"'
call GET "$B/videos/$enc/content?variant=thumbnail" "${auth[@]}" -H "Range: bytes=10-"
expect_code 200
assert_mp4 "$BODY"
assert_not_contains "$HEAD" "Accept-Ranges"
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "vllm-omni: multipart only, served model, FastAPI errors, failed job with 500, 409 delete"
start_mock --dialect vllm-omni
B="$MOCK_URL/v1"
call POST "$B/videos" "${json[@]}" -d '{"prompt":"x"}'
expect_code 422
body_is 'd["detail"][0]["msg"] == "Field required"'
call POST "$B/videos" -F prompt=x -F model=sora-2
expect_code 400
body_is '"Model mismatch" in d["detail"]'
call POST "$B/videos" -F prompt=x -F "input_reference=@$IMG;type=image/webp"
expect_code 200
body_is 'd["id"].startswith("video_gen_") and d["model"] == "Wan-AI/Wan2.2-T2V-A14B-Diffusers"'
id="$(jpy "$BODY" 'd["id"]')"
call GET "$B/videos/$id/content"
expect_code 404
body_is 'd == {"detail": "Generation is still in-progress"}'
call DELETE "$B/videos/$id"
expect_code 409
body_is 'd == {"detail": "Cancellation in progress"}'
call DELETE "$B/videos/$id"
expect_code 200
body_is 'd["deleted"] is True'
call POST "$B/videos" -F "prompt=mock:fail" -F seconds=4
fid="$(jpy "$BODY" 'd["id"]')"
poll "$B/videos/$fid" 2
expect_code 500
body_is 'd["status"] == "failed" and d["id"] == "'"$fid"'"'
call GET "$B/videos/$fid/content"
expect_code 422
call POST "$B/videos/$fid/remix" "${json[@]}" -d '{"prompt":"x"}'
expect_code 404
body_is 'd == {"detail": "Not Found"}'
call GET "$B/videos"
expect_code 200
body_is '"has_more" in d and "first_id" in d'
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "sglang: never in_progress, sora-2 model, multipart needs a file, odd list and delete"
start_mock --dialect sglang
B="$MOCK_URL/v1"
call POST "$B/videos" -F prompt=x
expect_code 400
body_is '"input_reference" in d["detail"]'
call POST "$B/videos" "${json[@]}" -d '{"prompt":"x","seconds":8,"model":"Wan-AI/Wan2.1"}'
expect_code 200
body_is 'd["model"] == "sora-2" and d["status"] == "queued" and d["seconds"] == "8"'
id="$(jpy "$BODY" 'd["id"]')"
call POST "$B/videos" "${json[@]}" -d '{"prompt":"x","input_reference":{"image_url":"https://e/x.png"}}'
expect_code 422
call GET "$B/videos/$id"
body_is 'd["status"] == "queued" and d["progress"] == 0'
call GET "$B/videos/$id/content"
expect_code 404
body_is 'd == {"detail": "Generation is still in-progress"}'
call GET "$B/videos/$id"
body_is 'd["status"] == "completed" and d["progress"] == 100'
call GET "$B/videos/$id/content?variant=spritesheet"
expect_code 200
assert_mp4 "$BODY"
call GET "$B/videos?limit=1&after=nothing"
expect_code 200
body_is 'sorted(d) == ["data", "object"]'
call POST "$B/videos/$id/remix" "${json[@]}" -d '{"prompt":"x"}'
expect_code 404
call DELETE "$B/videos/$id"
expect_code 200
body_is 'd["id"] == "'"$id"'" and d["status"] == "deleted" and "deleted" not in d'
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "new-api: task_ ids with task_id, created_at in ms, new-api errors, 400 before completion"
start_mock --dialect new-api
B="$MOCK_URL/v1"
call POST "$B/videos" "${json[@]}" -d '{"prompt":"x"}'
expect_code 400
body_is 'd["data"] is None and "model" in d["message"] and "code" in d'
call POST "$B/videos" "${json[@]}" -d '{"prompt":"x","model":"sora-2","duration":10,"size":"1344x768"}'
expect_code 200
body_is 'd["id"].startswith("task_") and d["task_id"] == d["id"] and d["created_at"] > 1e11'
body_is 'd["seconds"] == "10"'
id="$(jpy "$BODY" 'd["id"]')"
call GET "$B/videos/$id/content"
expect_code 400
body_is 'd["data"] is None'
poll "$B/videos/$id" 2
body_is 'd["status"] == "completed" and d["metadata"]["url"].endswith("/content")'
call GET "$B/videos/$id/content?variant=thumbnail" -H "Range: bytes=8-"
expect_code 206
call GET "$B/videos"
expect_code 404
assert_eq "$(cat "$BODY")" "404 page not found" "Gin's 404"
call DELETE "$B/videos/$id"
expect_code 404
call POST "$B/videos/$id/remix" "${json[@]}" -d '{"prompt":"x"}'
expect_code 200
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "openrouter: /api/v1, JSON only, 202 pending with polling_url, duration int, frame_images"
start_mock --dialect openrouter --api-key "$TEST_KEY"
B="$MOCK_URL/api/v1"
call POST "$B/videos" "${auth[@]}" -F prompt=x -F model=m
expect_code 415
body_is 'd["error"]["code"] == 415'
call POST "$B/videos" "${auth[@]}" "${json[@]}" -d '{"prompt":"x","model":"m","seconds":"4"}'
expect_code 400
body_is '"duration" in d["error"]["message"]'
call POST "$B/videos" "${auth[@]}" "${json[@]}" -d '{"prompt":"x","model":"m","duration":"4"}'
expect_code 400
call POST "$B/videos" "${auth[@]}" "${json[@]}" -d '{"prompt":"x","model":"m","input_reference":{"image_url":"https://e/i.png"}}'
expect_code 400
call POST "$B/videos" "${auth[@]}" "${json[@]}" \
  -d '{"prompt":"x","model":"google/veo-3.1","duration":8,"frame_images":[{"type":"image_url","image_url":{"url":"https://e/i.png"},"frame_type":"first_frame"}]}'
expect_code 202
body_is 'd["status"] == "pending" and d["polling_url"] == "/api/v1/videos/" + d["id"]'
id="$(jpy "$BODY" 'd["id"]')"
poll "$B/videos/$id" 2
body_is 'd["status"] == "completed" and d["unsigned_urls"][0].startswith("'"$MOCK_URL"'/api/v1/videos/")'
call GET "$B/videos/$id/content" "${auth[@]}"
expect_code 404
call GET "$B/videos/$id/content?index=0"
expect_code 401
call GET "$B/videos/$id/content?index=0" "${auth[@]}"
expect_code 200
assert_mp4 "$BODY"
for op in "GET $B/videos" "DELETE $B/videos/$id" "POST $B/videos/$id/remix"; do
  read -r method url <<<"$op"
  call "$method" "$url" "${auth[@]}" "${json[@]}" -d '{"prompt":"x"}'
  expect_code 404
done
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "together: /v2, JSON only, in_progress at once, no /content, storage on another origin"
start_mock --dialect together
B="$MOCK_URL/v2"
call POST "$B/videos" -F prompt=x -F model=m
expect_code 415
call POST "$B/videos" "${json[@]}" -d '{"prompt":"x","model":"m","seconds":4}'
expect_code 400
call POST "$B/videos" "${json[@]}" \
  -d '{"prompt":"x","model":"Wan-AI/Wan2.2","seconds":"8","frame_images":[{"input_image":"https://e/i.png","frame":"first"}]}'
expect_code 200
body_is 'd["status"] == "in_progress" and "outputs" not in d'
id="$(jpy "$BODY" 'd["id"]')"
poll "$B/videos/$id" 2
body_is 'd["status"] == "completed"'
url="$(jpy "$BODY" 'd["outputs"]["video_url"]')"
[[ "$url" == http://127.0.0.1:* && "$url" != "$MOCK_URL"* ]] || fail "storage URL '$url' is not another origin"
call GET "$B/videos/$id/content"
expect_code 404
call GET "$url" "${auth[@]}"
expect_code 400
assert_contains "$BODY" "Only one auth mechanism allowed"
call GET "$url" -H "Range: bytes=0-99"
expect_code 206
call GET "$url"
expect_code 200
assert_same "$BODY" "$DATA/sample-clip.mp4"
assert_req "[r['authorized'] for r in reqs('GET', r'^/storage/')] == [True, False, False]" \
  "storage requests are logged with whether credentials came along"
for op in "GET $B/videos" "DELETE $B/videos/$id" "POST $B/videos/$id/remix"; do
  read -r method url <<<"$op"
  call "$method" "$url" "${json[@]}" -d '{"prompt":"x"}'
  expect_code 404
done
stop_mock
