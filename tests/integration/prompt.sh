#!/usr/bin/env bash
# Directed prompts: `sora prompt` composes and lints; create and remix send the composed prompt,
# read sectioned prompt files and warn (never block) on what models follow badly.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXAMPLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/prompts" && pwd)/dolly-in.txt"

case_ "sora prompt composes the parts in order, whatever the flag order"
expect_exit 0 -- sora prompt --keep "the red scarf" --audio "gulls" --lighting "golden hour" \
  --timing "0-2s: hold; 2-4s: push in" --action "she turns and smiles" --shot "medium close-up" \
  --prompt "A woman on a pier."
printf '%s\n' "A woman on a pier." "Shot: medium close-up" "Action: she turns and smiles" \
  "Timing: 0-2s: hold; 2-4s: push in" "Lighting: golden hour" "Audio: gulls" \
  "Keep unchanged: the red scarf" >"$T/want"
assert_same "$OUT" "$T/want"
assert_empty "$ERR"

case_ "sora prompt warns on stderr and exits 0; --strict exits 2"
expect_exit 0 -- sora prompt --prompt "a cat surfing"
assert_eq "$(single_line)" "a cat surfing" "the prompt on stdout"
assert_contains "$ERR" "[no_camera_move]"
assert_contains "$ERR" "dolly"
expect_exit 2 -- sora prompt --prompt "a cat surfing" --strict
assert_eq "$(single_line)" "a cat surfing" "--strict still prints the prompt"
assert_contains "$ERR" "[no_camera_move]"
assert_contains "$ERR" "sora: error: The prompt has 1 warning (--strict)."
expect_exit 0 -- sora prompt --prompt "a cat surfing, slow pan left" --strict
assert_empty "$ERR"

case_ "sora prompt --json lists the warnings with their codes"
expect_exit 0 -- sora prompt --json --prompt "animate this photo" --timing "0-6s: everything"
assert_json_doc "$OUT"
assert_eq "$(jpy "$OUT" 'd["prompt"]')" "$(printf 'animate this photo\nTiming: 0-6s: everything')" "prompt"
assert_eq "$(jpy "$OUT" 'sorted(w["code"] for w in d["warnings"])')" \
  '["no_camera_move", "timing_over_duration", "vague_action"]' "warning codes"
expect_exit 0 -- sora prompt --json --prompt "animate this photo, static shot" --timing "0-6s: x" --seconds 8
assert_eq "$(jpy "$OUT" '[w["code"] for w in d["warnings"]]')" '["vague_action"]' "--seconds 8 fits 6s"

case_ "the example prompt file is sectioned and lints clean at 8 seconds"
expect_exit 0 -- sora prompt --prompt-file "$EXAMPLE" --seconds 8 --strict
assert_empty "$ERR"
assert_matches "$OUT" '^A lighthouse keeper'
assert_eq "$(sed -n 2p "$OUT" | cut -d: -f1)" "Shot" "line 2"
assert_eq "$(sed -n 3p "$OUT" | cut -d: -f1)" "Action" "line 3"
assert_eq "$(sed -n 4p "$OUT" | cut -d: -f1)" "Timing" "line 4"
assert_contains "$OUT" "Keep unchanged: The red-and-white stripes"
expect_exit 2 -- sora prompt --prompt-file "$EXAMPLE" --strict # the beats run to 8s, the default is 4
assert_contains "$ERR" "[timing_over_duration]"
assert_contains "$ERR" "--seconds 8"

case_ "a flag replaces the same section of the file"
expect_exit 0 -- sora prompt --prompt-file "$EXAMPLE" --seconds 8 --shot "Close-up, slow push in"
assert_contains "$OUT" "Shot: Close-up, slow push in"
assert_not_contains "$OUT" "35 mm"
assert_contains "$OUT" "Action: The keeper lifts"

case_ "an unknown section is a usage error naming the line and the valid sections"
printf 'a boat\n\n[shot]\nwide\n[camera]\npan left\n' >"$T/bad.txt"
expect_exit 2 -- sora prompt --prompt-file "$T/bad.txt"
assert_empty "$OUT"
assert_contains "$ERR" "[camera]"
assert_contains "$ERR" "line 5 of $T/bad.txt"
assert_contains "$ERR" "[shot], [action], [timing], [lighting], [audio] and [keep]"

case_ "sora prompt without any prompt is a usage error"
expect_exit 2 -- sora prompt --seconds 8
assert_empty "$OUT"
assert_contains "$ERR" "--shot"

case_ "issue #18: an English prompt naming a 6-second clip in a 4-second request"
expect_exit 0 -- sora prompt --json --seconds 4 --prompt "Animate this portrait into a subtle cinematic 6-second clip: slow camera push forward (approx 6 degrees), soft parallax on background, tiny head turn, warm early-evening lighting."
assert_eq "$(jpy "$OUT" '[w["code"] for w in d["warnings"]]')" '["duration_mismatch"]' "only the length disagrees"
assert_contains "$ERR" "6s clip"
assert_contains "$ERR" "4s long"

case_ "issue #18: the five parts in Japanese, beats adding up to 5 s in a 4-second request"
expect_exit 0 -- sora prompt --json --seconds 4 --shot "クローズアップ、50mm、浅い被写界深度" \
  --action "カメラは 2 秒かけてゆっくりドリーイン" \
  --timing "0.5 秒静止で開始、2 秒のドリーイン、1 秒のポーズ、1.5 秒のパン左"
assert_eq "$(jpy "$OUT" '[w["code"] for w in d["warnings"]]')" '["timing_over_duration"]' "only the timing"
assert_contains "$ERR" "runs to 5s"
expect_exit 0 -- sora prompt --seconds 8 --strict --shot "クローズアップ" \
  --timing "0.5 秒静止で開始、2 秒のドリーイン、1 秒のポーズ、1.5 秒のパン左"
assert_empty "$ERR"

case_ "Chinese camera moves and beats"
expect_exit 0 -- sora prompt --strict --seconds 4 --prompt "镜头缓缓推进，0到2秒：船夫撑船；2-4 秒：拉远露出石桥"
assert_empty "$ERR"
expect_exit 2 -- sora prompt --strict --prompt "火箭的推进器喷出火焰"
assert_contains "$ERR" "[no_camera_move]"
assert_contains "$ERR" "固定镜头"

case_ "a sora-lint line silences one rule for one prompt and is never shown or sent"
printf 'A single candle flame in the dark.\nsora-lint: ignore=no_camera_move\n' >"$T/candle.txt"
expect_exit 0 -- sora prompt --strict --prompt-file "$T/candle.txt"
assert_eq "$(single_line)" "A single candle flame in the dark." "the directive line is left out"
assert_empty "$ERR"
printf 'A candle.\nsora-lint: ignore=no_camera_moves\n' >"$T/typo.txt"
expect_exit 0 -- sora prompt --prompt-file "$T/typo.txt"
assert_contains "$ERR" "[unknown_lint_rule]"
assert_contains "$ERR" "[no_camera_move]"

case_ "sora prompt --allow RULE silences a rule; an unknown rule is a usage error"
expect_exit 0 -- sora prompt --strict --allow no_camera_move --prompt "a cat surfing"
assert_empty "$ERR"
expect_exit 2 -- sora prompt --allow no_such_rule --prompt "a cat surfing"
assert_empty "$OUT"
assert_contains "$ERR" "no_such_rule"

start_mock

case_ "create with parts sends the composed prompt and warns on stderr"
clear_requests
expect_exit 0 -- sora create --action "a dog runs along the beach" --lighting "overcast" --keep "the dog's red collar"
id="$(single_line)"
[[ "$id" =~ ^[A-Za-z0-9_-]+$ ]] || fail "create printed '$id', not a video id"
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt") == "Action: a dog runs along the beach\nLighting: overcast\nKeep unchanged: the dog'"'"'s red collar"' \
  "the composed prompt is sent"
assert_contains "$ERR" "sora: warning:"
assert_contains "$ERR" "[no_camera_move]"

case_ "create warns when the beats run past --seconds, and still creates"
clear_requests
expect_exit 0 -- sora create --shot "static shot" --timing "0-4s: rain; 4-8s: sun" --seconds 4
assert_contains "$ERR" "[timing_over_duration]"
assert_req 'len(reqs("POST", r"/videos$")) == 1' "the create is sent anyway"
expect_exit 0 -- sora create --shot "static shot" --timing "0-4s: rain; 4-8s: sun" --seconds 8
assert_not_contains "$ERR" "[timing_over_duration]"

case_ "create honours a sora-lint line and sends the prompt without it"
clear_requests
expect_exit 0 -- sora create --prompt-file "$T/candle.txt"
assert_not_contains "$ERR" "[no_camera_move]"
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt") == "A single candle flame in the dark."' \
  "the directive is not sent"

case_ "create -q keeps the lint advice off stderr"
expect_exit 0 -- sora -q create --prompt "a cat surfing"
assert_empty "$ERR"

case_ "create --prompt-file reads a sectioned file; flags win over its sections"
clear_requests
expect_exit 0 -- sora create --prompt-file "$EXAMPLE" --seconds 8 --audio "silence"
assert_not_contains "$ERR" "sora: warning:"
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt").startswith("A lighthouse keeper")' "free text first"
assert_req '"\nShot: Wide shot at eye level" in param(reqs("POST", r"/videos$")[0], "prompt")' "shot section"
assert_req '"\nAudio: silence\n" in param(reqs("POST", r"/videos$")[0], "prompt")' "--audio replaced the section"
assert_req '"gulls" not in param(reqs("POST", r"/videos$")[0], "prompt")' "the file's audio is gone"
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt").endswith("\nKeep unchanged: The red-and-white stripes of the tower, the keeper'"'"'s yellow raincoat and face.")' \
  "keep comes last"

case_ "create --prompt-file - reads a sectioned prompt from stdin"
clear_requests
expect_exit 0 -- sora create --prompt-file - <<<$'a harbour\n[shot]\nslow pan right'
assert_req 'param(reqs("POST", r"/videos$")[0], "prompt") == "a harbour\nShot: slow pan right"' "stdin sections"

case_ "create with an unknown section sends nothing"
clear_requests
expect_exit 2 -- sora create --prompt-file "$T/bad.txt"
assert_contains "$ERR" "line 5"
assert_no_requests

case_ "remix takes the parts too"
src="$(create_id --prompt "a paper boat, slow dolly in" --wait)"
clear_requests
expect_exit 0 -- sora remix "$src" --action "it starts to snow" --keep "the paper boat"
assert_req "param(reqs('POST', r'/videos/$src/remix\$')[0], 'prompt') == 'Action: it starts to snow\nKeep unchanged: the paper boat'" \
  "the composed remix prompt is sent"
assert_not_contains "$ERR" "[no_camera_move]" # the camera is the original's
expect_exit 0 -- sora remix "$src" --prompt "animate it"
assert_contains "$ERR" "[vague_action]"

case_ "a batch manifest takes the parts beside prompt_file"
mkdir -p "$T/m"
cp "$EXAMPLE" "$T/m/keeper.txt"
printf '%s\n' '{"id":"keeper","prompt_file":"keeper.txt","seconds":"8","audio":"Only the wind."}' \
  '{"id":"dog","action":"a dog shakes off water","shot":"static shot"}' >"$T/m/jobs.jsonl"
clear_requests
expect_exit 0 -- sora batch "$T/m/jobs.jsonl" --out-dir "$T/m/out"
assert_req 'any(param(r, "prompt") == "Shot: static shot\nAction: a dog shakes off water" for r in reqs("POST", r"/videos$"))' \
  "the dog job's parts are composed"
assert_req 'any(param(r, "prompt").startswith("A lighthouse keeper") and "\nAudio: Only the wind.\n" in param(r, "prompt") for r in reqs("POST", r"/videos$"))' \
  "the keeper job's file sections, with its audio field winning"
