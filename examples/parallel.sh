#!/usr/bin/env bash
# Split one manifest into 4 shards and run them side by side with GNU parallel, all writing to one
# folder: each shard keeps its own state file there (OUT_DIR/.sora-batch.shard-K-of-4.jsonl), so
# rerunning the same command after a failure finishes the rest without paying twice. The merged
# report of all four shards comes last.
set -euo pipefail
manifest=${1:?usage: examples/parallel.sh MANIFEST [OUT_DIR]}
out=${2:-clips}
mkdir -p "$out"
status=0
# Each shard's own table is left out (stdout): the merged report below lists every job once.
parallel --line-buffer --halt never \
  sora batch "$manifest" --out-dir "$out" --shard {}/4 -q ::: 1 2 3 4 >/dev/null || status=$?
sora batch "$manifest" --out-dir "$out" --report
exit "$status"
