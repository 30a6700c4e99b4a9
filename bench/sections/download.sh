# --- 1. download ---------------------------------------------------------------------------------
download_section() {
  need_kib "$tmp" $((3 * BIG_MIB * 1024))
  [[ -d /dev/shm && -w /dev/shm ]] || die "/dev/shm (tmpfs) is needed for the tmpfs rows"
  shm=$(mktemp -d /dev/shm/sora-bench.XXXXXX)
  need_kib "$shm" $((2 * BIG_MIB * 1024))
  log "making a $BIG_MIB MiB video"
  local big="$tmp/BIG.mp4"
  cp tests/data/sample-clip.mp4 "$big"
  truncate -s "${BIG_MIB}M" "$big"
  big_size=$(file_size "$big")
  cat "$big" >/dev/null # in the page cache for every tool alike
  start_mock download --video "$big" --polls 0
  local pid=$last_mock_pid base="http://127.0.0.1:$port/v1"
  local id
  id=$(SORA_BASE_URL=$base "$sora" -q --no-journal create -p x --wait)
  [[ $id == video_* ]] || die "create --wait printed '$id'"
  local url="$base/videos/$id/content"
  export SORA_BASE_URL=$base

  local f
  for f in sora dd curl csync shm_sora shm_curl shm_node; do : >"$tmp/dl.$f"; done
  # one TOOL DIR: one timed run writing DIR/out.mp4, checked and removed.
  one() {
    local tool=$1 dir=$2 out="$2/out.mp4" rec
    rec="$tmp/dl.$tool"
    [[ $dir == "$shm" ]] && rec="$tmp/dl.shm_$tool"
    [[ $dir == "$shm" ]] || sync
    case $tool in
    sora) timed "$rec" "$sora" -q download "$id" -o "$out" --force >/dev/null ;;
    dd) timed "$rec" dd if="$big" of="$out" bs=4M conv=fsync status=none ;;
    curl) timed "$rec" curl -sS -o "$out" "$url" ;;
    csync) timed "$rec" bash -c 'curl -sS -o "$1" "$2" && sync "$1"' _ "$out" "$url" ;;
    node) timed "$rec" node bench/openai-node.cjs "$node_sdk" "$base" download "$id" "$out" ;;
    esac
    local got
    got=$(file_size "$out")
    [[ $got -eq $big_size ]] || die "$tool wrote $got bytes to $dir, expected $big_size"
    cmp -s "$out" "$big" || die "$tool wrote other bytes than the server's"
    rm -f "$out" "$out.part" "$out.part.json"
  }
  log "download $BIG_MIB MiB to disk: $BIG_RUNS rounds of sora, dd conv=fsync, curl, curl+sync"
  one sora "$tmp" # warm-up, untimed
  : >"$tmp/dl.sora"
  local i disk=(sora dd curl csync) k
  for i in $(seq "$BIG_RUNS"); do
    # Rotate the order, so no tool always runs right after another one's writeback.
    for k in 0 1 2 3; do one "${disk[$(((i + k) % 4))]}" "$tmp"; done
  done
  log "download $BIG_MIB MiB to tmpfs: $BIG_RUNS rounds of sora, curl${node_sdk:+, node}"
  local in_ram=(sora curl)
  [[ -z $node_sdk ]] || in_ram+=(node)
  for i in $(seq "$BIG_RUNS"); do
    for k in $(seq 0 $((${#in_ram[@]} - 1))); do one "${in_ram[$(((i + k) % ${#in_ram[@]}))]}" "$shm"; done
  done
  stop_mock "$pid"
  rm -f "$big"

  local what="download $BIG_MIB MiB" ok ok_best
  row "$what: \`sora download\` (fsync, rename) vs \`dd bs=4M conv=fsync\`, same bytes, same folder" \
    "$sync_note" "$tmp/dl.sora" "$tmp/dl.dd" "≤ 1.10 median and best"
  target "download vs dd conv=fsync, best vs best" "$(two "$last_best")" 1.10
  ok_best=$ok
  target "download vs dd conv=fsync, median of pairs" "$(two "$last_pm")" 1.10
  rows[-1]=${rows[-1]/≤ 1.10 median and best/≤ 1.10 median and best: $ok, $ok_best}
  verdicts+=("download vs dd conv=fsync: median of pairs $(two "$last_pm")× ($ok), best vs best $(two "$last_best")× ($ok_best)")
  local rss=$last_ka
  row "$what: \`sora download\` vs \`curl -o\` (curl leaves the file in the page cache)" \
    "$sync_note; curl's file is not flushed" "$tmp/dl.sora" "$tmp/dl.curl" "(for reading)"
  row "$what: \`sora download\` vs \`curl -o\` then \`sync FILE\` (both flushed)" \
    "$sync_note" "$tmp/dl.sora" "$tmp/dl.csync" "(for reading)"
  row "$what to tmpfs (\`/dev/shm\`): \`sora download\` vs \`curl -o\`" \
    "output in RAM (tmpfs: nothing to flush)" "$tmp/dl.shm_sora" "$tmp/dl.shm_curl" "≤ 1.00"
  target "download to tmpfs vs curl -o, median of pairs" "$(two "$last_pm")" 1.00
  rows[-1]=${rows[-1]/≤ 1.00 |/≤ 1.00: $ok |}
  verdicts+=("download to tmpfs vs curl -o: $(two "$last_pm")× ($ok)")
  if [[ -n $node_sdk ]]; then
    row "$what to tmpfs: the OpenAI Node SDK (\`downloadContent\`, \`Readable.fromWeb\` to a file) vs \`curl -o\`" \
      "output in RAM (tmpfs)" "$tmp/dl.shm_node" "$tmp/dl.shm_curl" "(for reading)"
  fi
  [[ $(stats "$tmp/dl.shm_sora" "$tmp/dl.shm_curl" | cut -d' ' -f13) -gt $rss ]] &&
    rss=$(stats "$tmp/dl.shm_sora" "$tmp/dl.shm_curl" | cut -d' ' -f13)
  target "download peak RSS (MiB)" "$(mib "$rss")" 16
  verdicts+=("download peak RSS: $(mib "$rss") MiB, highest of all runs ($ok, target ≤ 16 MiB)")
  dl_mbps=$(awk -v s="$(stats "$tmp/dl.sora" "$tmp/dl.dd" | cut -d' ' -f1)" -v b="$big_size" \
    'BEGIN {printf "%.0f", b / s / 1048576}')
}
