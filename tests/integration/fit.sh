#!/usr/bin/env bash
# `sora create --fit` and `--size auto`, and `fit` in batch manifests: what reaches the server is
# an image of exactly the video size, and the temporary copy never outlives the command.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Fitted copies go to $TMPDIR; after every command it must be empty again.
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
assert_tmp_empty() {
  local left
  left="$(find "$TMPDIR" -mindepth 1 | head -n 5)"
  [[ -z "$left" ]] || fail "temporary files left behind: $left"
}
post() { echo "reqs('POST', r'/videos\$')[$1]"; }

start_mock

case_ "a 1024x768 JPEG with --fit cover --size 720x1280 uploads a 720x1280 JPEG"
clear_requests
expect_exit 0 -- sora create -p "a harbour" --image "$DATA/photo-1024x768.jpg" --fit cover \
  --size 720x1280
assert_req "len(reqs('POST', r'/videos\$')) == 1 and $(post 0)['status'] == 200" "one accepted create"
assert_req "param($(post 0), 'size') == '720x1280'" "size sent"
assert_req "param($(post 0), 'input_reference')['width'] == 720 and param($(post 0), 'input_reference')['height'] == 1280" \
  "the uploaded image must be 720x1280"
assert_req "param($(post 0), 'input_reference')['content_type'] == 'image/jpeg'" "a JPEG stays a JPEG"
assert_req "param($(post 0), 'input_reference')['filename'] == 'photo-1024x768.jpg'" \
  "the upload keeps the original file name"
orig_size="$(file_size "$DATA/photo-1024x768.jpg")"
assert_req "param($(post 0), 'input_reference')['size'] != $orig_size" "the resized image was sent, not the original"
assert_tmp_empty

case_ "--size auto picks 1280x720 for a landscape photo; --fit contain pads"
clear_requests
expect_exit 0 -- sora create -p "a harbour" --image "$DATA/photo-1024x768.jpg" --fit contain \
  --pad-color "#202020" --size auto
assert_req "param($(post 0), 'size') == '1280x720'" "auto size for a 4:3 landscape photo"
assert_req "param($(post 0), 'input_reference')['width'] == 1280 and param($(post 0), 'input_reference')['height'] == 720" \
  "the uploaded image must be 1280x720"
assert_tmp_empty

case_ "--fit without --size picks the size as auto does; a WebP is sent as lossless PNG"
clear_requests
expect_exit 0 -- sora create -p "a fractal" --image "$DATA/photo-1280x720.webp" --fit stretch \
  --size 720x1280
expect_exit 0 -- sora create -p "a tower" --image "$DATA/photo-720x1280.jpg" --fit cover
assert_req "param($(post 0), 'input_reference')['content_type'] == 'image/png' and param($(post 0), 'input_reference')['filename'] == 'photo-1280x720.png'" \
  "WebP fitted to PNG, named after the original"
assert_req "param($(post 0), 'input_reference')['width'] == 720" "stretched to 720 wide"
assert_req "param($(post 1), 'size') == '720x1280' and param($(post 1), 'input_reference')['height'] == 1280" \
  "a portrait photo gets the portrait size"
assert_tmp_empty

case_ "a PNG's image data goes through ISA-L when it can be opened, else libpng: the same upload"
clear_requests
LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/ld-isal" expect_exit 0 -- sora create -p "a fractal" \
  --image "$DATA/photo-1280x720.png" --fit cover --size 720x1280
grep -q "calling init: .*libisal.so.2" "$T"/ld-isal.* || fail "a PNG was fitted without ISA-L"
mkdir -p "$T/no-isal" && : >"$T/no-isal/libisal.so.2" # found first, and not a library
LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/ld-no-isal" expect_exit 0 -- \
  env LD_LIBRARY_PATH="$T/no-isal" "$SORA_BIN" create -p "a fractal" \
  --image "$DATA/photo-1280x720.png" --fit cover --size 720x1280
! grep -q "calling init: .*libisal.so.2" "$T"/ld-no-isal.* || fail "ISA-L was opened anyway"
assert_req "param($(post 0), 'input_reference')['size'] == param($(post 1), 'input_reference')['size']" \
  "the same fitted PNG with and without ISA-L"
assert_tmp_empty

case_ "without --fit nothing changes: a mismatched image is refused, and the hint names --fit"
clear_requests
expect_exit 2 -- sora create -p x --image "$DATA/photo-1024x768.jpg"
assert_contains "$ERR" "--fit cover"
expect_exit 2 -- sora create -p x --image "$DATA/photo-720x1280.jpg" --size 1280x720
assert_contains "$ERR" "--fit cover"
assert_no_requests

case_ "--size auto without --fit: the image's own size, or an error naming --fit"
expect_exit 2 -- sora create -p x --image "$DATA/photo-1024x768.jpg" --size auto
assert_contains "$ERR" "--size auto picks 1280x720"
assert_contains "$ERR" "--fit"
expect_exit 2 -- sora create -p x --size auto
assert_contains "$ERR" "--image"
assert_no_requests
expect_exit 0 -- sora create -p x --image "$DATA/photo-720x1280.jpg" --size auto
assert_req "param($(post 0), 'size') == '720x1280' and param($(post 0), 'input_reference')['size'] == $(file_size "$DATA/photo-720x1280.jpg")" \
  "an image that already has the picked size is sent as it is"

case_ "usage errors exit 2 and send nothing"
clear_requests
expect_exit 2 -- sora create -p x --image "$DATA/photo-1024x768.jpg" --fit squash
expect_exit 2 -- sora create -p x --image "$DATA/photo-1024x768.jpg" --pad-color white
assert_contains "$ERR" "--pad-color needs --fit"
expect_exit 2 -- sora create -p x --image "$DATA/photo-1024x768.jpg" --fit contain --pad-color mauve
assert_contains "$ERR" "#RRGGBB"
expect_exit 2 -- sora create -p x --fit cover
assert_contains "$ERR" "--image"
expect_exit 2 -- sora create -p x --image "$DATA/photo-1024x768.jpg" --fit cover --size 1920x1080
assert_contains "$ERR" "1920x1080"
head -c 20000 "$DATA/photo-1024x768.jpg" >"$T/cut.jpg"
expect_exit 2 -- sora create -p x --image "$T/cut.jpg" --fit cover
assert_contains "$ERR" "truncated"
assert_no_requests
assert_tmp_empty

case_ "a rejected create still removes the fitted copy"
stop_mock
start_mock --fault quota
expect_exit 3 -- sora create -p x --image "$DATA/photo-1024x768.jpg" --fit cover
assert_req "param($(post 0), 'input_reference')['width'] == 1280" "the fitted image was uploaded"
assert_tmp_empty

case_ "SIGINT while the create is in flight: exit 130 and the fitted copy is gone"
stop_mock
start_mock --fault create-delay --delay-ms 20000
set -m
"$SORA_BIN" create -p x --image "$DATA/photo-1024x768.jpg" --fit cover >"$OUT" 2>"$ERR" &
pid=$!
set +m
BG_PIDS+=("$pid")
sent=0
for ((i = 0; i < 200; i++)); do
  kill -0 "$pid" 2>/dev/null || break
  if [[ "$(reqpy "len(reqs('POST', r'/videos\$'))")" -ge 1 ]]; then
    sent=1
    break
  fi
  sleep 0.05
done
((sent == 1)) || fail "the create did not reach the mock within 10 s"
[[ -n "$(find "$TMPDIR" -name 'photo-1024x768.jpg')" ]] ||
  fail "the fitted copy should exist while the create is in flight"
stop_with INT "sora create"
[[ "$RC" == 130 ]] || {
  _show stderr "$ERR"
  fail "sora create exited $RC after SIGINT, expected 130"
}
assert_tmp_empty

case_ "a batch manifest with fit, pad_color and size auto"
stop_mock
start_mock
mkdir -p "$T/jobs"
cp "$DATA/photo-1024x768.jpg" "$DATA/photo-1280x720.png" "$T/jobs/"
cat >"$T/jobs/jobs.jsonl" <<'EOF'
{"id":"wide","prompt":"a harbour","image":"photo-1024x768.jpg","fit":"cover","size":"auto"}
{"id":"tall","prompt":"a fractal","image":"photo-1280x720.png","fit":"contain","pad_color":"white","size":"720x1280"}
EOF
expect_exit 0 -- sora batch "$T/jobs/jobs.jsonl" --dry-run
assert_contains "$OUT" "fit cover  1280x720"
assert_contains "$OUT" "fit contain  720x1280"
assert_no_requests
assert_tmp_empty
expect_exit 0 -- sora batch "$T/jobs/jobs.jsonl" --out-dir "$T/out"
assert_mp4 "$T/out/wide.mp4"
assert_mp4 "$T/out/tall.mp4"
assert_req "sorted((param(r, 'size'), param(r, 'input_reference')['width'], param(r, 'input_reference')['height'], param(r, 'input_reference')['content_type']) for r in reqs('POST', r'/videos\$')) == [('1280x720', 1280, 720, 'image/jpeg'), ('720x1280', 720, 1280, 'image/png')]" \
  "each job uploads its image fitted to its size"
assert_tmp_empty

case_ "a manifest with bad fit keys is refused with line numbers, before anything is sent"
clear_requests
cat >"$T/jobs/bad.jsonl" <<'EOF'
{"prompt":"x","image":"photo-1024x768.jpg","fit":"squash"}
{"prompt":"x","image":"photo-1024x768.jpg","pad_color":"white"}
{"prompt":"x","image":"photo-1024x768.jpg","size":"auto"}
EOF
expect_exit 2 -- sora batch "$T/jobs/bad.jsonl" --out-dir "$T/out2"
assert_contains "$ERR" "line 1: fit: 'squash'"
assert_contains "$ERR" "line 2: pad_color needs fit"
assert_contains "$ERR" "line 3: --size auto picks 1280x720"
assert_no_requests
