#!/usr/bin/env bash
# `sora create`: images, derived size, -o, models/durations/sizes, prompt sources and limits.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "create from a 720x1280 JPEG with -o"
clear_requests
expect_exit 0 -- sora create --prompt "a cat surfing" --image "$DATA/photo-720x1280.jpg" -o "$T/cat.mp4"
assert_eq "$(single_line)" "$T/cat.mp4" "stdout of create -o"
assert_mp4 "$T/cat.mp4"
assert_same "$T/cat.mp4" "$DATA/sample-clip.mp4"
img_size="$(file_size "$DATA/photo-720x1280.jpg")"
assert_req 'len(reqs("POST", r"/videos$")) == 1' "exactly one create expected"
assert_req '"multipart/form-data" in reqs("POST", r"/videos$")[0]["content_type"]' \
  "create with an image must be multipart"
assert_req "isinstance(param(reqs('POST', r'/videos\$')[0], 'input_reference'), dict) and param(reqs('POST', r'/videos\$')[0], 'input_reference')['size'] == $img_size" \
  "input_reference must be the whole image ($img_size bytes)"
assert_req 'param(reqs("POST", r"/videos$")[0], "input_reference")["content_type"] == "image/jpeg"' \
  "input_reference must be sent as image/jpeg"
assert_req 'param(reqs("POST", r"/videos$")[0], "size") == "720x1280"' \
  "size must be derived from the image (720x1280)"
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt") == "a cat surfing"' "prompt sent as given"
assert_req 'len(reqs("GET", r"/content$")) >= 1 and all(r["status"] in (200, 206) for r in reqs("GET", r"/content$"))' \
  "the video content must have been downloaded"

case_ "create from a 1280x720 PNG derives 1280x720"
clear_requests
id="$(create_id --prompt "a dog" --image "$DATA/photo-1280x720.png")"
[[ "$id" =~ ^[A-Za-z0-9_-]+$ ]] || fail "create printed '$id', not a video id"
png_size="$(file_size "$DATA/photo-1280x720.png")"
assert_req "param(reqs('POST', r'/videos\$')[0], 'input_reference')['size'] == $png_size" "PNG sent whole"
assert_req 'param(reqs("POST", r"/videos$")[0], "input_reference")["content_type"] == "image/png"' "PNG content type"
assert_req 'param(reqs("POST", r"/videos$")[0], "size") == "1280x720"' "size derived from the PNG"
assert_req 'len(reqs("POST")) == 1 and reqs("POST")[0]["status"] < 300' "one successful create"

case_ "create from a WebP with a matching --size"
clear_requests
id="$(create_id --prompt "a bird" --image "$DATA/photo-1280x720.webp" --size 1280x720)"
assert_req 'param(reqs("POST", r"/videos$")[0], "input_reference")["content_type"] == "image/webp"' "WebP content type"
assert_req 'param(reqs("POST", r"/videos$")[0], "size") == "1280x720"' "size 1280x720"

case_ "create without an image, with --wait"
clear_requests
id="$(create_id --prompt "a quiet forest" --wait)"
expect_exit 0 -- sora status "$id"
read -r got word _ <"$OUT"
assert_eq "$got $word" "$id completed" "status after create --wait"

case_ "model, seconds and size are sent"
clear_requests
id="$(create_id --prompt "a city" --model sora-2-pro --seconds 12 --size 1920x1080)"
assert_req 'param(reqs("POST", r"/videos$")[0], "model") == "sora-2-pro"' "model sent"
assert_req 'str(param(reqs("POST", r"/videos$")[0], "seconds")) == "12"' "seconds sent"
assert_req 'param(reqs("POST", r"/videos$")[0], "size") == "1920x1080"' "size sent"

case_ "dated pro model accepts pro sizes; 16 and 20 seconds are accepted"
id="$(create_id --prompt "a city" --model sora-2-pro-2025-10-06 --size 1080x1920 --seconds 16)"
id="$(create_id --prompt "a city" --model sora-2 --size 720x1280 --seconds 20)"
id="$(create_id --prompt "a city" --seconds 4)"
id="$(create_id --prompt "a city" --seconds 8)"

case_ "--prompt-file from a file"
clear_requests
printf 'a prompt from a file' >"$T/prompt.txt"
id="$(create_id --prompt-file "$T/prompt.txt")"
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt") == "a prompt from a file"' "prompt read from the file"

case_ "--prompt-file - reads stdin"
clear_requests
expect_exit 0 -- sora create --prompt-file - <<<"a prompt from stdin"
id="$(single_line)"
assert_req '(param(reqs("POST", r"/videos$")[0], "prompt") or "").strip() == "a prompt from stdin"' \
  "prompt read from stdin"

case_ "a 32000-character prompt is accepted"
clear_requests
python3 -c 'import sys; sys.stdout.write("a" * 32000)' >"$T/p32000.txt"
id="$(create_id --prompt-file "$T/p32000.txt")"
assert_req 'len(param(reqs("POST", r"/videos$")[0], "prompt")) == 32000' "prompt arrives whole"

case_ "prompt length counts characters, not bytes (32000 x 'é')"
clear_requests
python3 -c 'import sys; sys.stdout.buffer.write(("\u00e9" * 32000).encode())' >"$T/p32000u.txt"
id="$(create_id --prompt-file "$T/p32000u.txt")"
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt") == "\u00e9" * 32000' "UTF-8 prompt arrives intact"

case_ "-o with --force overwrites an existing file"
printf 'old' >"$T/existing.mp4"
expect_exit 0 -- sora create --prompt "a river" -o "$T/existing.mp4" --force
assert_same "$T/existing.mp4" "$DATA/sample-clip.mp4"

case_ "the mock's --video is what gets downloaded"
stop_mock
{ cat "$DATA/sample-clip.mp4"; printf 'distinct-tail'; } >"$T/custom.mp4"
start_mock --video "$T/custom.mp4"
expect_exit 0 -- sora create --prompt "a custom clip" -o "$T/custom-out.mp4"
assert_same "$T/custom-out.mp4" "$T/custom.mp4"
