#!/usr/bin/env bash
# --json is a stable contract (docs/json.md): on every sora-mock dialect, status, wait, create and
# list print documents with OpenAI's video fields at the top level holding normalised values
# (status in OpenAI's six words, progress 0-100, seconds and size as strings), sora's additions
# under their own keys, and the server's untouched object under "server". Each line is checked
# by json_schema.py.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCHEMA="$(dirname "${BASH_SOURCE[0]}")/json_schema.py"
DIALECTS=(openai litellm vllm-omni sglang new-api openrouter together)

prefix_of() {
  case "$1" in
  openrouter) echo /api/v1 ;;
  together) echo /v2 ;;
  *) echo /v1 ;;
  esac
}

# check KIND [--lines N]: every line of $OUT is a KIND document of the contract.
check() {
  python3 "$SCHEMA" "$1" "$OUT" "${@:2}" 2>"$T/schema.err" || {
    echo "FAIL [$E2E_NAME :: $CASE] $(basename "$OUT") breaks the --json contract:" >&2
    cat "$T/schema.err" >&2
    _show stdout "$OUT"
    exit 1
  }
}

case_ "the schema checker rejects broken documents"
python3 "$SCHEMA" --self-test >/dev/null || fail "json_schema.py --self-test"

for name in "${DIALECTS[@]}"; do
  start_mock --dialect "$name"
  args=(--profile "$name" --base-url "$MOCK_URL$(prefix_of "$name")" --no-journal)
  model=()
  [[ "$name" == new-api || "$name" == openrouter || "$name" == together ]] && model=(--model sora-2)

  case_ "$name: create --json"
  expect_exit 0 -- sora create --prompt "a $name harbour, static shot" "${args[@]}" "${model[@]}" \
    --json
  check video --lines 1
  id="$(jpy "$OUT" 'd["id"]')"
  [[ "$(jpy "$OUT" 'd["server"]["id"] if isinstance(d["server"], dict) else None')" == "$id" ]] ||
    fail "server is not the server's own object"

  case_ "$name: status ID --json (pending)"
  expect_exit 0 -- sora status "$id" "${args[@]}" --json
  check video --lines 1
  [[ "$(jpy "$OUT" 'd["status"]')" =~ ^(queued|in_progress|completed)$ ]] ||
    fail "a new job is $(jpy "$OUT" 'd["status"]')"

  case_ "$name: wait ID --json"
  expect_exit 0 -- sora wait "$id" "${args[@]}" --json
  check video --lines 1
  assert_eq "$(jpy "$OUT" 'd["status"]')" completed "status"
  assert_eq "$(jpy "$OUT" 'd["progress"]')" 100 "progress"

  case_ "$name: status ID --json (completed): seconds and size as strings when given"
  expect_exit 0 -- sora status "$id" "${args[@]}" --json
  check video --lines 1
  assert_eq "$(jpy "$OUT" 'd["status"]')" completed "status"
  # Strings whenever the server gave them (as a number, a string or under another name).
  assert_eq "$(jpy "$OUT" '[k for k in ("seconds", "size") if (d["server"] or {}).get(k) is not None and not isinstance(d[k], str)]')" \
    "[]" "seconds and size the server gave, as strings"
  assert_eq "$(jpy "$OUT" 'd["created_at"] < 10**11')" True "created_at in seconds"

  case_ "$name: list --json"
  RC=0
  sora list "${args[@]}" --json >"$OUT" 2>"$ERR" || RC=$?
  case "$name" in
  new-api | openrouter | together) # no list route (rule 25)
    assert_eq "$RC" 10 "list on $name"
    assert_empty "$OUT"
    ;;
  *)
    assert_eq "$RC" 0 "list on $name"
    check video
    assert_contains "$OUT" "\"id\":\"$id\""
    ;;
  esac
  stop_mock
done

# The server's own words stay under "server"; the top level is normalised.
case_ "litellm: 'processing' is in_progress at the top level and 'processing' under server"
start_mock --dialect litellm
expect_exit 0 -- sora create --prompt "mock:never a litellm lake" --base-url "$MOCK_URL/v1" --no-journal --json
id="$(jpy "$OUT" 'd["id"]')"
expect_exit 0 -- sora status "$id" --base-url "$MOCK_URL/v1" --no-journal --json
check video --lines 1
assert_eq "$(jpy "$OUT" 'd["server"]["status"]')" processing "server status"
assert_eq "$(jpy "$OUT" 'd["status"]')" in_progress "normalised status"
stop_mock

case_ "openai: create -o --json adds file; download, delete and batch documents"
start_mock
expect_exit 0 -- sora create --prompt "a meadow, static shot" -o "$T/m.mp4" --no-journal --json
check video --lines 1
assert_eq "$(jpy "$OUT" 'd["file"]')" "$T/m.mp4" "file"
id="$(jpy "$OUT" 'd["id"]')"
expect_exit 0 -- sora download "$id" -o "$T/d.mp4" --json
check download --lines 1
assert_eq "$(jpy "$OUT" 'd["file"] + " " + str(d["bytes"])')" "$T/d.mp4 $(file_size "$T/d.mp4")" \
  "file and bytes"
expect_exit 0 -- sora delete "$id" --json
check deleted --lines 1
printf '{"id":"fox","prompt":"a fox in snow, static shot"}\n' >"$T/jobs.jsonl"
expect_exit 0 -- sora batch "$T/jobs.jsonl" --out-dir "$T/out" --no-journal --json
check batch --lines 1
assert_eq "$(jpy "$OUT" 'd["label"] + " " + d["status"]')" "fox completed" "batch label, status"
stop_mock
