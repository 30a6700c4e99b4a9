#!/usr/bin/env bash
# The API key never appears in output, even with -vvv, on success or on error.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock --api-key "$TEST_KEY"
: >"$T/all-output"

# collect: the last command's output must not hold the key; keep it for the final check too.
collect() {
  assert_not_contains "$OUT" "$TEST_KEY"
  assert_not_contains "$ERR" "$TEST_KEY"
  cat "$OUT" "$ERR" >>"$T/all-output"
}

case_ "create --wait -vvv"
expect_exit 0 -- sora -vvv create --prompt "a secret garden" --wait
id="$(single_line)"
assert_nonempty "$ERR" # -vvv logs something, on stderr only
collect

case_ "status, download, list with -vvv"
expect_exit 0 -- sora status "$id" -vvv
collect
expect_exit 0 -- sora download "$id" -o "$T/secret.mp4" -vvv
assert_eq "$(single_line)" "$T/secret.mp4" "stdout of download -vvv"
collect
expect_exit 0 -- sora list -vvv --json
assert_json_lines "$OUT" 1
collect

case_ "image upload with -vvv"
expect_exit 0 -- sora -vvv create --prompt "a secret photo" --image "$DATA/photo-720x1280.jpg"
collect

case_ "a rejected request with -vvv"
expect_exit 3 -- sora -vvv create --prompt "x" --model not-a-sora-model --seconds 10
collect

case_ "key from --api-key-file with -vvv"
printf '%s\n' "$TEST_KEY" >"$T/keyfile"
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" -vvv --api-key-file "$T/keyfile" status "$id"
collect

case_ "delete with -vvv"
expect_exit 0 -- sora -vvv delete "$id"
collect

case_ "a wrong key with -vvv is not shown either"
wrong_key="sk-wrong-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
expect_exit 4 -- env SORA_API_KEY="$wrong_key" "$SORA_BIN" -vvv list
assert_not_contains "$OUT" "$wrong_key"
assert_not_contains "$ERR" "$wrong_key"

case_ "the key appears nowhere"
assert_not_contains "$T/all-output" "$TEST_KEY"
assert_not_contains "$T/all-output" "${TEST_KEY#sk-test-}"
