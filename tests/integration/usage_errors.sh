#!/usr/bin/env bash
# Exit 2: invalid local input is refused before anything is sent (the mock sees no request).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

# usage NAME -- cmd...: expects exit 2, nothing on stdout, a message on stderr, no request sent.
usage() {
  case_ "$1"
  shift
  [[ "$1" == "--" ]] && shift
  expect_exit 2 -- "$@"
  assert_empty "$OUT"
  assert_nonempty "$ERR"
  assert_no_requests
}

mkdir -p "$T/adir"
printf 'just some text, not an image\n' >"$T/notes.txt"
: >"$T/empty.jpg"
head -c 10 "$DATA/photo-720x1280.jpg" >"$T/truncated.jpg"
: >"$T/empty-prompt.txt"

usage "create without a prompt" -- sora create
usage "empty --prompt" -- sora create --prompt ""
usage "empty --prompt-file" -- sora create --prompt-file "$T/empty-prompt.txt"
usage "missing --prompt-file" -- sora create --prompt-file "$T/no-such-prompt.txt"
usage "empty prompt on stdin" -- sora create --prompt-file -

python3 -c 'import sys; sys.stdout.write("a" * 32001)' >"$T/p32001.txt"
usage "prompt of 32001 characters" -- sora create --prompt-file "$T/p32001.txt"
usage "prompt of 32001 characters on the command line" -- sora create --prompt "$(cat "$T/p32001.txt")"
python3 -c 'import sys; sys.stdout.buffer.write(("\u00e9" * 32001).encode())' >"$T/p32001u.txt"
usage "prompt of 32001 two-byte characters" -- sora create --prompt-file "$T/p32001u.txt"

usage "--seconds 10 for sora-2" -- sora create --prompt "x" --seconds 10
assert_contains "$ERR" "10"
usage "--seconds 5 for sora-2-pro" -- sora create --prompt "x" --model sora-2-pro --seconds 5
usage "--seconds not a number" -- sora create --prompt "x" --seconds abc
usage "--size 1920x1080 for sora-2" -- sora create --prompt "x" --size 1920x1080
assert_contains "$ERR" "1920x1080"
usage "--size 1920x1080 for a dated sora-2" -- sora create --prompt "x" --model sora-2-2025-10-06 --size 1920x1080
usage "--size 640x480 for sora-2-pro" -- sora create --prompt "x" --model sora-2-pro --size 640x480
usage "--size not WxH" -- sora create --prompt "x" --size big

usage "--image missing" -- sora create --prompt "x" --image "$T/no-such-image.jpg"
assert_contains "$ERR" "no-such-image.jpg"
usage "--image is a directory" -- sora create --prompt "x" --image "$T/adir"
assert_contains "$ERR" "adir"
if [[ "$(id -u)" == 0 ]]; then
  echo "--- $E2E_NAME :: --image unreadable: SKIPPED (running as root, which can read any file)"
else
  cp "$DATA/photo-720x1280.jpg" "$T/locked.jpg"
  chmod 000 "$T/locked.jpg"
  usage "--image unreadable" -- sora create --prompt "x" --image "$T/locked.jpg"
  assert_contains "$ERR" "locked.jpg"
fi
usage "--image is a text file" -- sora create --prompt "x" --image "$T/notes.txt"
assert_contains "$ERR" "notes.txt"
usage "--image is an MP4" -- sora create --prompt "x" --image "$DATA/sample-clip.mp4"
usage "--image is empty" -- sora create --prompt "x" --image "$T/empty.jpg"
usage "--image is a truncated JPEG" -- sora create --prompt "x" --image "$T/truncated.jpg"

usage "image 720x1280 with --size 1280x720" -- \
  sora create --prompt "x" --image "$DATA/photo-720x1280.jpg" --size 1280x720
assert_contains "$ERR" "720x1280"
assert_contains "$ERR" "1280x720"
usage "PNG 1280x720 with --size 720x1280" -- \
  sora create --prompt "x" --image "$DATA/photo-1280x720.png" --size 720x1280
assert_contains "$ERR" "720x1280"
assert_contains "$ERR" "1280x720"
usage "unsupported image size 1024x768 without --size" -- \
  sora create --prompt "x" --image "$DATA/photo-1024x768.jpg"
assert_contains "$ERR" "1024x768"

printf 'precious' >"$T/existing.mp4"
usage "create -o an existing file without --force" -- sora create --prompt "x" -o "$T/existing.mp4"
[[ "$(cat "$T/existing.mp4")" == "precious" ]] || fail "existing.mp4 was changed"
usage "create --wait -o an existing file without --force" -- \
  sora create --prompt "x" --wait -o "$T/existing.mp4"
[[ "$(cat "$T/existing.mp4")" == "precious" ]] || fail "existing.mp4 was changed"
usage "remix -o an existing file without --force" -- \
  sora remix video_123 --prompt "x" -o "$T/existing.mp4"
[[ "$(cat "$T/existing.mp4")" == "precious" ]] || fail "existing.mp4 was changed"
usage "download -o an existing file without --force" -- sora download video_123 -o "$T/existing.mp4"
[[ "$(cat "$T/existing.mp4")" == "precious" ]] || fail "existing.mp4 was changed"
mkdir -p "$T/cwd"
printf 'precious' >"$T/cwd/video_123.webp"
usage "download to an existing default name without --force" -- \
  bash -c 'cd "$1" && "$2" download video_123 --variant thumbnail' _ "$T/cwd" "$SORA_BIN"
[[ "$(cat "$T/cwd/video_123.webp")" == "precious" ]] || fail "video_123.webp was changed"

usage "download --variant gif" -- sora download video_123 --variant gif
assert_contains "$ERR" "gif"
usage "download without an id" -- sora download
usage "list --order sideways" -- sora list --order sideways
assert_contains "$ERR" "sideways"
usage "list --limit not a number" -- sora list --limit lots
usage "status without an id" -- sora status
usage "wait without an id" -- sora wait
usage "delete without an id" -- sora delete
usage "remix without a prompt" -- sora remix video_123
usage "--max-retries not a number" -- sora status video_123 --max-retries many
usage "--timeout not a number" -- sora status video_123 --timeout soon
usage "--wait-timeout not a number" -- sora wait video_123 --wait-timeout later
