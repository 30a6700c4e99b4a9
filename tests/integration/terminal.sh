#!/usr/bin/env bash
# e2e.terminal: what a person sees. `sora create --image … -o clip.mp4` is typed into a shell in a
# 100x20 tmux pane against sora-mock; the final screen must show a clean summary (Saved … clip.mp4
# and the path), no raw escape sequences or leftovers of the live progress line, and no line wider
# than the terminal. Needs tmux (.ci/install-deps --test installs it).
source "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || fail "tmux is not installed (.ci/install-deps --test installs it)"

# A private tmux server (own socket dir, no user config), killed before lib.sh cleans up.
export TMUX_TMPDIR="$T"
unset TMUX
TM=(tmux -L sora-e2e -f /dev/null)
trap 'rc=$?; "${TM[@]}" kill-server >/dev/null 2>&1; (exit $rc); _e2e_cleanup' EXIT

# content-slow: the download takes ~0.5 s, so the live progress line is drawn and must be erased.
start_mock --fault content-slow
mkdir -p "$T/work" "$T/bin"
cp "$DATA/photo-720x1280.jpg" "$T/work/photo.jpg"
ln -s "$SORA_BIN" "$T/bin/sora"
SCREEN="$T/screen"

# screen: the pane's text now, wrapped lines joined (so a too-long line shows as one), trailing
# blanks removed.
# Every screen seen is also kept in $SCREENS, so the checks cover the live progress line too.
SCREENS="$T/screens"
screen() {
  "${TM[@]}" capture-pane -p -J -t e2e | sed 's/[[:space:]]*$//' >"$SCREEN"
  cat "$SCREEN" >>"$SCREENS"
}

case_ "sora create in a 100x20 terminal"
"${TM[@]}" new-session -d -s e2e -x 100 -y 20 -c "$T/work" \
  env PATH="$T/bin:$PATH" PS1='$ ' HISTFILE=/dev/null TERM=screen bash --norc --noprofile -i
# Type only once the prompt is there, as a person would (typeahead would echo before it).
for ((i = 0; i < 100; i++)); do # ≤ 10 s
  "${TM[@]}" capture-pane -p -t e2e | grep -qx '\$' && break
  sleep 0.1
done
"${TM[@]}" capture-pane -p -t e2e | grep -qx '\$' || fail "no shell prompt in the tmux pane after 10 s"
"${TM[@]}" send-keys -t e2e -l 'sora create --image photo.jpg --prompt "a paper boat, slow dolly in" -o clip.mp4; echo "rc=$?"'
"${TM[@]}" send-keys -t e2e Enter
for ((i = 0; i < 300; i++)); do # ≤ 30 s
  screen
  grep -qE '^rc=[0-9]+$' "$SCREEN" && break
  sleep 0.1
done
echo "  final screen:"
sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$SCREEN" | sed 's/^/    | /'
assert_matches "$SCREEN" '^rc=[0-9]+$'
assert_contains "$SCREEN" "rc=0"

case_ "the summary"
assert_matches "$SCREEN" '^Created video_[A-Za-z0-9_]+ .*; waiting for it to finish$'
assert_matches "$SCREEN" '^Saved clip\.mp4 \([0-9.]+ [KMG]?i?B\)$'
assert_matches "$SCREEN" '^clip\.mp4$'
assert_mp4 "$T/work/clip.mp4"

case_ "no escape garbage or progress leftovers"
if grep -qP '\x1b|\r|\[[0-9;]*[A-HJKSTfmsu]' "$SCREENS"; then
  fail "raw escape sequences on screen: $(grep -nP '\x1b|\r|\[[0-9;]*[A-HJKSTfmsu]' "$SCREENS" | head -3)"
fi
# The live progress line is erased when done: between the command and rc= only whole lines.
sed -n '/^\$ sora create/,/^rc=/p' "$SCREEN" | sed '1d;$d' >"$T/output"
while IFS= read -r line; do
  [[ "$line" =~ ^(Created|Saved|clip\.mp4$) ]] || fail "unexpected line on screen: '$line'"
done <"$T/output"

case_ "every line fits 100 columns, the live progress line included"
while IFS= read -r line; do
  ((${#line} <= 100)) || fail "line of ${#line} columns: $line"
done <"$SCREENS"
echo "  $(grep -c '^rc=' "$SCREENS") of $(grep -c '^\$ sora create' "$SCREENS") screens final;" \
  "progress seen: $(grep -vE '^(\$|Created|Saved|clip\.mp4|rc=|$)' "$SCREENS" | sort -u | head -3 | tr '\n' '|')"
