#!/usr/bin/env bash
# install.deb: `cpack -G DEB` makes one package named sora that declares its runtime libraries
# and holds the binaries, man pages, completions and the library; unpacked into a scratch root,
# the binaries run.
source "$(dirname "$0")/lib.sh"
: "${CPACK_COMMAND:?}" "${SORA_VERSION:?}" "${SORA_LIBDIR:?}"
command -v dpkg-deb >/dev/null || skip "dpkg-deb is not installed (not a Debian system)"

step "cpack -G DEB"
run "$T/cpack.log" "$CPACK_COMMAND" --config "$SORA_BUILD_DIR/CPackConfig.cmake" -G DEB -B "$T/out"
shopt -s nullglob
debs=("$T"/out/*.deb)
assert_eq "${#debs[@]}" "1" "number of .deb files"
deb="${debs[0]}"
arch="$(dpkg --print-architecture)"
assert_eq "$(basename "$deb")" "sora_${SORA_VERSION}_${arch}.deb" "package file name"

step "control fields"
assert_eq "$(dpkg-deb -f "$deb" Package)" "sora" "Package"
assert_eq "$(dpkg-deb -f "$deb" Version)" "$SORA_VERSION" "Version"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for want in "libcurl4 (>= 7.88)" "libc6" "libstdc++6" "libcpp-httplib0.11" "libjpeg62-turbo" \
  "libpng16-16" "libwebp7" "liblcms2-2" "libheif1" "libisal2" "libavformat59" "libavcodec59" "libavutil57" "libswscale6"; do
  [[ "$depends" == *"$want"* ]] || fail "Depends lacks '$want': $depends"
done

step "contents"
dpkg-deb -c "$deb" | awk '{print $NF}' >"$T/contents"
for f in ./usr/bin/sora ./usr/bin/sora-mock ./usr/libexec/sora/sora-listen ./usr/share/man/man1/sora.1 \
  ./usr/share/man/man1/sora-mock.1 ./usr/share/bash-completion/completions/sora \
  ./usr/share/zsh/vendor-completions/_sora ./usr/share/fish/vendor_completions.d/sora.fish \
  ./usr/include/sora/client.hpp "./usr/$SORA_LIBDIR/libsora_core.a" \
  "./usr/$SORA_LIBDIR/cmake/sora/soraConfig.cmake" "./usr/$SORA_LIBDIR/pkgconfig/sora.pc"; do
  grep -qxF -- "$f" "$T/contents" || fail "the package lacks $f"
done
if grep -q '^\./usr/local/' "$T/contents"; then fail "the package installs under /usr/local"; fi

step "dpkg -x and run"
dpkg -x "$deb" "$T/root"
assert_eq "$("$T/root/usr/bin/sora" --version)" "sora $SORA_VERSION" "sora --version"
assert_eq "$("$T/root/usr/bin/sora-mock" --version)" "sora-mock $SORA_VERSION" "sora-mock --version"
# sora finds its companion from its own place: `sora listen` replaces itself with the packaged
# sora-listen (whose error, not sora's "not installed", shows it ran), and only it links
# cpp-httplib.
set +e
env -u SORA_WEBHOOK_SECRET "$T/root/usr/bin/sora" listen --port 0 >/dev/null 2>"$T/listen.err"
rc=$?
set -e
assert_eq "$rc" "2" "sora listen without a secret, from the package"
grep -q "SORA_WEBHOOK_SECRET is not set" "$T/listen.err" || fail "packaged sora listen: $(cat "$T/listen.err")"
if ldd "$T/root/usr/bin/sora" | grep -q libcpp-httplib; then fail "the packaged sora links cpp-httplib"; fi
ldd "$T/root/usr/libexec/sora/sora-listen" | grep -q libcpp-httplib ||
  fail "the packaged sora-listen does not link cpp-httplib: is it sora-listen?"
# The packaged scripts are what the packaged binary generates.
"$T/root/usr/bin/sora" completion fish |
  cmp -s - "$T/root/usr/share/fish/vendor_completions.d/sora.fish" ||
  fail "packaged fish completion differs from 'sora completion fish'"
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$T/root/usr/share/man/man1/sora.1" 2>"$T/groff.err" ||
    fail "groff failed on the packaged sora.1"
  [[ ! -s "$T/groff.err" ]] || fail "groff warnings on the packaged sora.1: $(head -5 "$T/groff.err")"
fi
