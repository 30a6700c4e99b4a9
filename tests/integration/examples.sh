#!/usr/bin/env bash
# The examples run as they are documented: the photo-folder Makefile and the batch script.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXAMPLES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples" && pwd)"
export XDG_STATE_HOME="$T/state"
start_mock
mkdir -p "$T/bin" "$T/photos"
ln -s "$SORA_BIN" "$T/bin/sora"
export PATH="$T/bin:$PATH"

case_ "examples/Makefile turns a folder of photos into clips, and only once"
cp "$SORA_TEST_DATA/photo-720x1280.jpg" "$T/photos/portrait.jpg"
cp "$SORA_TEST_DATA/photo-1280x720.png" "$T/photos/wide.png"
printf 'The skyline at dusk, slow pan right\n' >"$T/photos/wide.txt"
expect_exit 0 -- make -s -f "$EXAMPLES/Makefile" PHOTOS="$T/photos" CLIPS="$T/clips" -j2
assert_same "$T/clips/portrait.mp4" "$SORA_TEST_DATA/sample-clip.mp4"
assert_mp4 "$T/clips/wide.mp4"
assert_req "any(r['fields'].get('prompt') == 'The skyline at dusk, slow pan right' for r in reqs('POST', r'/videos$'))" \
  "the sidecar prompt of wide.png was used"
clear_requests
expect_exit 0 -- make -s -f "$EXAMPLES/Makefile" PHOTOS="$T/photos" CLIPS="$T/clips"
assert_no_requests

case_ "examples/batch.sh makes one clip per line"
printf 'A paper boat in a rain gutter\nSlow dolly in\t%s\n' "$SORA_TEST_DATA/photo-720x1280.jpg" >"$T/prompts.txt"
expect_exit 0 -- bash "$EXAMPLES/batch.sh" "$T/prompts.txt" "$T/batch-out"
assert_lines "$OUT" 2
while read -r clip; do assert_mp4 "$clip"; done <"$OUT"

case_ "examples/storyboard.toml: its plan, then its film (sora-mock's sample clip for every shot)"
clear_requests
expect_exit 0 -- sora storyboard "$EXAMPLES/storyboard.toml" -o "$T/lighthouse.mp4" --dry-run
assert_contains "$OUT" "● establish  4 s 1280x720  [missing]"
assert_contains "$OUT" "   └─ closer (last-frame after establish)  8 s 1280x720  [missing]"
assert_contains "$OUT" "● keeper  4 s 1280x720  [missing]"
assert_contains "$OUT" "Estimated total: \$1.60"
assert_no_requests
expect_exit 0 -- sora storyboard "$EXAMPLES/storyboard.toml" -o "$T/lighthouse.mp4"
assert_eq "$(single_line)" "$T/lighthouse.mp4" "printed film"
assert_req "len(reqs('POST', r'/videos\$')) == 3" "three shots created"
assert_req "[param(r, 'input_reference') is not None for r in reqs('POST', r'/videos\$') if param(r, 'seconds') == '8'] == [True]" \
  "the closer shot is seeded with a frame"
assert_eq "$(ffprobe -v error -show_entries chapter_tags=title -of csv=p=0 "$T/lighthouse.mp4" | tr '\n' ' ')" \
  "establish closer keeper " "one chapter per shot"
assert_file "$T/lighthouse.storyboard.json"
[[ -z "$(git -C "$EXAMPLES" status --porcelain -- . 2>/dev/null)" ]] || fail "the example wrote into examples/"

# Twelve quick jobs for the sharded examples.
stop_mock
start_mock --latency-ms 10
for i in $(seq 12); do echo "{\"id\":\"c$i\",\"prompt\":\"example clip $i, static shot\"}"; done >"$T/shots.jsonl"

case_ "examples/parallel.sh runs four shards under GNU parallel into one folder"
command -v parallel >/dev/null || fail "GNU parallel is missing: install parallel (.ci/install-deps --test)"
clear_requests
expect_exit 0 -- bash "$EXAMPLES/parallel.sh" "$T/shots.jsonl" "$T/parallel"
for i in $(seq 12); do assert_same "$T/parallel/c$i.mp4" "$SORA_TEST_DATA/sample-clip.mp4"; done
for k in 1 2 3 4; do assert_file "$T/parallel/.sora-batch.shard-$k-of-4.jsonl"; done
assert_eq "$(reqpy "len({param(r, 'prompt') for r in reqs('POST', r'/videos$')})")" 12 "jobs created"
assert_eq "$(reqpy "len(reqs('POST', r'/videos$'))")" 12 "creates"
assert_lines "$OUT" 12 # the merged report
assert_contains "$ERR" "12 jobs: 12 downloaded"

case_ "examples/k8s-indexed-job.yaml: the container's command, run as pods 0..3, makes every clip once"
# The command is read from the YAML (not copied), its /work paths moved under the test's folder,
# and run four times at once with JOB_COMPLETION_INDEX 0..3 and the pod's env (the mock's URL).
mkdir -p "$T/k8s"
cp "$T/shots.jsonl" "$T/k8s/shots.jsonl"
clear_requests
python3 - "$EXAMPLES/k8s-indexed-job.yaml" "$T/k8s" "$SORA_BASE_URL" >"$OUT" 2>"$ERR" <<'PY' ||
import os, subprocess, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
spec = doc["spec"]
assert spec["completionMode"] == "Indexed", spec
pods = spec["completions"]
container = spec["template"]["spec"]["containers"][0]
remap = lambda text: text.replace("/work/", sys.argv[2] + "/")
argv = [remap(a) for a in container["command"] + container.get("args", [])]
env = dict(os.environ)
for item in container.get("env", []):
    if "value" in item:
        env[item["name"]] = remap(item["value"])
env["SORA_BASE_URL"] = sys.argv[3]
procs = [subprocess.Popen(argv, env=dict(env, JOB_COMPLETION_INDEX=str(i)), stdout=subprocess.DEVNULL)
         for i in range(pods)]
codes = [p.wait() for p in procs]
print(pods, codes)
sys.exit(max(codes))
PY
  { _show stderr "$ERR"; fail "a pod of the indexed Job failed: $(cat "$OUT")"; }
assert_eq "$(cat "$OUT")" "4 [0, 0, 0, 0]" "pods and their exit codes"
for i in $(seq 12); do assert_same "$T/k8s/clips/c$i.mp4" "$SORA_TEST_DATA/sample-clip.mp4"; done
for k in 1 2 3 4; do assert_file "$T/k8s/clips/.sora-batch.shard-$k-of-4.jsonl"; done
assert_eq "$(reqpy "len({param(r, 'prompt') for r in reqs('POST', r'/videos$')})")" 12 "jobs created"
assert_eq "$(reqpy "len(reqs('POST', r'/videos$'))")" 12 "creates"
assert_file "$T/k8s/state/sora/jobs.jsonl" # XDG_STATE_HOME from the YAML: the journal on the volume
expect_exit 0 -- sora batch "$T/k8s/shots.jsonl" --out-dir "$T/k8s/clips" --report
assert_contains "$ERR" "12 jobs: 12 downloaded"
