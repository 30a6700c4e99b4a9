#!/usr/bin/env bash
# install.completion: the completion scripts the build generated (and installs) are what
# `sora completion SHELL` prints, and they complete what a person types: bash is exercised
# through its completion function; zsh and fish are syntax-checked and exercised when installed.
source "$(dirname "$0")/lib.sh"
C="$SORA_BUILD_DIR/completions"

step "generated files match 'sora completion'"
for pair in bash:sora zsh:_sora fish:sora.fish; do
  assert_file "$C/${pair#*:}"
  "$SORA_BIN" completion "${pair%%:*}" | cmp -s - "$C/${pair#*:}" ||
    fail "$C/${pair#*:} differs from 'sora completion ${pair%%:*}' (stale build?)"
done
"$SORA_BIN" completion tcsh >/dev/null 2>"$T/err" && fail "an unknown shell was accepted"

# complete WORD... : the candidates bash offers for the command line WORD... (the last word is
# the one being completed), one per line, sorted. Runs in a bare `bash -c`, as `source <(...)`.
complete_bash() {
  (cd "$T/files" && bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _sora
    printf "%s\n" "${COMPREPLY[@]}"' _ "$C/sora" "$@") | sed '/^$/d' | sort
}
expect_bash() { # "EXPECTED LINES" WORD...
  local want="$1" got
  shift
  got="$(complete_bash "$@")"
  [[ "$got" == "$want" ]] || fail "bash: '$*<TAB>' offered [$(echo "$got" | tr '\n' ' ')], expected [$(echo "$want" | tr '\n' ' ')]"
}
mkdir -p "$T/files/pics"
touch "$T/files/photo.jpg" "$T/files/photo.png" "$T/files/notes.txt"

step "bash: commands"
expect_bash "create" sora cr
# Every command --help lists, and nothing else (the table feeds both).
commands="$("$SORA_BIN" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}' | sort)"
[[ -n "$commands" ]] || fail "cannot read the commands from sora --help"
expect_bash "$commands" sora ""
expect_bash "create" sora --base-url http://127.0.0.1:1/v1 cr
expect_bash "$commands" sora --json ""

step "bash: option values"
expect_bash "$(printf 'spritesheet\nthumbnail\nvideo')" sora download x --variant ""
expect_bash "thumbnail" sora download x --variant th
expect_bash "thumbnail" sora download x --variant = th
expect_bash "$(printf 'asc\ndesc')" sora list --order ""
expect_bash "$(printf 'bash\nfish\nzsh')" sora completion ""
expect_bash "$(printf 'photo.jpg\nphoto.png')" sora create --image ph
expect_bash "$(printf 'photo.jpg\nphoto.png')" sora create -i ph
expect_bash "pics" sora --api-key-file pi
expect_bash "" sora create --model ""
expect_bash "" sora --timeout ""

step "bash: options"
got="$(complete_bash sora create --)"
for want in --prompt --prompt-file --image --model --seconds --size --wait --output --force \
  --base-url --json --quiet --help --aspect-ratio --resolution --last-frame --reference \
  --generate-audio --no-audio --seed --negative-prompt --audio; do
  grep -qxF -- "$want" <<<"$got" || fail "bash: 'sora create --<TAB>' lacks $want"
done
grep -qxF -- --variant <<<"$got" && fail "bash: 'sora create --<TAB>' offers download's --variant"
expect_bash "--variant" sora download x --va
expect_bash "models" sora mode
expect_bash "--refresh" sora models --re
expect_bash "" sora --generate
expect_bash "--version" sora --vers

if command -v zsh >/dev/null; then
  step "zsh: syntax and registration"
  zsh -n "$C/_sora" || fail "zsh -n rejects _sora"
  out="$(zsh -f -c 'autoload -Uz compinit && compinit -u -D && source "$1" && print -r -- ${_comps[sora]}' _ "$C/_sora" 2>&1)" ||
    fail "zsh could not load _sora: $out"
  assert_eq "$out" "_sora" "zsh completion function for sora"
  out="$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit && compinit -u -D && print -r -- ${_comps[sora]}' _ "$C" 2>&1)"
  assert_eq "$out" "_sora" "zsh autoloaded completion function for sora (via fpath)"
else
  echo "NOTE: zsh is not installed; the zsh script's checks were skipped"
fi

if command -v fish >/dev/null; then
  step "fish: syntax and completions"
  fish --no-config -n "$C/sora.fish" || fail "fish -n rejects sora.fish"
  complete_fish() {
    fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$C/sora.fish" "$1" | cut -f1 | sort
  }
  assert_eq "$(complete_fish 'sora cr')" "create" "fish: 'sora cr<TAB>'"
  assert_eq "$(complete_fish 'sora download x --variant ')" "$(printf 'spritesheet\nthumbnail\nvideo')" \
    "fish: 'sora download x --variant <TAB>'"
  assert_eq "$(complete_fish 'sora completion ')" "$(printf 'bash\nfish\nzsh')" \
    "fish: 'sora completion <TAB>'"
else
  echo "NOTE: fish is not installed; the fish script's checks were skipped"
fi
