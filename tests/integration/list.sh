#!/usr/bin/env bash
# `sora list`: lines, --limit, --after, --order, --all across pages, --json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_mock

case_ "setup: five videos"
ids=()
for i in 1 2 3 4 5; do
  ids+=("$(create_id --prompt "clip number $i")")
done
printf '%s\n' "${ids[@]}" | sort >"$T/all.sorted"

first_fields() { awk '{ print $1 }' "$OUT"; }

case_ "list shows every video, one line each, starting with the id"
expect_exit 0 -- sora list
assert_lines "$OUT" 5
first_fields | sort >"$T/got.sorted"
cmp -s "$T/got.sorted" "$T/all.sorted" || fail "list ids differ from the created ids: $(tr '\n' ' ' <"$T/got.sorted")"

case_ "--order asc is creation order, --order desc its reverse"
expect_exit 0 -- sora list --order asc
first_fields >"$T/asc"
printf '%s\n' "${ids[@]}" >"$T/expected.asc"
cmp -s "$T/asc" "$T/expected.asc" || fail "list --order asc: $(tr '\n' ' ' <"$T/asc"), expected ${ids[*]}"
expect_exit 0 -- sora list --order desc
first_fields >"$T/desc"
tac "$T/expected.asc" >"$T/expected.desc"
cmp -s "$T/desc" "$T/expected.desc" || fail "list --order desc: $(tr '\n' ' ' <"$T/desc")"

case_ "--limit 2 shows one page of 2"
clear_requests
expect_exit 0 -- sora list --limit 2 --order asc
assert_lines "$OUT" 2
first_fields >"$T/page"
printf '%s\n' "${ids[0]}" "${ids[1]}" >"$T/expected.page"
cmp -s "$T/page" "$T/expected.page" || fail "list --limit 2 --order asc: $(tr '\n' ' ' <"$T/page")"
assert_req 'len(reqs("GET", r"/videos$")) == 1 and query(reqs("GET", r"/videos$")[0]).get("limit") == "2"' \
  "one list request with limit=2"

case_ "--after continues after a given id"
expect_exit 0 -- sora list --limit 2 --order asc --after "${ids[1]}"
first_fields >"$T/page"
printf '%s\n' "${ids[2]}" "${ids[3]}" >"$T/expected.page"
cmp -s "$T/page" "$T/expected.page" || fail "list --after ${ids[1]}: $(tr '\n' ' ' <"$T/page")"

case_ "--all --limit 2 walks every page"
clear_requests
expect_exit 0 -- sora list --all --limit 2 --order asc
first_fields >"$T/allpages"
cmp -s "$T/allpages" "$T/expected.asc" || fail "list --all: $(tr '\n' ' ' <"$T/allpages"), expected ${ids[*]}"
assert_req 'len(reqs("GET", r"/videos$")) == 3' "5 videos in pages of 2 are 3 list requests"
assert_req 'all(query(r).get("limit") == "2" for r in reqs("GET", r"/videos$"))' "every page asked with limit=2"
assert_req "[query(r).get('after') for r in reqs('GET', r'/videos\$')][1:] == ['${ids[1]}', '${ids[3]}']" \
  "pages 2 and 3 must continue after the last id of the previous page"

case_ "--all --limit 2 with the default order"
expect_exit 0 -- sora list --all --limit 2
first_fields | sort >"$T/got.sorted"
cmp -s "$T/got.sorted" "$T/all.sorted" || fail "list --all: $(tr '\n' ' ' <"$T/got.sorted")"
assert_lines "$OUT" 5

case_ "list --json: one video object per line"
expect_exit 0 -- sora list --json --order asc
assert_json_lines "$OUT" 5
python3 -c '
import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1])]
objs = [json.loads(l).get("object") for l in open(sys.argv[1])]
assert ids == sys.argv[2:], ids
assert all(o == "video" for o in objs), objs
' "$OUT" "${ids[@]}" || fail "list --json ids/objects are wrong"

case_ "list --all --json --limit 2"
expect_exit 0 -- sora list --all --json --limit 2
assert_json_lines "$OUT" 5

case_ "list is empty after deleting everything"
expect_exit 0 -- sora delete "${ids[@]}"
expect_exit 0 -- sora list
assert_empty "$OUT"
expect_exit 0 -- sora list --json
assert_empty "$OUT"
