#!/usr/bin/env bash
# sora batch: a manifest of jobs run concurrently, resumable, never creating a job twice.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export XDG_STATE_HOME="$T/state"
start_mock
posts() { reqpy "len(reqs('POST', r'/videos(/[^/]+/remix)?$'))"; }

mkdir -p "$T/m"
cp "$SORA_TEST_DATA/photo-720x1280.jpg" "$T/m/portrait.jpg"
printf 'a prompt kept in a file\n' >"$T/m/shot.txt"
cat >"$T/m/jobs.jsonl" <<'JSONL'
{"id":"lake","prompt":"a calm lake at dawn","image":"portrait.jpg"}
{"id":"city","prompt_file":"shot.txt","seconds":"8","size":"1280x720"}
{"id":"lake-remix","prompt":"the same lake at night","remix_of":"lake"}
{"id":"broken","prompt":"this one mock:fail s"}
{"prompt":"an unlabelled job","output":"named/clip.mp4"}
JSONL

case_ "a bad manifest is refused with line numbers before anything is sent"
printf '{"prompt":"ok"}\n{"prompt":"x","seconds":"10"}\n{"prompt":""}\n' >"$T/bad.jsonl"
clear_requests
expect_exit 2 -- sora batch "$T/bad.jsonl" --out-dir "$T/bad-out"
assert_contains "$ERR" "line 2"
assert_contains "$ERR" "line 3"
assert_no_requests

case_ "--dry-run shows the plan and sends nothing"
expect_exit 0 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/out" --dry-run
assert_lines "$OUT" 5
assert_contains "$OUT" "remix lake"
assert_no_requests

case_ "a batch runs every job; one failure gives exit 6 and the others still finish"
expect_exit 6 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/out" --concurrency 3
for f in lake city lake-remix named/clip; do assert_same "$T/out/$f.mp4" "$SORA_TEST_DATA/sample-clip.mp4"; done
assert_no_file "$T/out/broken.mp4"
assert_eq "$(posts)" 5 "creates and remixes sent"
assert_req "any(r['fields'].get('input_reference', {}).get('filename') == 'portrait.jpg' for r in reqs('POST', r'/videos$'))" \
  "the image of line 1 was uploaded"
assert_req "any(r.get('json') and r['json'].get('seconds') == '8' and r['json'].get('size') == '1280x720' for r in reqs('POST', r'/videos$'))" \
  "line 2's settings were sent"
assert_contains "$OUT" "broken"
assert_file "$T/out/.sora-batch.jsonl"
assert_eq "$(wc -l <"$XDG_STATE_HOME/sora/jobs.jsonl" | tr -d ' ')" 5 "every started job is journaled"

case_ "a rerun skips finished jobs, keeps the failure, and creates nothing"
clear_requests
expect_exit 6 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/out" --json
assert_eq "$(posts)" 0 "creates on rerun"
assert_json_lines "$OUT" 5
assert_contains "$OUT" '"earlier_run":true'
assert_contains "$OUT" '"status":"failed"'

case_ "a folder with the older state file (one JSON object) resumes from it and creates nothing"
python3 - "$T/out/.sora-batch.jsonl" "$T/out/.sora-batch.json" <<'PY'
import json, sys
jobs = {}
for line in open(sys.argv[1]):
    j = json.loads(line)
    if "label" in j:
        jobs[j.pop("label")] = j
json.dump({"version": 1, "jobs": jobs}, open(sys.argv[2], "w"), indent=2)
PY
rm "$T/out/.sora-batch.jsonl"
clear_requests
expect_exit 6 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/out"
assert_eq "$(posts)" 0 "creates after the older state file"
assert_file "$T/out/.sora-batch.jsonl"
rm "$T/out/.sora-batch.json"

case_ "--retry-failed creates only the failed job anew"
clear_requests
expect_exit 6 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/out" --retry-failed
assert_eq "$(posts)" 1 "creates with --retry-failed"

case_ "a job with an id is resumed, never created again"
cat >"$T/m/slow.jsonl" <<'JSONL'
{"id":"s1","prompt":"mock:never one"}
{"id":"s2","prompt":"mock:never two"}
JSONL
clear_requests
expect_exit 8 -- sora batch "$T/m/slow.jsonl" --out-dir "$T/slow" --wait-timeout 1
assert_eq "$(posts)" 2 "first run creates"
clear_requests
expect_exit 8 -- sora batch "$T/m/slow.jsonl" --out-dir "$T/slow" --wait-timeout 1
assert_eq "$(posts)" 0 "a rerun must not create again"
assert_req "len(reqs('GET', r'/videos/[^/]+$')) >= 2" "the rerun polls the existing jobs"

case_ "shards split a manifest without overlap"
clear_requests
expect_exit 0 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/sh" --state "$T/sh1.json" --shard 1/2 --retry-failed --dry-run
s1="$(cut -d' ' -f1 "$OUT" | sort)"
expect_exit 0 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/sh" --state "$T/sh2.json" --shard 2/2 --dry-run
s2="$(cut -d' ' -f1 "$OUT" | sort)"
assert_eq "$(printf '%s\n%s\n' "$s1" "$s2" | sort | uniq -d | wc -l | tr -d ' ')" 0 "jobs in both shards"
assert_eq "$(printf '%s\n%s\n' "$s1" "$s2" | grep -c .)" 5 "jobs across shards"
expect_exit 2 -- sora batch "$T/m/jobs.jsonl" --shard 3/2

case_ "existing outputs are never replaced without --force"
mkdir -p "$T/keep"
printf 'precious' >"$T/keep/lake.mp4"
clear_requests
expect_exit 2 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/keep"
assert_contains "$ERR" "lake.mp4"
assert_no_requests
assert_eq "$(cat "$T/keep/lake.mp4")" precious "kept file"

case_ "CSV manifests and a rate limit that slows the batch"
stop_mock
start_mock --fault create-429
printf 'id,prompt,seconds\none,"a lake, at dawn",4\ntwo,"a city",8\n' >"$T/m/jobs.csv"
expect_exit 0 -- sora batch "$T/m/jobs.csv" --out-dir "$T/csv" --concurrency 2
assert_mp4 "$T/csv/one.mp4"
assert_mp4 "$T/csv/two.mp4"

case_ "three shards started at once in one folder: each job created and written once, one report"
stop_mock
start_mock --latency-ms 20
for i in $(seq 12); do echo "{\"id\":\"s$i\",\"prompt\":\"shard job $i, static shot\"}"; done >"$T/m/many.jsonl"
expect_exit 8 -- sora batch "$T/m/many.jsonl" --out-dir "$T/shards" --report
assert_contains "$ERR" "12 jobs: 0 downloaded, 0 failed, 0 refused, 0 unfinished, 12 pending"
pids=()
for k in 1 2 3; do
  "$SORA_BIN" --no-progress batch "$T/m/many.jsonl" --out-dir "$T/shards" --shard "$k/3" -j 4 \
    >"$T/shard$k.out" 2>"$T/shard$k.err" &
  pids+=("$!")
done
for k in 1 2 3; do
  RC=0
  wait "${pids[k - 1]}" || RC=$?
  [[ $RC == 0 ]] || { _show "shard $k stderr" "$T/shard$k.err"; fail "shard $k/3 exited $RC"; }
  assert_file "$T/shards/.sora-batch.shard-$k-of-3.jsonl"
  assert_contains "$T/shard$k.err" "All shards in $T/shards: 12 jobs:"
done
for i in $(seq 12); do assert_same "$T/shards/s$i.mp4" "$SORA_TEST_DATA/sample-clip.mp4"; done
assert_eq "$(reqpy "len(reqs('POST', r'/videos$'))")" 12 "creates"
assert_eq "$(reqpy "len({param(r, 'prompt') for r in reqs('POST', r'/videos$')})")" 12 "jobs created"
assert_eq "$(reqpy "len(reqs('GET', r'/content$'))")" 12 "downloads"
assert_no_file "$T/shards/.sora-batch.jsonl"
clear_requests
expect_exit 0 -- sora batch "$T/m/many.jsonl" --out-dir "$T/shards" --report
assert_lines "$OUT" 12
assert_contains "$ERR" "12 jobs: 12 downloaded, 0 failed, 0 refused, 0 unfinished, 0 pending (from 3 state files"
expect_exit 0 -- sora batch "$T/m/many.jsonl" --out-dir "$T/shards" --report --json
assert_json_lines "$OUT" 12
assert_contains "$OUT" '"batch_status":"downloaded"'
assert_no_requests
rm "$T/shards/.sora-batch.shard-2-of-3.jsonl"
expect_exit 8 -- sora batch "$T/m/many.jsonl" --out-dir "$T/shards" --report
assert_contains "$ERR" "12 jobs: 8 downloaded, 0 failed, 0 refused, 0 unfinished, 4 pending"
expect_exit 8 -- sora batch "$T/m/many.jsonl" --out-dir "$T/shards" --shard 2/3 --report
assert_lines "$OUT" 4

case_ "sora-mock keeps a connection for many requests and sends short answers uncompressed"
outs=() urls=()
for _ in $(seq 8); do
  outs+=(-o /dev/null)
  urls+=("$MOCK_URL/v1/videos?limit=1")
done
connects="$(curl -sS -H "Authorization: Bearer $SORA_API_KEY" "${outs[@]}" -w '%{num_connects}' "${urls[@]}")"
assert_eq "$connects" 10000000 "connections opened for each of eight requests"
auth=(-H "Authorization: Bearer $SORA_API_KEY" -H "Accept-Encoding: br, gzip")
curl -sS "${auth[@]}" -D "$T/short.h" -o /dev/null "$MOCK_URL/v1/videos/video_none"
grep -qi '^content-encoding' "$T/short.h" && fail "a short answer was compressed: $(cat "$T/short.h")"
curl -sS "${auth[@]}" -D "$T/long.h" -o /dev/null "$MOCK_URL/v1/videos?limit=20"
grep -qi '^content-encoding' "$T/long.h" || fail "a list of 20 jobs was not compressed: $(cat "$T/long.h")"
