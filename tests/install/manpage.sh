#!/usr/bin/env bash
# install.manpage: sora(1) and sora-mock(1), generated at build time, are what the binaries print
# now, render without groff warnings, have the standard sections, and document every command and
# option that --help shows (so the page cannot drift from the CLI).
source "$(dirname "$0")/lib.sh"

step "generated pages match --generate-man"
for prog in sora sora-mock; do
  bin="$SORA_BIN"
  [[ $prog == sora-mock ]] && bin="$SORA_MOCK_BIN"
  assert_file "$SORA_BUILD_DIR/$prog.1"
  "$bin" --generate-man | cmp -s - "$SORA_BUILD_DIR/$prog.1" ||
    fail "$prog.1 differs from '$prog --generate-man' (stale build?)"
  "$bin" --help >"$T/$prog.help"
  if grep -q -- --generate-man "$T/$prog.help"; then fail "$prog --help shows the hidden --generate-man"; fi
done

command -v groff >/dev/null || fail "groff is not installed (.ci/install-deps --test installs it)"
render() { # PAGE OUT: plain text as man shows it, 100 columns
  groff -man -Tutf8 -ww -rLL=100n -rLT=100n "$1" 2>"$T/groff.err" | col -bx >"$2"
  [[ ! -s "$T/groff.err" ]] || fail "groff warnings for $1: $(head -5 "$T/groff.err")"
}

step "sora(1) renders with the standard sections"
render "$SORA_BUILD_DIR/sora.1" "$T/sora.txt"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES; do
  grep -qx "$section" "$T/sora.txt" || fail "sora(1) has no $section section"
done
assert_grep "$T/sora.txt" '^ +sora - ' "NAME line"
for var in SORA_API_KEY OPENAI_API_KEY SORA_BASE_URL OPENAI_BASE_URL XDG_STATE_HOME NO_COLOR; do
  assert_grep "$T/sora.txt" "^ +$var( |\$)" "ENVIRONMENT entry $var"
done
assert_grep "$T/sora.txt" 'XDG_STATE_HOME/sora/jobs\.jsonl' "FILES entry for the journal"
if command -v man >/dev/null; then
  MANWIDTH=100 man -l "$SORA_BUILD_DIR/sora.1" >"$T/man.out" 2>"$T/man.err" || fail "man -l sora.1 failed"
  assert_grep "$T/man.out" 'EXIT STATUS' "man -l output"
fi

step "sora(1) and sora --help agree"
# Exit codes: every "  N    text" line of the --help footer is an EXIT STATUS entry.
awk '/^Exit codes:/ {on = 1; next} on && /^  [0-9]/ {print $1} on && /^$/ {exit}' "$T/sora.help" >"$T/codes"
[[ -s "$T/codes" ]] || fail "cannot read exit codes from sora --help"
while read -r code; do
  sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' "$T/sora.txt" | grep -qE "^ +$code( |$)" ||
    fail "exit code $code is in --help but not in sora(1)"
done <"$T/codes"
# Options: every long option of the top level and of each command's --help.
long_options() { grep -oE -- '--[a-z][a-z-]+' "$1" | sort -u; }
commands="$(awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}' "$T/sora.help")"
[[ -n "$commands" ]] || fail "cannot read the commands from sora --help"
for opt in $(long_options "$T/sora.help"); do
  grep -qF -- "$opt" "$T/sora.txt" || fail "sora(1) lacks global option $opt"
done
for cmd in $commands; do
  grep -qxE "   $cmd" "$T/sora.txt" || fail "sora(1) has no subsection for command $cmd"
  "$SORA_BIN" "$cmd" --help >"$T/cmd.help"
  # The command's part of the page: from its subsection to the next one.
  awk -v c="   $cmd" '$0 == c {on = 1; next} on && /^   [a-z]+$/ {exit} on && /^[A-Z]/ {exit} on' \
    "$T/sora.txt" >"$T/cmd.txt"
  for opt in $(long_options "$T/cmd.help" | grep -vx -- --help); do # -h is said once, globally
    grep -qF -- "$opt" "$T/cmd.txt" || fail "sora(1) lacks $cmd's option $opt"
  done
  summary="$("$SORA_BIN" --help | awk -v c="$cmd" '$1 == c {$1 = ""; sub(/^ +/, ""); print; exit}')"
  grep -qF -- "${summary:0:40}" "$T/cmd.txt" || fail "sora(1) lacks $cmd's summary: $summary"
done

step "sora-mock(1)"
render "$SORA_BUILD_DIR/sora-mock.1" "$T/mock.txt"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS"; do
  grep -qx "$section" "$T/mock.txt" || fail "sora-mock(1) has no $section section"
done
for opt in $(long_options "$T/sora-mock.help"); do
  grep -qF -- "$opt" "$T/mock.txt" || fail "sora-mock(1) lacks option $opt"
done
