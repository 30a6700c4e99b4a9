# --- 5. fitting photos (bench/fit) ---------------------------------------------------------------
fit_section() {
  log "fit: 24 and 48 MP photos in every format"
  "$root/bench/fit" "$BUILD_DIR" >"$tmp/fit.rows" || die "bench/fit failed"
  local line fit_table="| case | wall, median (min–max) | CPU, median (min–max) | load (1 min) | target | peak RSS, median (max) |
|---|---:|---:|---:|---|---:|"
  while IFS= read -r line; do
    case $line in
    "|"*) fit_table+=$'\n'"$line" ;;
    "- "*)
      verdicts+=("${line#- }")
      [[ $line != *missed* ]] || missed+=("${line#- }")
      ;;
    esac
  done <"$tmp/fit.rows"
  tables+=("$fit_table")
}
