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

# --- many ids against a server 50 ms away: handled --concurrency at a time ------------------------
stop_mock
start_mock --latency-ms 50

case_ "setup: 40 videos (created with curl, in parallel)"
curls=()
for i in $(seq 40); do
  curl -sf --noproxy '*' -m 10 -F "prompt=job $i" "$SORA_BASE_URL/videos" >"$T/create.$i" &
  curls+=($!)
done
wait "${curls[@]}" # not a bare wait: the mocks run in the background too
many=()
for i in $(seq 40); do
  many+=("$(grep -o '"id": *"[^"]*"' "$T/create.$i" | head -n1 | sed 's/.*"\([^"]*\)"$/\1/')")
  [[ -n "${many[-1]}" ]] || fail "create $i printed no id: $(cat "$T/create.$i")"
done

ms_now() { echo $(($(date +%s%N) / 1000000)); }

case_ "wait with 40 ids: every one completed, in the order given"
expect_exit 0 -- sora wait "${many[@]}"
check_lines completed "${many[@]}"

case_ "status with 40 ids: concurrent well under the time of one at a time"
start=$(ms_now)
expect_exit 0 -- sora status --concurrency 1 "${many[@]}"
serial=$(($(ms_now) - start))
check_lines completed "${many[@]}"
start=$(ms_now)
expect_exit 0 -- sora status "${many[@]}"
concurrent=$(($(ms_now) - start))
check_lines completed "${many[@]}"
echo "  status of 40 ids, 50 ms per request: one at a time $serial ms, concurrently $concurrent ms"
((concurrent * 100 < serial * 60)) ||
  fail "40 ids took $concurrent ms concurrently, $serial ms one at a time (want < 60%)"

case_ "download with several ids: ID.mp4 each, paths in the order given, no .part left"
mkdir -p "$T/dl"
cd "$T/dl"
expect_exit 0 -- sora download "${many[2]}" "${many[0]}" "${many[1]}"
cd - >/dev/null
assert_lines "$OUT" 3
assert_eq "$(tr '\n' ' ' <"$OUT")" "${many[2]}.mp4 ${many[0]}.mp4 ${many[1]}.mp4 " "printed paths"
for id in "${many[@]:0:3}"; do [[ -s "$T/dl/$id.mp4" ]] || fail "$id.mp4 was not saved"; done
[[ -z "$(find "$T/dl" -name '*.part')" ]] || fail "a .part file was left behind"

case_ "download with several ids refuses -o and a repeated id before sending anything"
clear_requests
expect_exit 2 -- sora download "${many[0]}" "${many[1]}" -o "$T/dl/x.mp4"
expect_exit 2 -- sora download "${many[0]}" "${many[0]}"
assert_no_requests
