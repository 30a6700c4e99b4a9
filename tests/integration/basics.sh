#!/usr/bin/env bash
# --version, --help, and usage errors of the command line itself.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "version"
expect_exit 0 -- sora --version
assert_matches "$OUT" '[0-9]+\.[0-9]+\.[0-9]+'

case_ "help lists subcommands and exit codes"
expect_exit 0 -- sora --help
for word in create remix status wait download list delete; do
  assert_contains "$OUT" "$word"
done
grep -qi 'exit' "$OUT" || fail "--help does not mention exit codes"
for code in 2 3 4 5 6 7 8 9 130; do
  grep -qE "(^|[^0-9])$code([^0-9]|$)" "$OUT" || fail "--help does not list exit code $code"
done

case_ "subcommand help"
for sub in create remix status wait download list delete; do
  expect_exit 0 -- sora "$sub" --help
  assert_nonempty "$OUT"
done
expect_exit 0 -- sora create --help
assert_contains "$OUT" "--prompt"

case_ "unknown subcommand is a usage error"
expect_exit 2 -- sora frobnicate
assert_empty "$OUT"
assert_nonempty "$ERR"

case_ "unknown option is a usage error"
expect_exit 2 -- sora list --no-such-option
assert_empty "$OUT"
assert_nonempty "$ERR"

case_ "nothing was sent"
assert_no_requests
