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

case_ "examples/storyboard.toml: its plan, then its film (sora-mock's sample clip for every shot)"
clear_requests
expect_exit 0 -- sora storyboard "$EXAMPLES/storyboard.toml" -o "$T/lighthouse.mp4" --dry-run
assert_contains "$OUT" "● establish  4 s 1280x720  [missing]"
assert_contains "$OUT" "   └─ closer (last-frame after establish)  8 s 1280x720  [missing]"
assert_contains "$OUT" "● keeper  4 s 1280x720  [missing]"
assert_contains "$OUT" "Estimated total: \$1.60"
assert_no_requests
expect_exit 0 -- sora storyboard "$EXAMPLES/storyboard.toml" -o "$T/lighthouse.mp4"
assert_eq "$(single_line)" "$T/lighthouse.mp4" "printed film"
assert_req "len(reqs('POST', r'/videos\$')) == 3" "three shots created"
assert_req "[param(r, 'input_reference') is not None for r in reqs('POST', r'/videos\$') if param(r, 'seconds') == '8'] == [True]" \
  "the closer shot is seeded with a frame"
assert_eq "$(ffprobe -v error -show_entries chapter_tags=title -of csv=p=0 "$T/lighthouse.mp4" | tr '\n' ' ')" \
  "establish closer keeper " "one chapter per shot"
assert_file "$T/lighthouse.storyboard.json"
[[ -z "$(git -C "$EXAMPLES" status --porcelain -- . 2>/dev/null)" ]] || fail "the example wrote into examples/"
