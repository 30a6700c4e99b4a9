# --- 3. create with a big image ------------------------------------------------------------------
upload_section() {
  need_kib "$tmp" $((2 * UPLOAD_MIB * 1024))
  log "making a $UPLOAD_MIB MiB image"
  local img="$tmp/BIGIMG.jpg"
  cp tests/data/photo-720x1280.jpg "$img"
  truncate -s "${UPLOAD_MIB}M" "$img" # zeros after the JPEG's end: still a 720x1280 JPEG
  cat "$img" >/dev/null
  start_mock upload --polls 1000000
  local pid=$last_mock_pid base="http://127.0.0.1:$port/v1"
  export SORA_BASE_URL=$base
  : >"$tmp/up.sora"
  : >"$tmp/up.curl"
  : >"$tmp/up.nj"
  check_created() { grep -q '"id":"video_\|^video_' "$tmp/created" || die "$1 did not create a job: $(head -c 300 "$tmp/created")"; }
  up_one() {
    case $1 in
    sora) timed "$tmp/up.sora" "$sora" -q create -p x --image "$img" >"$tmp/created" ;;
    sora-nj) timed "$tmp/up.nj" "$sora" -q --no-journal create -p x --image "$img" >"$tmp/created" ;;
    curl) timed "$tmp/up.curl" curl -sS -F prompt=x -F size=720x1280 \
      -F "input_reference=@$img;type=image/jpeg" "$base/videos" >"$tmp/created" ;;
    esac
    check_created "$1"
  }
  log "upload: $UPLOAD_RUNS rounds of sora, curl -F, sora --no-journal (plus one warm-up)"
  up_one sora-nj
  : >"$tmp/up.nj"
  local i order=(sora curl sora-nj) k half=$(((UPLOAD_RUNS + 1) / 2)) mock_half_rss
  for i in $(seq "$UPLOAD_RUNS"); do
    for k in 0 1 2; do up_one "${order[$(((i + k) % 3))]}"; done
    # The mock's peak after the first half of the creates, to compare with its peak after all of
    # them: it must not grow with the number of uploads.
    [[ $i -eq $half ]] && mock_half_rss=$(peak_kib "$pid")
  done
  # Every create reached the mock with the whole image.
  local sizes
  sizes=$(curl -sS "http://127.0.0.1:$port/_mock/requests" | grep -oE '"size":[0-9]+' | sort | uniq -c)
  [[ $(echo "$sizes" | wc -l) -eq 1 && $sizes == *"\"size\":$(file_size "$img")" ]] ||
    die "the mock received other image sizes: $sizes"
  mock_up_rss=$(peak_kib "$pid")
  stop_mock "$pid"
  rm -f "$img"
  row "create with a $UPLOAD_MIB MiB image: \`sora create --image\` vs \`curl -F\`, $(runs_note "$UPLOAD_RUNS")" \
    "the image is in the page cache; the mock writes it to a temporary file" \
    "$tmp/up.sora" "$tmp/up.curl" "≤ 1.05, ≤ 16 MiB"
  local ok ok_rss
  target "create peak RSS (MiB)" "$(mib "$last_ka")" 16
  ok_rss=$ok
  target "create vs curl -F, median of pairs" "$(two "$last_pm")" 1.05
  rows[-1]=${rows[-1]/≤ 1.05, ≤ 16 MiB |/≤ 1.05: $ok; ≤ 16 MiB: $ok_rss |}
  verdicts+=("create vs curl -F: $(two "$last_pm")× ($ok); sora peak RSS $(mib "$last_ka") MiB ($ok_rss)")
  row "the same create with \`--no-journal\` (no journal line written)" "as above" \
    "$tmp/up.nj" "$tmp/up.curl" "(for reading)"
  target "sora-mock peak RSS after the uploads (MiB)" "$(mib "$mock_up_rss")" 64
  verdicts+=("sora-mock peak RSS after $((UPLOAD_RUNS * 3 + 1)) creates of $UPLOAD_MIB MiB: $(mib "$mock_up_rss") MiB ($ok, target ≤ 64 MiB)")
  # Flat: the peak after all the creates is within 4 MiB of the peak after the first half (it grew
  # by about a MiB per create when every job kept its image's first MiB).
  local growth=$(((mock_up_rss - mock_half_rss) / 1024))
  target "sora-mock peak RSS growth from $((half * 3 + 1)) to $((UPLOAD_RUNS * 3 + 1)) creates (MiB)" "$growth" 4
  verdicts+=("sora-mock peak RSS after $((half * 3 + 1)) creates: $(mib "$mock_half_rss") MiB, after $((UPLOAD_RUNS * 3 + 1)): $(mib "$mock_up_rss") MiB (+$growth MiB, $ok, target ≤ +4 MiB)")
}
