# --- 6. media: stitching and exact last frames against ffmpeg ------------------------------------
# Ten 4 s 720p H.264 clips joined by stream copy (sora-media-bench, the core's stitch_clips) vs
# `ffmpeg -f concat -safe 0 -i LIST -c copy` followed by `sync FILM`, as our film is fsynced
# (target: within 1.1x); the last frame of a 12 s 1080p clip as PNG, `sora frames --last` vs the
# exact ffmpeg command, which decodes every frame and keeps frame N-1 (target: within 1.5x); the
# stitch's peak RSS flat in the number of clips (10 vs 40) and in their length (4 s vs 12 s), and
# a re-encode's in the number of clips (2 vs 6). bench/media runs this section alone.
MEDIA_RUNS=${MEDIA_RUNS:-5}

# media_clip OUT SIZE SECONDS: an H.264 clip with moving content and fixed encoder settings.
media_clip() {
  ffmpeg -v error -f lavfi -i "testsrc2=s=$2:r=24:d=$3" -c:v libx264 -preset veryfast -g 48 \
    -pix_fmt yuv420p -y "$1"
}

# media_pairs NAME A B: MEDIA_RUNS paired runs (order alternated) of the commands in the arrays
# named A and B, timed into $tmp/NAME.a and $tmp/NAME.b, after one warm-up run of each.
media_pairs() {
  local name=$1 i
  local -n media_a=$2 media_b=$3
  "${media_a[@]}" >/dev/null 2>&1 || die "media: ${media_a[*]} failed"
  "${media_b[@]}" >/dev/null 2>&1 || die "media: ${media_b[*]} failed"
  : >"$tmp/$name.a"
  : >"$tmp/$name.b"
  for i in $(seq "$MEDIA_RUNS"); do
    if ((i % 2)); then
      timed "$tmp/$name.a" "${media_a[@]}" >/dev/null 2>&1
      timed "$tmp/$name.b" "${media_b[@]}" >/dev/null 2>&1
    else
      timed "$tmp/$name.b" "${media_b[@]}" >/dev/null 2>&1
      timed "$tmp/$name.a" "${media_a[@]}" >/dev/null 2>&1
    fi
  done
}

# media_peak CMD...: the highest peak RSS (KiB) of the command over MEDIA_RUNS runs.
media_peak() {
  local runs="$tmp/media-peak" i
  : >"$runs"
  for i in $(seq "$MEDIA_RUNS"); do timed "$runs" "$@" >/dev/null 2>&1; done
  awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$runs"
}

media_section() {
  if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
    die "media: ffmpeg and ffprobe are needed (.ci/install-deps --test)"
  fi
  local tool="$BUILD_DIR/bench/sora-media-bench" dir="$tmp/media" i ok
  [[ -x $tool ]] || die "media: $tool is missing (configure with -DSORA_BUILD_BENCH=ON)"
  mkdir -p "$dir"
  log "media: clips (4 s and 12 s 720p, 12 s 1080p), $MEDIA_RUNS paired runs each"
  media_clip "$dir/short.mp4" 1280x720 4
  media_clip "$dir/long.mp4" 1280x720 12
  media_clip "$dir/big.mp4" 1920x1080 12
  # Copies, so every clip is its own file (stream copy does not care that they look alike).
  for i in $(seq 1 40); do cp "$dir/short.mp4" "$dir/c$i.mp4"; done
  for i in $(seq 1 10); do cp "$dir/long.mp4" "$dir/l$i.mp4"; done
  local ten=() forty=() long=()
  for i in $(seq 1 10); do ten+=("$dir/c$i.mp4") long+=("$dir/l$i.mp4"); done
  for i in $(seq 1 40); do forty+=("$dir/c$i.mp4"); done
  for i in $(seq 1 10); do echo "file '$dir/c$i.mp4'"; done >"$dir/ten.txt"

  local ours=("$tool" stitch "$dir/s.mp4" "${ten[@]}")
  # The baseline ends with an fsync of its film, as stitch_clips does before its rename.
  cat >"$dir/ffmpeg-concat" <<'SH'
#!/bin/sh
ffmpeg -v error -f concat -safe 0 -i "$1" -c copy -y "$2" && sync "$2"
SH
  chmod +x "$dir/ffmpeg-concat"
  local theirs=("$dir/ffmpeg-concat" "$dir/ten.txt" "$dir/f.mp4")
  media_pairs stitch ours theirs
  row "stitch ten 4 s 720p clips by stream copy (\`sora-media-bench\`, the core's stitch) vs \`ffmpeg -f concat -c copy\` then \`sync\` of its film (stitch_clips fsyncs before the rename), $(runs_note "$MEDIA_RUNS")" \
    "clips in the page cache" "$tmp/stitch.a" "$tmp/stitch.b" "≤ 1.1"
  target "stitching vs ffmpeg concat, median of pairs" "$(two "$last_pm")" 1.1
  rows[-1]=${rows[-1]/≤ 1.1 |/≤ 1.1: $ok |}
  verdicts+=("stitching ten clips vs ffmpeg concat: $(two "$last_pm")× ($ok)")
  # Ours must be an exact stream copy: the clips' packets, in order, with their sizes. (ffmpeg's
  # concat demuxer puts the parameter sets in front of each clip's first keyframe, 38 bytes here.)
  media_sizes() { ffprobe -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$1"; }
  if cmp -s <(media_sizes "$dir/s.mp4") <(for i in $(seq 1 10); do media_sizes "$dir/c$i.mp4"; done); then
    verdicts+=("the stitched film holds the clips' packets unchanged (sizes compared with ffprobe)")
  else
    missed+=("the stitched film's packets differ from the clips' (not a stream copy)")
  fi

  local frames
  frames=$(ffprobe -v error -select_streams v:0 -show_entries stream=nb_frames -of csv=p=0 "$dir/big.mp4")
  ours=("$sora" frames "$dir/big.mp4" --last -o "$dir/last.png" --force)
  theirs=(ffmpeg -v error -i "$dir/big.mp4" -vf "select=eq(n\,$((frames - 1)))" -fps_mode passthrough
    -frames:v 1 -y "$dir/ff-last.png")
  media_pairs last ours theirs
  row "exact last frame of a 12 s 1080p clip as PNG, \`sora frames --last\` vs ffmpeg (decode all, keep frame N-1), $(runs_note "$MEDIA_RUNS")" \
    "clip in the page cache" "$tmp/last.a" "$tmp/last.b" "≤ 1.5"
  target "last frame vs ffmpeg, median of pairs" "$(two "$last_pm")" 1.5
  rows[-1]=${rows[-1]/≤ 1.5 |/≤ 1.5: $ok |}
  verdicts+=("exact last frame vs ffmpeg: $(two "$last_pm")× ($ok)")
  local same
  same=$(ffmpeg -hide_banner -nostats -i "$dir/last.png" -i "$dir/ff-last.png" -lavfi psnr -f null - 2>&1 |
    sed -n 's/.*average:\([^ ]*\).*/\1/p' | tail -n 1)
  [[ $same == inf ]] || missed+=("sora's last frame differs from ffmpeg's (PSNR $same dB)")

  log "media: peak RSS of stitching 10 and 40 clips, 4 s and 12 s long"
  local k10 k40 k12
  k10=$(media_peak "$tool" stitch "$dir/m10.mp4" "${ten[@]}")
  k40=$(media_peak "$tool" stitch "$dir/m40.mp4" "${forty[@]}")
  k12=$(media_peak "$tool" stitch "$dir/m12.mp4" "${long[@]}")
  local by_count by_length
  by_count=$(awk -v a="$k40" -v b="$k10" 'BEGIN {printf "%.2f", a / b}')
  by_length=$(awk -v a="$k12" -v b="$k10" 'BEGIN {printf "%.2f", a / b}')
  target "stitching memory, 40 clips vs 10" "$by_count" 1.1
  local ok_count=$ok
  target "stitching memory, 12 s clips vs 4 s" "$by_length" 1.1
  tables+=("Peak RSS of stitching (\`sora-media-bench stitch\`, highest of $MEDIA_RUNS runs) and re-encoding (one run each): flat in the number and length of clips.

| clips | peak RSS | against ten 4 s clips | target |
|---|---:|---:|---|
| ten 4 s 720p | $(mib "$k10") MiB | — | — |
| forty 4 s 720p | $(mib "$k40") MiB | ×$by_count | ≤ 1.1: $ok_count |
| ten 12 s 720p | $(mib "$k12") MiB | ×$by_length | ≤ 1.1: $ok |")
  verdicts+=("stitching memory: ×$by_count for 4× the clips ($ok_count), ×$by_length for 3× their length ($ok)")

  # A re-encode (storyboard --reencode) holds the encoder's look-ahead, never a clip: its peak
  # RSS too is flat in the number of clips (one run each: it takes seconds per clip).
  log "media: peak RSS of re-encoding 2 and 6 clips of two sizes"
  media_clip "$dir/tall.mp4" 720x1280 4
  local r2 r6 by_clips
  r2=$(MEDIA_RUNS=1 media_peak "$tool" reencode "$dir/r2.mp4" "$dir/c1.mp4" "$dir/tall.mp4")
  r6=$(MEDIA_RUNS=1 media_peak "$tool" reencode "$dir/r6.mp4" "$dir/c1.mp4" "$dir/tall.mp4" \
    "$dir/c2.mp4" "$dir/tall.mp4" "$dir/c3.mp4" "$dir/tall.mp4")
  by_clips=$(awk -v a="$r6" -v b="$r2" 'BEGIN {printf "%.2f", a / b}')
  target "re-encoding memory, 6 clips vs 2" "$by_clips" 1.1
  tables[-1]+=$'\n'"| re-encode 2 clips (1280x720 and 720x1280, 4 s) | $(mib "$r2") MiB | — | — |"
  tables[-1]+=$'\n'"| re-encode 6 such clips | $(mib "$r6") MiB | ×$by_clips against 2 | ≤ 1.1: $ok |"
  verdicts+=("re-encoding memory: ×$by_clips for 3× the clips ($ok)")
}
