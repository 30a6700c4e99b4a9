#!/usr/bin/env bash
# The job journal: every started job is recorded at once; @last/@N name them; history lists them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export XDG_STATE_HOME="$T/state"
JOURNAL="$XDG_STATE_HOME/sora/jobs.jsonl"
start_mock

case_ "create and remix are recorded the moment their id is known"
first="$(create_id --prompt "the first job")"
assert_file "$JOURNAL"
assert_contains "$JOURNAL" "$first"
expect_exit 0 -- sora wait @last
expect_exit 0 -- sora remix @last --prompt "the remix"
remix="$(single_line)"
assert_eq "$(wc -l <"$JOURNAL" | tr -d ' ')" 2 "journal lines"
assert_contains "$JOURNAL" "$remix"

case_ "a job is recorded even when waiting is interrupted by a timeout"
expect_exit 8 -- sora create --prompt "mock:never ends" --wait --wait-timeout 1
assert_eq "$(wc -l <"$JOURNAL" | tr -d ' ')" 3 "journal lines"
never="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["id"])' "$JOURNAL")"
assert_contains "$ERR" "$never"

case_ "@last and @N resolve to journal entries"
expect_exit 0 -- sora status @last
assert_contains "$OUT" "$never"
expect_exit 0 -- sora status @3
assert_contains "$OUT" "$first"
expect_exit 0 -- sora wait @2
expect_exit 0 -- sora download @2 -o "$T/remix.mp4"
assert_mp4 "$T/remix.mp4"

case_ "history lists the jobs, newest last, and --json prints the journal lines"
expect_exit 0 -- sora history
assert_lines "$OUT" 3
assert_contains "$OUT" "@1"
[[ "$(tail -n 1 "$OUT")" == "@1 "* ]] || fail "the newest job should be last and labelled @1"
expect_exit 0 -- sora history -n 1 --json
assert_lines "$OUT" 1
assert_contains "$OUT" "\"id\":\"$never\""

case_ "a reference past the journal is a usage error and sends nothing"
clear_requests
expect_exit 2 -- sora status @9
assert_contains "$ERR" "history"
assert_no_requests

case_ "--no-journal records nothing"
expect_exit 0 -- sora --no-journal create --prompt "off the record"
assert_eq "$(wc -l <"$JOURNAL" | tr -d ' ')" 3 "journal lines"

case_ "the journal never holds the API key"
assert_not_contains "$JOURNAL" "$SORA_API_KEY"
