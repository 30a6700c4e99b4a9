#!/usr/bin/env bash
# Where the API key and base URL come from, and global options before or after the subcommand.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock --api-key "$TEST_KEY"
GOOD_URL="$SORA_BASE_URL"
BAD_URL="http://127.0.0.1:$(closed_port)/v1"

case_ "SORA_API_KEY and SORA_BASE_URL"
expect_exit 0 -- sora list
assert_req 'len(api) == 1 and api[0]["authorized"] is True and api[0]["status"] == 200' \
  "one authorized list request expected"

case_ "OPENAI_API_KEY when SORA_API_KEY is unset"
expect_exit 0 -- env -u SORA_API_KEY OPENAI_API_KEY="$TEST_KEY" "$SORA_BIN" list

case_ "SORA_API_KEY wins over OPENAI_API_KEY"
expect_exit 0 -- env OPENAI_API_KEY=sk-wrong-openai "$SORA_BIN" list

case_ "--api-key-file when no key is in the environment"
printf '%s\n' "$TEST_KEY" >"$T/keyfile"
chmod 600 "$T/keyfile"
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" --api-key-file "$T/keyfile" list
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" list --api-key-file "$T/keyfile"

case_ "--base-url wins over SORA_BASE_URL"
expect_exit 0 -- env SORA_BASE_URL="$BAD_URL" "$SORA_BIN" --base-url "$GOOD_URL" list
expect_exit 0 -- env SORA_BASE_URL="$BAD_URL" "$SORA_BIN" list --base-url "$GOOD_URL"

case_ "SORA_BASE_URL wins over OPENAI_BASE_URL"
expect_exit 0 -- env OPENAI_BASE_URL="$BAD_URL" "$SORA_BIN" list

case_ "OPENAI_BASE_URL when SORA_BASE_URL is unset"
expect_exit 0 -- env -u SORA_BASE_URL OPENAI_BASE_URL="$GOOD_URL" "$SORA_BIN" list

case_ "global options after the subcommand"
id="$(create_id --prompt "a lighthouse at dusk")"
expect_exit 0 -- sora status "$id" --json --max-retries 1 --timeout 30 -q
assert_json_doc "$OUT"
[[ "$(jpy "$OUT" 'd["id"]')" == "$id" ]] || fail "status --json is not video $id"
expect_exit 0 -- sora status "$id" --base-url "$GOOD_URL" -v
read -r got _ <"$OUT"
assert_eq "$got" "$id" "status line id"

case_ "every request carried the key"
assert_req 'all(r["authorized"] is True for r in api)' "every request should be authorized"

case_ "an explicit --api-key-file wins over the environment (a key is never sent to the wrong provider)"
printf 'sk-wrong-file\n' >"$T/wrongkeyfile"
expect_exit 4 -- sora --api-key-file "$T/wrongkeyfile" list
expect_exit 0 -- env SORA_API_KEY=sk-wrong-env "$SORA_BIN" --api-key-file "$T/keyfile" list
