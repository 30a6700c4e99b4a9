# --- 2. status as a whole process ----------------------------------------------------------------
status_section() {
  start_mock status --polls 0
  local pid=$last_mock_pid base="http://127.0.0.1:$port/v1" id
  id=$(SORA_BASE_URL=$base "$sora" -q --no-journal create -p x --wait)
  [[ $id == video_* ]] || die "create --wait printed '$id'"
  export SORA_BASE_URL=$base
  log "status: $STATUS_RUNS rounds of sora, curl${node_sdk:+, node}"
  : >"$tmp/st.sora"
  : >"$tmp/st.curl"
  : >"$tmp/st.node"
  local i
  st_one() {
    case $1 in
    sora) timed "$tmp/st.sora" "$sora" -q status "$id" >/dev/null ;;
    curl) timed "$tmp/st.curl" curl -sS -o /dev/null "$base/videos/$id" ;;
    node) timed "$tmp/st.node" node bench/openai-node.cjs "$node_sdk" "$base" status "$id" >/dev/null ;;
    esac
  }
  st_one sora # warm-up
  : >"$tmp/st.sora"
  for i in $(seq "$STATUS_RUNS"); do
    if ((i % 2)); then st_one sora; st_one curl; else st_one curl; st_one sora; fi
    [[ -z $node_sdk ]] || st_one node
  done
  stop_mock "$pid"
  row "\`sora status ID\` vs \`curl\` GET, one process each, $(runs_note "$STATUS_RUNS")" \
    "no file written" "$tmp/st.sora" "$tmp/st.curl" "≤ 1.25"
  local ok
  target "status vs curl, median of pairs" "$(two "$last_pm")" 1.25
  rows[-1]=${rows[-1]/≤ 1.25 |/≤ 1.25: $ok |}
  verdicts+=("status vs curl: $(two "$last_pm")× ($ok)")
  if [[ -n $node_sdk ]]; then
    row "the OpenAI Node SDK's \`videos.retrieve\` (one node process) vs \`curl\` GET" \
      "no file written" "$tmp/st.node" "$tmp/st.curl" "(for reading)"
  fi
}
