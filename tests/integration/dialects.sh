#!/usr/bin/env bash
# The real sora against sora-mock --dialect NAME for every dialect: create -> wait -> download
# gives a real MP4, plus one case per tolerance rule a dialect makes observable (the rule number
# is in the case name). See docs/providers.md ("Tolerance rules") and docs/mock-server.md ("Dialects").
# The first part runs each dialect with plain flags; the last runs it with its built-in profile
# (--profile NAME), which shapes the request as that server wants it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMG="$DATA/photo-1280x720.webp" # multipart needs a file whose size matches --size
DIALECTS=(openai litellm vllm-omni sglang new-api openrouter together)

prefix_of() {
  case "$1" in
  openrouter) echo /api/v1 ;;
  together) echo /v2 ;;
  *) echo /v1 ;;
  esac
}

# dialect_mock NAME [args...]: a mock speaking NAME; SORA_BASE_URL gets the dialect's prefix.
dialect_mock() {
  local name="$1"
  shift
  start_mock --dialect "$name" "$@"
  SORA_BASE_URL="$MOCK_URL$(prefix_of "$name")"
  export SORA_BASE_URL
}

# flow NAME ARGS...: `sora create ARGS -o` waits and downloads; the sample clip must arrive.
flow() {
  local name="$1"
  shift
  rm -f "$T/$name.mp4"
  expect_exit 0 -- sora create --prompt "a $name sunrise" "$@" -o "$T/$name.mp4"
  assert_eq "$(single_line)" "$T/$name.mp4" "create -o prints the path"
  assert_mp4 "$T/$name.mp4"
  assert_same "$T/$name.mp4" "$DATA/sample-clip.mp4"
}

# ---------------------------------------------------------------------------------------------
case_ "openai: create -> wait -> download"
dialect_mock openai
flow openai

case_ "openai: rule 30, a 404 for a sora-2 model points at sora profiles"
expect_exit 5 -- sora create --prompt "x" --model sora-2 --base-url "$MOCK_URL/v1/gone"
assert_contains "$ERR" "2026-09-24"
assert_contains "$ERR" "sora profiles"
expect_exit 5 -- sora status video_123 --base-url "$MOCK_URL/v1/gone"
assert_not_contains "$ERR" "sora profiles"
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "litellm: create -> wait -> download (rules 12, 13: base64 ids, 'processing')"
dialect_mock litellm --api-key "$TEST_KEY"
flow litellm
expect_exit 0 -- sora create --prompt "a litellm lake"
id="$(single_line)"
[[ "$id" == video_* && "$id" == */* && "$id" == *+* && "$id" == *= ]] ||
  fail "litellm id '$id' is not video_ + standard base64 with / + ="
expect_exit 0 -- sora status "$id"
assert_contains "$OUT" "processing" # the server's own word is shown (rule 13)
expect_exit 0 -- sora wait "$id"
assert_contains "$OUT" "completed"

case_ "litellm: rule 23, a .part is started over when the server ignores Range"
printf 'not the clip, stale bytes' >"$T/resumed.mp4.part"
clear_requests
expect_exit 0 -- sora download "$id" -o "$T/resumed.mp4"
assert_same "$T/resumed.mp4" "$DATA/sample-clip.mp4"
assert_no_file "$T/resumed.mp4.part"
assert_req "len(reqs('GET', r'/content$')) == 1 and reqs('GET', r'/content$')[0]['status'] == 200" \
  "one /content request answered 200 (whole file)"

case_ "litellm: rule 22, an MP4 sent for a thumbnail is refused"
expect_exit 9 -- sora download "$id" --variant thumbnail -o "$T/thumb.webp"
assert_contains "$ERR" "MP4"
assert_no_file "$T/thumb.webp"
assert_no_file "$T/thumb.webp.part"
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "vllm-omni: create (multipart, no model) -> wait -> download"
dialect_mock vllm-omni
flow vllm-omni --image "$IMG" --size 1280x720
assert_req "all(param(r, 'model') is None for r in reqs('POST', r'/videos$'))" "no model sent"

case_ "vllm-omni: rule 17, a FastAPI error body is read (JSON create is a 422)"
expect_exit 3 -- sora create --prompt "text only is JSON"
assert_contains "$ERR" "Field required"

case_ "vllm-omni: rule 10, a model other than the served one is rejected"
expect_exit 3 -- sora create --prompt "x" --model sora-2 --image "$IMG" --size 1280x720
assert_contains "$ERR" "Model mismatch"

case_ "vllm-omni: rule 16, a failed job answered with HTTP 500 is a job failure"
clear_requests
expect_exit 6 -- sora create --prompt "mock:fail please" --image "$IMG" --size 1280x720 --wait
assert_contains "$ERR" "failed"
assert_req "any(r['status'] == 500 for r in reqs('GET', r'/videos/video_gen_[0-9a-f]+$'))" \
  "the failed job was answered with HTTP 500"

case_ "vllm-omni: rule 21, /content before completion says the job is not finished"
expect_exit 0 -- sora create --prompt "mock:never ends" --image "$IMG" --size 1280x720
running="$(single_line)"
expect_exit 5 -- sora download "$running" -o "$T/early.mp4"
assert_contains "$ERR" "not finished yet"
assert_no_file "$T/early.mp4"

case_ "vllm-omni: rule 27, deleting a running job retries the 409 'Cancellation in progress'"
clear_requests
expect_exit 0 -- sora delete "$running"
assert_req "[r['status'] for r in reqs('DELETE')] == [409, 200]" "409 then 200"

case_ "vllm-omni: rule 25, remix is not supported by this server (exit 10)"
expect_exit 0 -- sora create --prompt "a source" --image "$IMG" --size 1280x720 --wait
src="$(head -n 1 "$OUT" | cut -d' ' -f1)"
expect_exit 10 -- sora remix "$src" --prompt "more snow"
assert_contains "$ERR" "does not support remix"
assert_contains "$ERR" "$SORA_BASE_URL"

case_ "vllm-omni: rule 25, extend and edit are not supported either (exit 10)"
expect_exit 10 -- sora extend "$src" --prompt "and then it rains" --seconds 4
assert_contains "$ERR" "does not support extend"
expect_exit 10 -- sora edit "$src" --prompt "make it night"
assert_contains "$ERR" "does not support edit"
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "sglang: create (JSON, and multipart with a file) -> wait -> download"
dialect_mock sglang
flow sglang
flow sglang --image "$IMG" --size 1280x720

case_ "sglang: rule 13, a job that never says in_progress still finishes"
expect_exit 0 -- sora create --prompt "a quick one"
sid="$(single_line)"
expect_exit 0 -- sora status "$sid"
assert_contains "$OUT" "queued"
expect_exit 0 -- sora wait "$sid"
assert_contains "$OUT" "completed"

case_ "sglang: rule 26, a {data, object} list without has_more is one page"
clear_requests
expect_exit 0 -- sora list --all
assert_contains "$OUT" "$sid"
assert_req "len(reqs('GET', r'/videos$')) == 1" "one list request"

case_ "sglang: rule 27, delete answered with the video object, status 'deleted'"
expect_exit 0 -- sora delete "$sid"
expect_exit 5 -- sora status "$sid"

case_ "sglang: rule 25, remix is not supported (exit 10)"
expect_exit 0 -- sora create --prompt "a source" --wait
src="$(head -n 1 "$OUT" | cut -d' ' -f1)"
expect_exit 10 -- sora remix "$src" --prompt "more snow"
assert_contains "$ERR" "does not support remix"
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "new-api: create -> wait -> download (task_ ids, created_at in ms)"
dialect_mock new-api --api-key "$TEST_KEY"
flow new-api --model sora-2
flow new-api --model sora-2 --image "$IMG" --size 1280x720

case_ "new-api: rule 17, the {code, message, data} error body is read"
expect_exit 3 -- sora create --prompt "no model"
assert_contains "$ERR" "Missing required parameter: 'model'"

case_ "new-api: rule 21, /content answers 400 before completion"
expect_exit 0 -- sora create --prompt "mock:never ends" --model sora-2
task="$(single_line)"
[[ "$task" == task_* ]] || fail "new-api id '$task' does not start with task_"
expect_exit 3 -- sora download "$task" -o "$T/early.mp4"
assert_contains "$ERR" "not finished yet"

case_ "new-api: rule 25, list and delete are not supported (exit 10)"
expect_exit 10 -- sora list
assert_contains "$ERR" "does not support list"
expect_exit 10 -- sora delete "$task"
assert_contains "$ERR" "does not support delete"

case_ "new-api: remix is supported"
expect_exit 0 -- sora create --prompt "a source" --model sora-2 --wait
src="$(head -n 1 "$OUT" | cut -d' ' -f1)"
expect_exit 0 -- sora remix "$src" --prompt "more snow"
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "openrouter: create (JSON, 202, pending) -> wait -> download via unsigned_urls"
dialect_mock openrouter --api-key "$TEST_KEY"
clear_requests
flow openrouter --model sora-2
assert_req "reqs('POST', r'/api/v1/videos$')[0]['status'] == 202" "rule 11: create answered 202"
assert_req "all(r['path'].startswith('/api/v1/') for r in api)" "rule 1: everything under /api/v1"
case_ "openrouter: rules 20 and 4, /content missing -> unsigned_urls[0], same origin, with the key"
assert_req "any(r['status'] == 404 for r in reqs('GET', r'/content$'))" "first /content is 404"
assert_req "any(query(r).get('index') == '0' and r['status'] == 200 and r['authorized'] for r in reqs('GET', r'/content$'))" \
  "the unsigned URL was fetched with credentials"

case_ "openrouter: rule 25, list, delete and remix are not supported (exit 10)"
expect_exit 0 -- sora create --prompt "a source" --model sora-2 --wait
src="$(head -n 1 "$OUT" | cut -d' ' -f1)"
expect_exit 10 -- sora remix "$src" --prompt "x"
expect_exit 10 -- sora delete "$src"
expect_exit 10 -- sora list
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "together: create (JSON, in_progress at once) -> wait -> download from storage"
dialect_mock together --api-key "$TEST_KEY"
clear_requests
flow together --model sora-2
assert_req "all(r['path'].startswith('/v2/') or r['path'].startswith('/storage/') for r in api)" \
  "rule 1: API requests under /v2"

case_ "together: rule 4, the storage origin saw no credentials"
assert_req "len(reqs('GET', r'^/storage/')) == 1" "one storage download"
assert_req "all(not r['authorized'] and r['status'] == 200 for r in reqs('GET', r'^/storage/'))" \
  "storage must get no Authorization"

case_ "together: rule 24, wait -o downloads the moment the job is done"
expect_exit 0 -- sora create --prompt "a signed url" --model sora-2
tid="$(single_line)"
clear_requests
expect_exit 0 -- sora wait "$tid" -o "$T/waited.mp4"
assert_eq "$(single_line)" "$T/waited.mp4" "wait -o prints the path"
assert_same "$T/waited.mp4" "$DATA/sample-clip.mp4"
assert_req "api[-1]['path'].startswith('/storage/')" "the download is the last request"

case_ "together: rule 25, remix is not supported (exit 10)"
expect_exit 10 -- sora remix "$tid" --prompt "x"
stop_mock

# ---------------------------------------------------------------------------------------------
# Every dialect with its built-in profile (--profile NAME): the request shaped as the server wants.
for name in "${DIALECTS[@]}"; do
  case_ "$name: --profile $name create -> wait -> download"
  dialect_mock "$name"
  model=()
  [[ "$name" == new-api || "$name" == openrouter || "$name" == together ]] && model=(--model sora-2)
  flow "$name" --profile "$name" --base-url "$SORA_BASE_URL" "${model[@]}"
  case "$name" in
  vllm-omni)
    assert_req "reqs('POST', r'/videos$')[-1]['content_type'].startswith('multipart/')" \
      "rule 5: vllm-omni is multipart even without a file"
    assert_req "param(reqs('POST', r'/videos$')[-1], 'model') is None" "rule 10: no model"
    ;;
  sglang)
    flow "$name" --profile "$name" --base-url "$SORA_BASE_URL" --seconds 8
    assert_req "param(reqs('POST', r'/videos$')[-1], 'seconds') == 8" "rule 9: seconds as int"
    ;;
  openrouter)
    flow "$name" --profile "$name" --base-url "$SORA_BASE_URL" "${model[@]}" --seconds 8 \
      --image "$IMG" --size 1280x720
    assert_req "param(reqs('POST', r'/videos$')[-1], 'duration') == 8" "rule 9: duration int"
    assert_req "param(reqs('POST', r'/videos$')[-1], 'frame_images')[0]['type'] == 'image_url'" \
      "rule 6: frame_images[]"
    ;;
  together)
    flow "$name" --profile "$name" --base-url "$SORA_BASE_URL" "${model[@]}" --seconds 8 \
      --image "$IMG" --size 1280x720
    assert_req "param(reqs('POST', r'/videos$')[-1], 'seconds') == '8'" "rule 9: seconds string"
    assert_req "'input_image' in param(reqs('POST', r'/videos$')[-1], 'media')['frame_images'][0]" \
      "rule 6: together media.frame_images[]"
    assert_req "param(reqs('POST', r'/videos$')[-1], 'width') == 1280" "together: width, not size"
    ;;
  esac
  stop_mock
done
