#!/usr/bin/env bash
# create (id only) -> status -> wait -> download (default names, every variant, -o -, --force).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "create prints the id alone"
expect_exit 0 -- sora create --prompt "a red balloon over the sea"
id="$(single_line)"
[[ "$id" =~ ^[A-Za-z0-9_-]+$ ]] || fail "create printed '$id', not a video id"
assert_req 'len(reqs("POST", r"/videos$")) == 1' "one create"

case_ "status of a pending job"
expect_exit 0 -- sora status "$id"
assert_lines "$OUT" 1
read -r got word _ <"$OUT"
assert_eq "$got" "$id" "status line id"
[[ "$word" == queued || "$word" == in_progress ]] || fail "status of a new job is '$word', expected queued or in_progress"

case_ "wait until completed"
expect_exit 0 -- sora wait "$id"
assert_lines "$OUT" 1
read -r got word _ <"$OUT"
assert_eq "$got $word" "$id completed" "wait line"

case_ "status of a completed job"
expect_exit 0 -- sora status "$id"
read -r got word _ <"$OUT"
assert_eq "$got $word" "$id completed" "status line"

mkdir -p "$T/cwd"
cd "$T/cwd"

case_ "download with the default name"
expect_exit 0 -- sora download "$id"
line="$(single_line)"
[[ "$line" == *"$id.mp4" ]] || fail "download printed '$line', expected a path ending in $id.mp4"
assert_file "$T/cwd/$id.mp4"
assert_mp4 "$T/cwd/$id.mp4"
assert_same "$T/cwd/$id.mp4" "$DATA/sample-clip.mp4"

case_ "download --variant video"
rm -f "$T/cwd/$id.mp4"
expect_exit 0 -- sora download "$id" --variant video
assert_same "$T/cwd/$id.mp4" "$DATA/sample-clip.mp4"

case_ "download --variant thumbnail"
clear_requests
expect_exit 0 -- sora download "$id" --variant thumbnail
line="$(single_line)"
[[ "$line" == *"$id.webp" ]] || fail "download printed '$line', expected a path ending in $id.webp"
assert_webp "$T/cwd/$id.webp"
assert_same "$T/cwd/$id.webp" "$DATA/sample-thumbnail.webp"
assert_req 'any(query(r).get("variant") == "thumbnail" for r in reqs("GET", r"/content$"))' \
  "the thumbnail must be requested with variant=thumbnail"

case_ "download --variant spritesheet"
expect_exit 0 -- sora download "$id" --variant spritesheet
line="$(single_line)"
[[ "$line" == *"$id.jpg" ]] || fail "download printed '$line', expected a path ending in $id.jpg"
assert_jpeg "$T/cwd/$id.jpg"
assert_same "$T/cwd/$id.jpg" "$DATA/sample-spritesheet.jpg"

case_ "download -o PATH"
expect_exit 0 -- sora download "$id" -o "$T/named.mp4"
assert_eq "$(single_line)" "$T/named.mp4" "download -o stdout"
assert_same "$T/named.mp4" "$DATA/sample-clip.mp4"

case_ "download -o - writes the bytes to stdout"
expect_exit 0 -- sora download "$id" -o -
assert_same "$OUT" "$DATA/sample-clip.mp4"

case_ "download -o - --variant thumbnail"
expect_exit 0 -- sora download "$id" --variant thumbnail -o -
assert_same "$OUT" "$DATA/sample-thumbnail.webp"

case_ "an existing file is not overwritten without --force"
clear_requests
printf 'keep me' >"$T/cwd/$id.mp4"
expect_exit 2 -- sora download "$id"
assert_empty "$OUT"
assert_nonempty "$ERR"
[[ "$(cat "$T/cwd/$id.mp4")" == "keep me" ]] || fail "the existing $id.mp4 was changed"
printf 'keep me too' >"$T/other.mp4"
expect_exit 2 -- sora download "$id" -o "$T/other.mp4"
[[ "$(cat "$T/other.mp4")" == "keep me too" ]] || fail "the existing other.mp4 was changed"
assert_no_requests

case_ "--force overwrites"
expect_exit 0 -- sora download "$id" --force
assert_same "$T/cwd/$id.mp4" "$DATA/sample-clip.mp4"
expect_exit 0 -- sora download "$id" -o "$T/other.mp4" --force
assert_same "$T/other.mp4" "$DATA/sample-clip.mp4"
