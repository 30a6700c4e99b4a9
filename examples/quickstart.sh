#!/usr/bin/env bash
# The README's first command: on a fresh Debian 12, install what is missing, build sora, start the
# bundled sora-mock on loopback and make a video from a photo: create -> wait -> download an MP4.
# No API key and no network beyond apt. The clip lands in build/quickstart/clip.mp4.
set -euo pipefail
cd "$(dirname "$0")/.."

.ci/install-deps
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSORA_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

work=build/quickstart
mkdir -p "$work"
rm -f "$work/port" "$work/clip.mp4"
build/sora-mock --port 0 --port-file "$work/port" --polls 5 --poll-after-ms 400 --quiet &
mock=$!
trap 'kill "$mock" 2>/dev/null; wait "$mock" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.05; done
[[ -s "$work/port" ]] || { echo "quickstart: sora-mock did not start" >&2; exit 1; }
export SORA_BASE_URL="http://127.0.0.1:$(cat "$work/port")/v1"

echo "\$ sora create --image tests/data/photo-720x1280.jpg --prompt \"…\" -o $work/clip.mp4" >&2
build/sora create --image tests/data/photo-720x1280.jpg \
  --prompt "Slow dolly in on the fractal coastline as the light turns golden" -o "$work/clip.mp4"

if [[ "$(head -c 8 "$work/clip.mp4" | tail -c 4)" != "ftyp" ]]; then
  echo "quickstart: $work/clip.mp4 is not an MP4" >&2
  exit 1
fi
echo "quickstart: done. Play it with: ffplay $work/clip.mp4 (or any video player)" >&2
