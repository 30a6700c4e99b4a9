#!/usr/bin/env bash
# install.consumer: `cmake --install` of the build into a temporary prefix puts every file where
# the docs say; a separate project then finds the library with find_package(sora CONFIG) and
# uses sora::core, and the same program builds with pkg-config from a moved (relocated) prefix.
source "$(dirname "$0")/lib.sh"
: "${CMAKE_COMMAND:?}" "${CXX:?}" "${SORA_LIBDIR:?}" "${SORA_VERSION:?}"

step "cmake --install into a temporary prefix"
P="$T/prefix"
run "$T/install.log" "$CMAKE_COMMAND" --install "$SORA_BUILD_DIR" --prefix "$P"
for f in bin/sora bin/sora-mock libexec/sora/sora-listen share/man/man1/sora.1 share/man/man1/sora-mock.1 \
  share/bash-completion/completions/sora share/zsh/site-functions/_sora \
  share/fish/vendor_completions.d/sora.fish "$SORA_LIBDIR/libsora_core.a" \
  "$SORA_LIBDIR/cmake/sora/soraConfig.cmake" "$SORA_LIBDIR/cmake/sora/soraConfigVersion.cmake" \
  "$SORA_LIBDIR/cmake/sora/soraTargets.cmake" "$SORA_LIBDIR/pkgconfig/sora.pc"; do
  assert_file "$P/$f"
done
[[ -x "$P/bin/sora" && -x "$P/bin/sora-mock" && -x "$P/libexec/sora/sora-listen" ]] ||
  fail "the binaries are not executable"

step "the public headers, and only them"
want="$(cd "$SORA_SOURCE_DIR/include/sora" && ls -- *.hpp | sort)"
got="$(cd "$P/include/sora" && ls | sort)"
assert_eq "$got" "$want" "installed headers"
[[ ! -e "$P/include/curl" && ! -e "$P/include/nlohmann" ]] || fail "dependency headers installed"

step "the installed binaries run"
assert_eq "$("$P/bin/sora" --version)" "sora $SORA_VERSION" "sora --version"
assert_eq "$("$P/bin/sora-mock" --version)" "sora-mock $SORA_VERSION" "sora-mock --version"
# Installed files are the generated ones: the same as the binary prints now.
"$P/bin/sora" completion bash | cmp -s - "$P/share/bash-completion/completions/sora" ||
  fail "installed bash completion differs from 'sora completion bash'"
"$P/bin/sora" --generate-man | cmp -s - "$P/share/man/man1/sora.1" ||
  fail "installed sora.1 differs from 'sora --generate-man'"

step "a consumer project: find_package(sora CONFIG REQUIRED) + sora::core"
gen=()
[[ -n "${CMAKE_GENERATOR:-}" ]] && gen=(-G "$CMAKE_GENERATOR")
run "$T/configure.log" "$CMAKE_COMMAND" -S "$HERE/consumer" -B "$T/consumer-build" "${gen[@]}" \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$P" "-DCMAKE_CXX_COMPILER=$CXX" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
  "-DCMAKE_CXX_FLAGS=${SORA_CONSUMER_FLAGS:-}"
assert_grep "$T/configure.log" "sora_DIR: $P/" "the consumer's configure log (sora_DIR under the prefix)"
run "$T/build.log" "$CMAKE_COMMAND" --build "$T/consumer-build"
expected="sora $SORA_VERSION
http://127.0.0.1:9/v1
1280x720 image/png"
assert_eq "$("$T/consumer-build/app" "$SORA_TEST_DATA/photo-1280x720.png")" "$expected" \
  "consumer output"

step "pkg-config, from a relocated prefix"
command -v pkg-config >/dev/null || fail "pkg-config is not installed"
mv "$P" "$T/moved"
export PKG_CONFIG_PATH="$T/moved/$SORA_LIBDIR/pkgconfig"
assert_eq "$(pkg-config --modversion sora)" "$SORA_VERSION" "pkg-config --modversion sora"
flags="$(pkg-config --cflags --libs sora)"
[[ "$flags" == *"-I$T/moved/"* ]] || fail "pkg-config paths do not follow the moved prefix: $flags"
# shellcheck disable=SC2086 # flags are words
# shellcheck disable=SC2086 # SORA_CONSUMER_FLAGS holds zero or more flags
run "$T/pkgconfig.log" "$CXX" -std=c++20 -Wall -Wextra -Werror ${SORA_CONSUMER_FLAGS:-} "$HERE/consumer/main.cpp" \
  -o "$T/app-pc" $flags
"$T/app-pc" "$SORA_TEST_DATA/photo-720x1280.jpg" >"$T/pc.out" || fail "the pkg-config build failed to run"
assert_grep "$T/pc.out" '^720x1280 image/jpeg$' "pkg-config consumer output"
