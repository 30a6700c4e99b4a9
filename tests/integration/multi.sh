#!/usr/bin/env bash
# status, wait and delete with several ids.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "setup: three videos"
a="$(create_id --prompt "first")"
b="$(create_id --prompt "second")"
c="$(create_id --prompt "third")"

check_lines() { # WANT_STATUS ID...
  local want="$1" i=0 line got word
  shift
  assert_lines "$OUT" "$#"
  while read -r got word _; do
    i=$((i + 1))
    [[ "$got" == "${!i}" ]] || fail "line $i is for '$got', expected ${!i}"
    if [[ -n "$want" && "$word" != "$want" ]]; then
      fail "line $i: status '$word', expected $want"
    fi
  done <"$OUT"
}

case_ "status with three ids: one line each, in order"
expect_exit 0 -- sora status "$a" "$b" "$c"
check_lines "" "$a" "$b" "$c"

case_ "wait with three ids"
expect_exit 0 -- sora wait "$c" "$a" "$b"
check_lines completed "$c" "$a" "$b"

case_ "status after waiting"
expect_exit 0 -- sora status "$a" "$b" "$c"
check_lines completed "$a" "$b" "$c"

case_ "status --json with several ids: one object per line"
expect_exit 0 -- sora status "$a" "$b" --json
assert_json_lines "$OUT" 2

case_ "delete two ids"
clear_requests
expect_exit 0 -- sora delete "$a" "$b"
assert_lines "$OUT" 2
assert_eq "$(sed -n 1p "$OUT" | awk '{print $1}')" "$a" "first deleted id"
assert_eq "$(sed -n 2p "$OUT" | awk '{print $1}')" "$b" "second deleted id"
assert_req "len(reqs('DELETE', r'/videos/$a\$')) == 1 and len(reqs('DELETE', r'/videos/$b\$')) == 1" \
  "one DELETE for each id"

case_ "deleted videos are gone from the list"
expect_exit 0 -- sora list
assert_lines "$OUT" 1
assert_eq "$(awk '{print $1}' "$OUT")" "$c" "the remaining video"

case_ "delete --json prints the deletion object"
expect_exit 0 -- sora delete "$c" --json
assert_json_lines "$OUT" 1
[[ "$(jpy "$OUT" 'd["id"]')" == "$c" ]] || fail "deletion object id is not $c"
[[ "$(jpy "$OUT" 'd["deleted"]')" == "True" ]] || fail "deletion object does not say deleted: true"
