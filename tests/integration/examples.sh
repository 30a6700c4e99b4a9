#!/usr/bin/env bash
# The examples run as they are documented: the photo-folder Makefile and the batch script.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXAMPLES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples" && pwd)"
export XDG_STATE_HOME="$T/state"
start_mock
mkdir -p "$T/bin" "$T/photos"
ln -s "$SORA_BIN" "$T/bin/sora"
export PATH="$T/bin:$PATH"

case_ "examples/Makefile turns a folder of photos into clips, and only once"
cp "$SORA_TEST_DATA/photo-720x1280.jpg" "$T/photos/portrait.jpg"
cp "$SORA_TEST_DATA/photo-1280x720.png" "$T/photos/wide.png"
printf 'The skyline at dusk, slow pan right\n' >"$T/photos/wide.txt"
expect_exit 0 -- make -s -f "$EXAMPLES/Makefile" PHOTOS="$T/photos" CLIPS="$T/clips" -j2
assert_same "$T/clips/portrait.mp4" "$SORA_TEST_DATA/sample-clip.mp4"
assert_mp4 "$T/clips/wide.mp4"
assert_req "any(r['fields'].get('prompt') == 'The skyline at dusk, slow pan right' for r in reqs('POST', r'/videos$'))" \
  "the sidecar prompt of wide.png was used"
clear_requests
expect_exit 0 -- make -s -f "$EXAMPLES/Makefile" PHOTOS="$T/photos" CLIPS="$T/clips"
assert_no_requests

case_ "examples/batch.sh makes one clip per line"
printf 'A paper boat in a rain gutter\nSlow dolly in\t%s\n' "$SORA_TEST_DATA/photo-720x1280.jpg" >"$T/prompts.txt"
expect_exit 0 -- bash "$EXAMPLES/batch.sh" "$T/prompts.txt" "$T/batch-out"
assert_lines "$OUT" 2
while read -r clip; do assert_mp4 "$clip"; done <"$OUT"
