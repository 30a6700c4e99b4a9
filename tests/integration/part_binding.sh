#!/usr/bin/env bash
# A .part is bound to the video it holds (issue 12, failure 3): a .part of one video left at a
# path is started over, not resumed, by the download of another; two downloads to one path never
# share a .part.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A second clip: the same size and MP4 header as the sample, different bytes after it, so a
# splice of the two differs from both.
CLIP_A="$SORA_TEST_DATA/sample-clip.mp4"
CLIP_B="$T/other-clip.mp4"
python3 - "$CLIP_A" "$CLIP_B" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for i in range(64, len(data)):
    data[i] ^= 0x5A
open(sys.argv[2], "wb").write(bytes(data))
PY

# start_download ID PATH: a download in the background, stopped once its .part holds data.
start_download() {
  "$SORA_BIN" download "$1" -o "$2" >"$T/bg.out" 2>"$T/bg.err" &
  BG=$!
  BG_PIDS+=("$BG")
  for _ in $(seq 250); do
    [[ -s "$2.part" ]] && return 0
    sleep 0.02
  done
  fail "no .part appeared while downloading $1"
}

case_ "an interrupted download leaves a .part with a record naming its video"
start_mock --fault content-slow
id_a="$(create_id --prompt "the first video")"
expect_exit 0 -- sora wait "$id_a"
start_download "$id_a" "$T/clip.mp4"
kill -INT "$BG"
code=0
wait "$BG" || code=$?
assert_eq "$code" 130 "exit code after SIGINT"
assert_file "$T/clip.mp4.part"
# The record: the .part's extended attribute user.sora.part, or a sidecar where the file system
# has none.
record="$(python3 - "$T/clip.mp4.part" <<'PY'
import os, sys
try:
    print(os.getxattr(sys.argv[1], "user.sora.part").decode())
except OSError:
    print(open(sys.argv[1] + ".json").read())
PY
)"
[[ $record == *"\"video_id\":\"$id_a\""* ]] || fail "the .part's record does not name $id_a: $record"
stop_mock

case_ "the download of another video to that path starts over and saves that video's bytes"
start_mock --video "$CLIP_B"
id_b="$(create_id --prompt "the second video")"
expect_exit 0 -- sora wait "$id_b"
clear_requests
expect_exit 0 -- sora download "$id_b" -o "$T/clip.mp4"
assert_same "$T/clip.mp4" "$CLIP_B"
assert_no_file "$T/clip.mp4.part"
assert_no_file "$T/clip.mp4.part.json"
assert_req "all(r['status'] == 200 for r in reqs('GET', r'/content$'))" \
  "the .part of $id_a must not be resumed with a Range request"
stop_mock

case_ "a second download to a path being written is refused, naming the file"
start_mock --fault content-stall --video "$CLIP_B" # the first transfer stops halfway and hangs
id_c="$(create_id --prompt "a third video")"
expect_exit 0 -- sora wait "$id_c"
start_download "$id_c" "$T/shared.mp4"
expect_exit 9 -- sora download "$id_c" -o "$T/shared.mp4"
assert_contains "$ERR" "$T/shared.mp4.part is being written by another download (process $BG)"
kill -INT "$BG"
code=0
wait "$BG" || code=$?
assert_eq "$code" 130 "exit code of the first download after SIGINT"

case_ "once the first writer is gone, the .part is resumed"
clear_requests
expect_exit 0 -- sora download "$id_c" -o "$T/shared.mp4"
assert_same "$T/shared.mp4" "$CLIP_B"
assert_no_file "$T/shared.mp4.part"
assert_no_file "$T/shared.mp4.part.json"
assert_req "any(r['status'] == 206 for r in reqs('GET', r'/content$'))" "the .part should be resumed"
