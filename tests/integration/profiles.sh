#!/usr/bin/env bash
# Provider profiles and the config file: `sora profiles`, `sora config show`, a config profile's
# extra query and headers on the wire, --field/--field-json in both encodings, --image-url,
# SORA_PROFILE, and usage errors (tolerance rules 1-3, 5-7, 10).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock --api-key "$TEST_KEY"
export XDG_CONFIG_HOME="$T/config"
CONF="$XDG_CONFIG_HOME/sora/config.toml"
mkdir -p "$(dirname "$CONF")"
POST='reqs("POST", r"/videos$")'
# The data: URL of a file, computed inside the request-log expression (too long for argv).
data_url() { echo "'data:image/png;base64,' + __import__('base64').b64encode(open('$1', 'rb').read()).decode()"; }

case_ "sora profiles lists the built-in profiles and marks the default"
expect_exit 0 -- sora profiles
for name in openai litellm vllm-omni sglang new-api openrouter together azure; do
  assert_matches "$OUT" "^[* ] $name "
done
assert_matches "$OUT" '^\* openai +https://api\.openai\.com/v1 +bearer'
assert_matches "$OUT" '^  azure .*header:api-key'
expect_exit 0 -- sora profiles --json
[[ "$(python3 -c 'import json,sys; print(",".join(p["name"] for p in json.load(open(sys.argv[1])) if p["active"]))' "$OUT")" == openai ]] ||
  fail "profiles --json: openai should be the only active profile"

case_ "a config file adds a profile and changes a built-in one"
cat >"$CONF" <<TOML
# test config
profile = "mock"

[profiles.mock]
description = "the test mock"
base_url = "$MOCK_URL/v1"
auth = "none"
headers = { Authorization = "Bearer $TEST_KEY", X-Trace = "trace-42" }
query = { api-version = "preview" }
model = "sora-2"

[profiles.together]
base_url = "$MOCK_URL/v2"
TOML
unset SORA_BASE_URL
expect_exit 0 -- sora profiles
assert_matches "$OUT" '^\* mock '
assert_contains "$OUT" "the test mock [config]"
assert_matches "$OUT" "^  together +$MOCK_URL/v2 .*\\[built-in, changed by config\\]"

case_ "config show: every setting with its source, the key redacted"
expect_exit 0 -- sora config show
assert_not_contains "$OUT" "$TEST_KEY"
assert_matches "$OUT" "^profile +mock +\\(config $CONF\\)"
assert_matches "$OUT" "^base_url +$MOCK_URL/v1 +\\(config $CONF \\[profiles\\.mock\\]\\)"
assert_matches "$OUT" '^headers +Authorization:\[redacted\], X-Trace:trace-42 '
assert_matches "$OUT" '^encoding +auto +\(default\)'
assert_matches "$OUT" '^api_key +present \[redacted\] +\(env SORA_API_KEY\)'
expect_exit 0 -- sora --profile openrouter --base-url "$MOCK_URL/x/v1" config show --json
assert_not_contains "$OUT" "$TEST_KEY"
[[ "$(jpy "$OUT" 'd["base_url"]["source"] + "|" + d["duration_field"]["source"] + "|" + d["profile"]["source"]')" == \
  "flag --base-url|built-in profile openrouter|flag --profile" ]] || fail "config show --json sources: $(cat "$OUT")"
[[ "$(jpy "$OUT" 'd["api_key"]["value"]')" == "present [redacted]" ]] || fail "api_key should read 'present [redacted]'"
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" config show --json
[[ "$(jpy "$OUT" 'd["api_key"]["value"]')" == "(none)" ]] || fail "without a key, api_key should read (none)"

case_ "rule 3: the profile's extra query and headers reach the server on every request"
clear_requests
expect_exit 0 -- env -u SORA_API_KEY "$SORA_BIN" -vv create --prompt "a quay at dawn" --wait --json
assert_req "len($POST) == 1 and all(query(r).get('api-version') == 'preview' for r in api)" \
  "every request must carry ?api-version=preview"
assert_req 'all(r["authorized"] for r in api) and len(api) >= 3' \
  "the extra Authorization header (auth = none) must be on every request"
assert_contains "$ERR" "X-Trace: trace-42"
assert_not_contains "$ERR" "$TEST_KEY"
assert_req "param($POST[0], 'model') == 'sora-2'" "the profile's default model must be sent"

case_ "SORA_PROFILE selects a profile; the flag wins over it"
clear_requests
expect_exit 0 -- env SORA_PROFILE=mock "$SORA_BIN" list
assert_req 'query(api[0]).get("api-version") == "preview"' "SORA_PROFILE=mock must apply its query"
clear_requests
expect_exit 0 -- env SORA_PROFILE=nope "$SORA_BIN" --profile mock list
assert_req 'len(api) == 1' "--profile must win over SORA_PROFILE"

case_ "rule 7: --field and --field-json in a JSON request"
clear_requests
expect_exit 0 -- sora create --prompt "fields" --field size=1280x720 --field-json 'seconds="8"'
assert_req "$POST[0]['content_type'].startswith('application/json')" "a create without a file is JSON"
assert_req "param($POST[0], 'size') == '1280x720' and param($POST[0], 'seconds') == '8'" \
  "--field/--field-json must replace the built-in members"
clear_requests
RC=0
sora create --prompt "extras" --field seed=42 --field-json 'meta={"a":[1,2]}' --field-json 'n=2' >"$OUT" 2>"$ERR" || RC=$?
((RC != 0)) || fail "the OpenAI-shaped mock should reject unknown fields"
assert_req "param($POST[0], 'seed') == '42' and param($POST[0], 'meta') == {'a': [1, 2]} and param($POST[0], 'n') == 2" \
  "string and typed extra fields must be sent as given"

case_ "rule 7: --field and --field-json in a multipart request"
clear_requests
RC=0
sora create --prompt "extras" --image "$DATA/photo-1280x720.png" --field seed=42 \
  --field-json 'meta={"a":1}' >"$OUT" 2>"$ERR" || RC=$?
assert_req "'multipart/form-data' in $POST[0]['content_type']" "a create with a file is multipart"
assert_req "param($POST[0], 'seed') == '42' and param($POST[0], 'meta') == '{\"a\":1}'" \
  "multipart sends every extra value as text, JSON as JSON text"

case_ "rule 6: --image-url is sent as an input_reference object"
clear_requests
id="$(create_id --prompt "from a URL" --image-url "https://img.example.com/first.png" --size 1280x720)"
[[ -n "$id" ]] || fail "no id printed"
assert_req "$POST[0]['content_type'].startswith('application/json') and param($POST[0], 'input_reference') == {'image_url': 'https://img.example.com/first.png'}" \
  "--image-url must be JSON input_reference {image_url}"
expect_exit 2 -- sora create --prompt x --image "$DATA/photo-1280x720.png" --image-url "https://example.com/a.png"
expect_exit 2 -- sora create --prompt x --image-url "ftp://example.com/a.png"
expect_exit 2 -- sora create --prompt x --field-json 'meta={bad'
assert_contains "$ERR" "not valid JSON"
expect_exit 2 -- sora create --prompt x --field novalue

case_ "rule 5: a JSON-only profile sends a local file as a data: URL"
cat >>"$CONF" <<TOML

[profiles.jsononly]
base_url = "$MOCK_URL/v1"
encoding = "json"
TOML
clear_requests
id="$(create_id --profile jsononly --prompt "embedded" --image "$DATA/photo-1280x720.png" --size 1280x720)"
[[ -n "$id" ]] || fail "no id printed"
assert_req "$POST[0]['content_type'].startswith('application/json') and param($POST[0], 'input_reference') == {'image_url': $(data_url "$DATA/photo-1280x720.png")}" \
  "the file must be embedded as a base64 data: URL, byte for byte"

case_ "rules 1, 8, 10: a built-in profile pointed at the mock with --base-url"
start_mock # without a key, like a local vLLM-Omni
unset SORA_BASE_URL
clear_requests
expect_exit 0 -- sora --profile vllm-omni --base-url "$MOCK_URL/v1" create --prompt "a vLLM job" \
  --field-json 'size="1280x720"' --seconds 8
assert_req "'multipart/form-data' in $POST[0]['content_type']" "vllm-omni is multipart always"
assert_req "param($POST[0], 'model') is None and param($POST[0], 'seconds') == '8'" \
  "vllm-omni sends no model"
clear_requests
# Off the openai profile an OpenAI-unknown size is only a warning: it is sent (and this
# OpenAI-shaped mock rejects it, exit 3).
expect_exit 3 -- sora --profile vllm-omni --base-url "$MOCK_URL/v1" create --prompt "a vLLM job" \
  --model sora-2 --size 1344x768
assert_contains "$ERR" "warning: --size 1344x768"
assert_req "param($POST[0], 'model') == 'sora-2'" "an explicit --model is sent even on vllm-omni"
expect_exit 2 -- sora --profile openai --base-url "$MOCK_URL/v1" create --prompt x --size 1344x768
assert_contains "$ERR" "--size 1344x768"

case_ "usage errors: unknown profile, bad config"
clear_requests
expect_exit 2 -- sora --profile nope list
assert_contains "$ERR" "Unknown profile 'nope'"
assert_contains "$ERR" "openai, litellm, vllm-omni, sglang, new-api, openrouter, together, azure"
expect_exit 2 -- env SORA_PROFILE=nope "$SORA_BIN" list
expect_exit 2 -- sora --profile litellm list
assert_contains "$ERR" "--base-url"
printf '[profiles.x]\nbase_url = "%s/v1"\n\nimage_feld = "image"\n' "$MOCK_URL" >"$T/bad.toml"
expect_exit 2 -- env SORA_CONFIG="$T/bad.toml" "$SORA_BIN" list
assert_contains "$ERR" "$T/bad.toml:4: unknown key 'image_feld'"
assert_contains "$ERR" "image_field"
expect_exit 2 -- env SORA_CONFIG="$T/missing.toml" "$SORA_BIN" list
assert_no_requests
