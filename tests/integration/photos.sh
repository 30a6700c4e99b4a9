#!/usr/bin/env bash
# Photos as they come off a phone: HEIC and AVIF (made here with libheif's own encoder, heif-enc)
# are converted to JPEG before the upload, with or without --fit, and the temporary copy never
# outlives the command. Colour and CMYK are checked pixel by pixel in tests/unit/photo_test.cpp.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v heif-enc >/dev/null || fail "heif-enc is missing: install libheif-examples (.ci/install-deps --test)"
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR" "$T/photos"
assert_tmp_empty() {
  local left
  left="$(find "$TMPDIR" -mindepth 1 | head -n 5)"
  [[ -z "$left" ]] || fail "temporary files left behind: $left"
}
post() { echo "reqs('POST', r'/videos\$')[$1]"; }
heif-enc -q 80 -o "$T/photos/IMG_0042.HEIC" "$DATA/photo-720x1280.jpg" >/dev/null 2>&1 ||
  fail "heif-enc could not make a HEIC"
heif-enc -q 60 -o "$T/photos/harbour.avif" "$DATA/photo-1024x768.jpg" >/dev/null 2>&1 ||
  fail "heif-enc could not make an AVIF"
heif-enc -q 80 -o "$T/photos/wide.heic" "$DATA/photo-1024x768.jpg" >/dev/null 2>&1 ||
  fail "heif-enc could not make a HEIC"

start_mock

case_ "an iPhone HEIC of the video's size is converted to JPEG and uploaded without --fit"
clear_requests
expect_exit 0 -- sora create -p "waves roll in, static shot" --image "$T/photos/IMG_0042.HEIC"
assert_contains "$ERR" "Converting IMG_0042.HEIC (720x1280) for the upload"
assert_req "len(reqs('POST', r'/videos\$')) == 1" "one create"
assert_req "param($(post 0), 'input_reference')['content_type'] == 'image/jpeg'" "sent as JPEG"
assert_req "param($(post 0), 'input_reference')['filename'] == 'IMG_0042.jpg'" "named after the photo"
assert_req "param($(post 0), 'input_reference')['width'] == 720 and param($(post 0), 'input_reference')['height'] == 1280" \
  "at the photo's own size"
assert_req "param($(post 0), 'size') == '720x1280'" "the size is the photo's"
assert_tmp_empty

case_ "--dry-run says the HEIC is converted and sends nothing"
clear_requests
expect_exit 0 -- sora create -p "waves, static shot" --image "$T/photos/IMG_0042.HEIC" --dry-run
assert_contains "$ERR" "Converting IMG_0042.HEIC"
assert_contains "$OUT" "file IMG_0042.jpg"
assert_contains "$OUT" "image/jpeg"
assert_no_requests
assert_tmp_empty

case_ "an AVIF with --fit cover --size auto becomes a 1280x720 JPEG"
clear_requests
expect_exit 0 -- sora create -p "a harbour, slow pan left" --image "$T/photos/harbour.avif" \
  --fit cover --size auto
assert_req "param($(post 0), 'size') == '1280x720'" "auto size for a 4:3 landscape photo"
assert_req "param($(post 0), 'input_reference')['content_type'] == 'image/jpeg' and param($(post 0), 'input_reference')['width'] == 1280" \
  "fitted and sent as JPEG"
assert_tmp_empty

case_ "a HEIC of another size without --fit is refused before anything is sent"
clear_requests
expect_exit 2 -- sora create -p "a harbour" --image "$T/photos/wide.heic" --size 1280x720
assert_contains "$ERR" "1024x768"
assert_contains "$ERR" "--fit"
assert_no_requests
assert_tmp_empty

case_ "a HEIC all the way to an MP4"
expect_exit 0 -- sora create -p "waves, static shot" --image "$T/photos/IMG_0042.HEIC" -o "$T/clip.mp4"
[[ -s "$T/clip.mp4" ]] || fail "no clip written"
assert_tmp_empty

# The dynamic loader's own log (LD_DEBUG=libs, one file per process) names every library a
# command opened. libheif, FFmpeg's libraries, libjpeg, libpng, libwebp, Little CMS and ISA-L (for
# PNGs) are opened on first use, and toml++ is compiled in (docs/adr/0015, 0016).
loaded_by() { # NAME -- cmd...: runs cmd; its loader log in $T/ld/NAME.log
  local name=$1
  shift 2
  mkdir -p "$T/ld"
  LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/ld/$name" expect_exit 0 -- "$@"
  cat "$T/ld/$name".* >"$T/ld/$name.log"
  grep -q "libcurl" "$T/ld/$name.log" || fail "the loader log of $name lacks libcurl: no log?"
}
media_libs='libheif|libde265|libx265|libavformat|libavcodec|libavutil|libswscale|libjpeg|libpng|libwebp|liblcms2|libtomlplusplus|libisal'

case_ "--version and status open no image, video, TOML or HTTP-server library; a HEIC opens libheif, libjpeg and lcms2, a WebP libwebp, a PNG libpng, inspect FFmpeg, listen cpp-httplib"
id="$(sora -q --no-journal create -p "waves, static shot")"
loaded_by version -- sora --version
loaded_by status -- sora status "$id"
# cpp-httplib serves `sora listen` from the companion sora-listen only (docs/adr/0015).
for name in version status; do
  opened="$({ grep -Eo "$media_libs|libcpp-httplib" "$T/ld/$name.log" || true; } | sort -u | tr '\n' ' ')"
  [[ -z $opened ]] || fail "sora $name opened $opened"
done
# sora listen execs sora-listen in the same process (and the same loader log), which opens it.
LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/ld/listen" expect_exit 2 -- env -u SORA_WEBHOOK_SECRET "$SORA_BIN" listen --port 0
assert_contains "$ERR" "SORA_WEBHOOK_SECRET is not set"
cat "$T/ld/listen".* | grep -q "libcpp-httplib" || fail "sora listen ran without opening libcpp-httplib"
loaded_by heic -- sora create -p "waves, static shot" --image "$T/photos/IMG_0042.HEIC" --dry-run
for lib in libheif libjpeg liblcms2; do
  grep -q "$lib" "$T/ld/heic.log" || fail "a HEIC was converted to JPEG without opening $lib"
done
loaded_by webp -- sora create -p "waves, static shot" --image "$DATA/photo-1280x720.webp" \
  --fit cover --size 720x1280 --dry-run
grep -q "libwebp" "$T/ld/webp.log" || fail "a WebP was fitted without opening libwebp"
loaded_by png -- sora create -p "waves, static shot" --image "$DATA/photo-1280x720.png" \
  --fit cover --size 720x1280 --dry-run
grep -q "libpng16" "$T/ld/png.log" || fail "a PNG was fitted without opening libpng16"
loaded_by inspect -- sora inspect "$T/clip.mp4"
grep -q "libavformat" "$T/ld/inspect.log" || fail "inspect ran without opening libavformat"

case_ "a photo library that cannot be loaded is an error naming it and its Debian package"
mkdir -p "$T/broken-libs"
for lib in libjpeg.so.62 libpng16.so.16 libwebp.so.7; do echo "not a library" >"$T/broken-libs/$lib"; done
LD_LIBRARY_PATH="$T/broken-libs" expect_exit 1 -- sora create -p "waves, static shot" \
  --image "$DATA/photo-720x1280.jpg" --fit cover --size 1280x720 --dry-run
assert_contains "$ERR" "libjpeg.so.62 is needed for JPEG photos but cannot be loaded"
assert_contains "$ERR" "libjpeg62-turbo"
LD_LIBRARY_PATH="$T/broken-libs" expect_exit 1 -- sora create -p "waves, static shot" \
  --image "$DATA/photo-1280x720.webp" --fit cover --size 720x1280 --dry-run
assert_contains "$ERR" "libwebp.so.7 is needed for WebP photos but cannot be loaded"
assert_contains "$ERR" "libwebp7"
LD_LIBRARY_PATH="$T/broken-libs" expect_exit 1 -- sora create -p "waves, static shot" \
  --image "$DATA/photo-1280x720.png" --fit cover --size 720x1280 --dry-run
assert_contains "$ERR" "libpng16.so.16 is needed for PNG images but cannot be loaded"
assert_contains "$ERR" "libpng16-16"
