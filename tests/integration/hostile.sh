#!/usr/bin/env bash
# e2e.hostile: every command against a hostile sora-mock (--fault hostile-*: the request's own
# key, terminal escapes, path steps, very long text and invalid UTF-8 in ids, messages and
# headers). Nothing may reach stdout, stderr (-vv logs included), the journal, a batch state
# file or a file name unredacted or unescaped, and nothing is written outside the work folder.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# check_clean FILE...: no key, no terminal control bytes (ESC, BEL, CR, C1 as UTF-8, bidi
# override), and valid UTF-8. CONTROLS is the pattern; stored JSON files (check_stored) may hold
# C1 and bidi characters, which JSON allows unescaped, but never a raw C0 byte.
CONTROLS='\x1b|\x07|\r|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]'
check_stored() { CONTROLS='[\x00-\x09\x0b-\x1f\x7f]' check_clean "$@"; }
check_clean() {
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    if grep -qF -- "$TEST_KEY" "$f"; then fail "the key reached $f: $(grep -oF -- "$TEST_KEY" "$f" | head -1)"; fi
    if LC_ALL=C grep -qP "$CONTROLS" "$f"; then
      fail "terminal control bytes reached $f: $(LC_ALL=C grep -naP "$CONTROLS" "$f" | head -2 | cut -c1-200 | cat -v)"
    fi
    iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || fail "invalid UTF-8 reached $f"
  done
}

# run_all FAULT: every command against a mock with that fault, in a fresh work folder.
run_all() {
  local fault="$1" w="$T/$1/a/b/work" rc
  mkdir -p "$w" "$T/$1/state"
  export XDG_STATE_HOME="$T/$fault/state"
  start_mock --api-key "$TEST_KEY" --fault "$fault"
  cd "$w" || fail "no work folder"
  : >"$w/../all"
  step() { # step CMD...: runs it, keeps its output, refuses crashes and internal errors
    rc=0
    "$SORA_BIN" "$@" >"$OUT" 2>"$ERR" || rc=$?
    cat "$OUT" "$ERR" >>"$w/../all"
    check_clean "$OUT" "$ERR"
    ((rc != 1 && rc < 128)) || fail "sora $* exited $rc: $(head -c 400 "$ERR" | cat -v)"
  }
  step create --prompt "a hostile test, static shot" --wait -o clip.mp4
  step -vv create --prompt "a second one, static shot" --wait
  step status @last
  step --json status @last
  step wait @last
  step list
  step --json list
  step list --all
  step -vv download @last
  step download @last --variant thumbnail
  step history
  step --json history
  step remix @last --prompt "the same, at night, static shot"
  step status does-not-exist
  printf '{"id":"one","prompt":"a batch job, static shot"}\n' >jobs.jsonl
  step batch jobs.jsonl --out-dir batch-out
  step --json batch jobs.jsonl --out-dir batch-out
  step delete @last
  # What was stored: the journal and batch state files, and every file name.
  local stored
  stored="$(find "$T/$fault/state" "$w" -type f ! -name '*.mp4' ! -name '*.webp' ! -name '*.jpg')"
  # shellcheck disable=SC2086
  check_stored $stored
  find "$w" -print >"$w/../names"
  check_clean "$w/../names"
  if grep -q '/\.\.\?\(/\|$\)' "$w/../names"; then fail "a . or .. file name: $(grep '/\.\.' "$w/../names")"; fi
  [[ "$(ls -A "$T/$fault/a" | tr '\n' ' ')" == "b " ]] ||
    fail "files written outside the work folder: $(ls -A "$T/$fault/a")"
  [[ "$(ls -A "$T/$fault/a/b" | tr '\n' ' ')" == "all names work " ]] ||
    fail "files written outside the work folder: $(ls -A "$T/$fault/a/b")"
  cd "$T" || true
  stop_mock
}

for fault in hostile-echo-key hostile-escapes hostile-ids hostile-long hostile-utf8; do
  case_ "every command against --fault $fault"
  run_all "$fault"
done

case_ "ids that are path steps or hold controls are refused before sending (exit 2)"
start_mock --api-key "$TEST_KEY"
for id in . .. "" $'video_1\e[2J' $'a\nb'; do
  expect_exit 2 -- sora delete "$id"
  check_clean "$ERR"
done
expect_exit 2 -- sora status ..
assert_req "len(api) == 0" "a refused id was sent"
expect_exit 5 -- sora status "abc/def+g=" # base64-style ids are fine: '/' is percent-encoded
assert_req "any(r['path'].endswith('abc/def+g=') or 'abc%2Fdef' in r['path'] for r in api)" \
  "the id was not sent as one segment"

case_ "--stall-timeout 2 gives up within a second of 2 s"
stop_mock
start_mock --fault content-stall
expect_exit 0 -- sora create --prompt "a stall, static shot" --wait --no-progress
started=$(date +%s%N)
expect_exit 9 -- sora --stall-timeout 2 --max-retries 0 download @last -o "$T/stall.mp4"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
((elapsed_ms < 3000)) || fail "gave up after $elapsed_ms ms"
assert_contains "$ERR" "stalled"

case_ "an unreadable default config folder is a clear usage error, not an internal one"
if [[ "$(id -u)" != 0 ]]; then # root reads any folder
  mkdir -p "$HOME/.config/sora" && chmod 000 "$HOME/.config"
  expect_exit 2 -- sora list
  assert_contains "$ERR" "Cannot look for the config file"
  assert_not_contains "$ERR" "bug"
  chmod 755 "$HOME/.config"
else
  # Root reads any folder; a folder that cannot be looked into for another reason takes the same
  # path: a symbolic link that loops (ELOOP).
  mv "$HOME/.config" "$HOME/.config.saved" 2>/dev/null || true
  ln -s .config "$HOME/.config"
  expect_exit 2 -- sora list
  assert_contains "$ERR" "Cannot look for the config file"
  assert_not_contains "$ERR" "bug"
  rm "$HOME/.config"
  mv "$HOME/.config.saved" "$HOME/.config" 2>/dev/null || true
fi

case_ "the test sees what it looks for (a raw escape and the key are caught)"
printf 'id \033]0;x\007 %s\n' "$TEST_KEY" >"$T/planted"
! (check_clean "$T/planted") >/dev/null 2>&1 || fail "check_clean missed a planted escape and key"
printf 'ok\n' >"$T/clean"
check_clean "$T/clean"

case_ "create -o - to a full device fails once, with one error line"
stop_mock
start_mock
rc=0
sora create -p "a lake, static shot" -o - >/dev/full 2>"$T/full.err" || rc=$?
[[ $rc -ne 0 ]] || fail "writing the video to /dev/full succeeded"
errors=$(grep -c "sora: error:" "$T/full.err" || true)
[[ $errors -eq 1 ]] || fail "the failure was reported $errors times: $(cat "$T/full.err")"
stop_mock
