#!/usr/bin/env bash
# Split one manifest into 4 shards and run them side by side with GNU parallel.
# Each shard has its own state file; rerun the same command after a failure to finish the rest.
set -euo pipefail
manifest=${1:?usage: examples/parallel.sh MANIFEST [OUT_DIR]}
out=${2:-clips}
mkdir -p "$out"
parallel --line-buffer --halt never \
  sora batch "$manifest" --out-dir "$out" --state "$out/.shard-{}.json" --shard {}/4 -q ::: 1 2 3 4
