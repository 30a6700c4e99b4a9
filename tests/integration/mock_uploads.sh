#!/usr/bin/env bash
# sora-mock keeps big uploads out of memory: a multipart file part goes to a temporary file in
# $TMPDIR (removed when the request ends), only its first MiB stays in memory, and the request log
# still records the whole size and the image's pixel size.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
# 300 MiB: over the old in-memory limit (128 MiB). Sparse: zeros after the JPEG's end.
img="$T/big.jpg"
cp "$SORA_TEST_DATA/photo-720x1280.jpg" "$img"
truncate -s 300M "$img"

case_ "a 300 MiB create is accepted and logged with its whole size and pixel size"
start_mock
expect_exit 0 -- sora -q --no-journal create -p "a big upload" --image "$img"
assert_req "[(r['fields']['input_reference']['size'], r['fields']['input_reference']['width'],
  r['fields']['input_reference']['height']) for r in reqs('POST', r'/videos$')]
  == [($(file_size "$img"), 720, 1280)]" "the log should hold the whole size and 720x1280"

case_ "the mock's memory stays small and its temporary file is gone"
hwm_kib="$(awk '/^VmHWM:/ {print $2}' "/proc/$MOCK_PID/status")"
# 128 MiB: flat, far below the 300 MiB a buffering mock holds, with room for sanitizer builds.
[[ $hwm_kib -lt $((128 * 1024)) ]] || fail "sora-mock peak RSS $hwm_kib KiB after a 300 MiB upload (limit 128 MiB)"
left="$(find "$TMPDIR" -mindepth 1 | head -n 3)"
[[ -z $left ]] || fail "temporary files left behind: $left"

case_ "form fields still arrive whole next to the file"
clear_requests
curl -sS --noproxy '*' -o "$T/created.json" -H "Authorization: Bearer $SORA_API_KEY" \
  -F "prompt=$(printf 'p%.0s' $(seq 3000))" -F size=720x1280 \
  -F "input_reference=@$img;type=image/jpeg" "$SORA_BASE_URL/videos"
assert_contains "$T/created.json" '"id":"video_'
assert_req "[len(r['fields']['prompt']) for r in reqs('POST', r'/videos$')] == [3000]" \
  "the 3000-character prompt should be logged whole"
stop_mock
