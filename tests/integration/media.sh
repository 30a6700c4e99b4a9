#!/usr/bin/env bash
# The mock's rendered videos (sora-mock --render), `sora frames` and `sora inspect`, judged with
# ffprobe and ffmpeg's psnr filter: real H.264 of the requested size and length, exact first and
# last frames, a continued shot that starts on its source's last frame.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  fail "ffmpeg and ffprobe are needed (.ci/install-deps --test)"
fi

probe() { # FILE ENTRIES: one value per line
  ffprobe -v error -select_streams v:0 -show_entries "$2" -of default=nw=1:nk=1 "$1"
}
# psnr A B: the average PSNR of two pictures ("inf" when identical).
psnr() {
  ffmpeg -hide_banner -nostats -i "$1" -i "$2" -lavfi psnr -f null - 2>&1 |
    sed -n 's/.*average:\([^ ]*\).*/\1/p' | tail -n 1
}
# psnr_above A B DB: fails unless PSNR(A, B) > DB.
psnr_above() {
  local value
  value="$(psnr "$1" "$2")"
  python3 -c "import sys; v=float('$value'); sys.exit(0 if v > $3 else 1)" ||
    fail "PSNR of $1 and $2 is $value dB, expected above $3"
}
psnr_below() {
  local value
  value="$(psnr "$1" "$2")"
  python3 -c "import sys; v=float('$value'); sys.exit(0 if v < $3 else 1)" ||
    fail "PSNR of $1 and $2 is $value dB, expected below $3"
}
# nth_frame VIDEO N OUT: frame N (0-based) decoded by ffmpeg, as PNG.
nth_frame() { ffmpeg -v error -i "$1" -vf "select=eq(n\,$2)" -fps_mode passthrough -frames:v 1 -y "$3"; }

start_mock --render
cd "$T"

case_ "the mock renders a real H.264 MP4 of the requested size and length"
expect_exit 0 -- sora create -p "a lighthouse at dawn" --size 1280x720 -s 4 -o one.mp4
assert_eq "$(probe one.mp4 stream=codec_name,width,height,nb_frames | tr '\n' ' ')" "h264 1280 720 96 " \
  "codec, size and frames"
assert_eq "$(ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 one.mp4)" "4.000000" \
  "duration"

case_ "frames --last is the last decoded frame, exactly (the same pixels as ffmpeg's)"
expect_exit 0 -- sora frames one.mp4 --last -o last.png
assert_eq "$(single_line)" "last.png" "printed path"
nth_frame one.mp4 95 ref-95.png
nth_frame one.mp4 94 ref-94.png
assert_eq "$(psnr last.png ref-95.png)" "inf" "last frame identical to ffmpeg's frame 95"
# Test of the test: the frame before it is far from identical, so the check above can fail.
psnr_below last.png ref-94.png 30

case_ "frames --first and --at"
expect_exit 0 -- sora frames one.mp4 --first -o first.png
nth_frame one.mp4 0 ref-0.png
assert_eq "$(psnr first.png ref-0.png)" "inf" "first frame"
expect_exit 0 -- sora frames one.mp4 --at 2 -o at2.png
nth_frame one.mp4 48 ref-48.png
assert_eq "$(psnr at2.png ref-48.png)" "inf" "the frame shown at 2 s is frame 48"
psnr_below first.png last.png 30 # the video changes visibly over time

case_ "a shot seeded with the last frame starts on it (PSNR above 30 dB)"
expect_exit 0 -- sora create -p "the keeper climbs the stairs" --image last.png --size 1280x720 \
  -s 4 -o two.mp4
expect_exit 0 -- sora frames two.mp4 --first -o two-first.png
psnr_above two-first.png last.png 30
expect_exit 0 -- sora create -p "something else entirely" --size 1280x720 -s 4 -o three.mp4
expect_exit 0 -- sora frames three.mp4 --first -o three-first.png
psnr_below three-first.png last.png 30 # a fresh shot does not

case_ "frames: usage and bad input"
expect_exit 2 -- sora frames one.mp4 -o x.png
assert_contains "$ERR" "--first, --last or --at"
expect_exit 2 -- sora frames one.mp4 --first --last -o x.png
expect_exit 2 -- sora frames one.mp4 --at 9 -o x.png
assert_contains "$ERR" "past its end"
expect_exit 2 -- sora frames one.mp4 --first -o last.png
assert_contains "$ERR" "already exists"
expect_exit 0 -- sora frames one.mp4 --first -o last.png --force
echo "not a video" >bogus.mp4
expect_exit 2 -- sora frames bogus.mp4 --first -o x.png
assert_no_file x.png
assert_no_file x.png.part

case_ "inspect: container, codec, size, frame rate, duration, audio, no manifest"
expect_exit 0 -- sora inspect one.mp4 --json
python3 - "$OUT" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
assert info["container"] == "mp4", info
assert info["video"]["codec"] == "h264" and info["video"]["width"] == 1280, info
assert info["video"]["height"] == 720 and info["video"]["frame_rate"] == 24.0, info
assert abs(info["duration"] - 4.0) < 1e-6 and info["audio"] is None, info
assert info["c2pa"] == {"present": False, "claim_generator": None, "title": None}, info
PY
expect_exit 0 -- sora inspect one.mp4
assert_contains "$OUT" "h264"
assert_contains "$OUT" "1280x720, 24.000 fps, 96 frames"
assert_contains "$OUT" "C2PA manifest: none"
ffmpeg -v error -f lavfi -i sine=frequency=440:duration=1 -f lavfi -i color=red:s=64x64:d=1 \
  -c:a aac -c:v libx264 -shortest -y tone.mp4
expect_exit 0 -- sora inspect tone.mp4
assert_contains "$OUT" "audio: aac 44100 Hz, 1 channel"
expect_exit 2 -- sora inspect bogus.mp4
expect_exit 1 -- sora inspect missing.mp4

case_ "a 360x640 render: rows of 1080 bytes, not a multiple of libswscale's vector size"
# The mock converts each frame from 64-byte-aligned rows, so libswscale's SIMD reads stay inside
# its buffer; under valgrind the packed buffer it used before showed an invalid 16-byte read.
stop_mock
start_mock --render --dialect sglang
expect_exit 0 -- sora create --profile sglang --base-url "$MOCK_URL/v1" -p "a narrow harbour" \
  --size 360x640 -s 4 -o narrow.mp4
assert_eq "$(probe narrow.mp4 stream=codec_name,width,height,nb_frames | tr '\n' ' ')" \
  "h264 360 640 96 " "codec, size and frames"
expect_exit 0 -- sora frames narrow.mp4 --first -o narrow-first.png
nth_frame narrow.mp4 0 narrow-ref-0.png
assert_eq "$(psnr narrow-first.png narrow-ref-0.png)" "inf" "first frame"
