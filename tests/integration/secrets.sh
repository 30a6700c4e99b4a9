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

case_ "a key echoed back by the server is redacted everywhere (message, id, headers, -vv)"
stop_mock
start_mock --api-key "$TEST_KEY" --fault hostile-echo-key
expect_exit 5 -- sora -vv status video_00000000000000000000000000000000
assert_contains "$ERR" "Incorrect API key provided: [redacted]"
assert_not_contains "$ERR" "$TEST_KEY"
expect_exit 0 -- sora -vv create --prompt "an echo, static shot"
assert_contains "$OUT" "[redacted]"
assert_not_contains "$OUT" "$TEST_KEY"
assert_not_contains "$ERR" "$TEST_KEY"
expect_exit 0 -- sora --json status @last
assert_not_contains "$OUT" "$TEST_KEY"
assert_not_contains "$HOME/.local/state/sora/jobs.jsonl" "$TEST_KEY"
stop_mock
start_mock --api-key "$TEST_KEY"

case_ "a multi-line key file: only its first line is the key, nothing else is sent"
printf '%s\nlogin: a@b\nurl: https://example.com\n' "$TEST_KEY" >"$T/pass-show"
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" --api-key-file "$T/pass-show" list
assert_req "all('login' not in [h.lower() for h in r['header_names']] for r in api)" \
  "a second line of the key file became a header"
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" --api-key-file - list <"$T/pass-show"

case_ "a key, header name or value holding CR, LF or NUL is refused before sending (exit 2)"
clear_requests
expect_exit 2 -- env SORA_API_KEY="$TEST_KEY"$'\r\nX-Injected: 1' "$SORA_BIN" list
assert_contains "$ERR" "env SORA_API_KEY"
assert_contains "$ERR" "line break"
assert_not_contains "$ERR" "$TEST_KEY"
printf '%s\r\n' "$TEST_KEY" >"$T/crlf-key" # a CRLF file is fine: the line ends there
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" --api-key-file "$T/crlf-key" list
clear_requests
mkdir -p "$T/cfg"
cat >"$T/cfg/config.toml" <<'TOML'
[profiles.local]
base_url = "http://127.0.0.1:9/v1"
headers = { "X-Team" = "blue\r\nX-Injected: 1" }
TOML
expect_exit 2 -- env SORA_CONFIG="$T/cfg/config.toml" "$SORA_BIN" --profile local list
assert_contains "$ERR" "X-Team"
assert_contains "$ERR" "$T/cfg/config.toml"
expect_exit 2 -- sora create --prompt "x" --field $'bad\r\nname=1' --dry-run
assert_req "len(api) == 0" "something was sent"

case_ "with SORA_API_KEY set, --profile vllm-omni sends it (Bearer); auth = \"none\" keeps it back"
expect_exit 0 -- sora --profile vllm-omni --base-url "$SORA_BASE_URL" list
cat >"$T/cfg/none.toml" <<'TOML'
[profiles.vllm-omni]
auth = "none"
TOML
expect_exit 4 -- env SORA_CONFIG="$T/cfg/none.toml" "$SORA_BIN" --profile vllm-omni \
  --base-url "$SORA_BASE_URL" list
assert_contains "$ERR" 'No key was sent: the profile vllm-omni has auth = "none"'
assert_contains "$ERR" "env SORA_API_KEY"
expect_exit 4 -- env SORA_API_KEY=sk-wrong-key-1234 "$SORA_BIN" list
assert_contains "$ERR" "The key from env SORA_API_KEY was sent as Authorization: Bearer KEY"
