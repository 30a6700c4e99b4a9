#!/usr/bin/env bash
# The options and commands of the new servers, end to end on sora-mock's dialects: the portable
# create options mapped per profile (and refused where a profile cannot express one), `sora
# models` (server list, cache, --refresh, the profile's knowledge), the capability check before
# sending, the server-reported cost in the journal, `history --cost`, `sora cost`, `--max-cost`
# with a published price, batch manifests with the same fields, and remix/extend/edit (and a
# storyboard shot continuing with them) refused up front where the profile knows the server
# lacks them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PNG="$DATA/photo-1280x720.png"
WEBP="$DATA/photo-1280x720.webp"
JPG="$DATA/photo-1024x768.jpg"

# dialect_mock NAME [args...]: a mock speaking NAME, with SORA_BASE_URL at its prefix.
dialect_mock() {
  local name="$1" prefix=/v1
  shift
  start_mock --dialect "$name" "$@"
  case "$name" in
  openrouter) prefix=/api/v1 ;;
  together) prefix=/v2 ;;
  esac
  export SORA_BASE_URL="$MOCK_URL$prefix"
}
posts() { reqpy 'len(reqs("POST"))'; }

# ---------------------------------------------------------------------------------------------
case_ "openrouter: every portable option in its field; first and last frame share frame_images"
dialect_mock openrouter
expect_exit 0 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" -s 8 \
  --aspect-ratio 16:9 --resolution 1080p --generate-audio --seed 42 \
  --image "$PNG" --last-frame "$WEBP" --reference "$JPG" --reference "$PNG"
assert_req 'param(reqs("POST")[0], "aspect_ratio") == "16:9"'
assert_req 'param(reqs("POST")[0], "resolution") == "1080p"'
assert_req 'param(reqs("POST")[0], "generate_audio") is True'
assert_req 'param(reqs("POST")[0], "seed") == 42'
assert_req 'param(reqs("POST")[0], "duration") == 8'
assert_req '[f["frame_type"] for f in param(reqs("POST")[0], "frame_images")] == ["first_frame", "last_frame"]'
assert_req 'param(reqs("POST")[0], "frame_images")[1]["image_url"]["url"].startswith("data:image/webp;base64,UklGR")'
assert_req '[r["type"] for r in param(reqs("POST")[0], "input_references")] == ["image_url", "image_url"]'
assert_req 'param(reqs("POST")[0], "input_references")[0]["image_url"]["url"].startswith("data:image/jpeg;base64,/9j/")'

case_ "openrouter: --no-audio is false; --last-frame alone is a one-entry frame_images"
clear_requests
expect_exit 0 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" --no-audio --last-frame "$PNG"
assert_req 'param(reqs("POST")[0], "generate_audio") is False'
assert_req '[f["frame_type"] for f in param(reqs("POST")[0], "frame_images")] == ["last_frame"]'

case_ "openrouter: --dry-run shows the mapped request and sends no create"
clear_requests
expect_exit 0 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" --seed 7 \
  --aspect-ratio 9:16 --image "$WEBP" --last-frame "$PNG" --dry-run
assert_contains "$OUT" "<base64 of $PNG: "
assert_contains "$OUT" "<base64 of $WEBP: "
assert_contains "$OUT" '"seed":7'
assert_contains "$OUT" '"aspect_ratio":"9:16"'
assert_contains "$OUT" '"frame_type":"last_frame"'
assert_no_requests # not even the model list: --dry-run sends nothing

case_ "openrouter: --negative-prompt has no field there: exit 2 naming the profile, nothing sent"
clear_requests
expect_exit 2 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" --negative-prompt blur
assert_contains "$ERR" "openrouter profile cannot send --negative-prompt"
assert_eq "$(posts)" 0 "creates sent"

case_ "capabilities: an unsupported duration is exit 2 naming the supported values and the closest"
expect_exit 2 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" -s 5
assert_contains "$ERR" "does not accept the duration 5 (it takes: 4, 6, 8)"
assert_contains "$ERR" "give --seconds 4"
expect_exit 2 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" --size 1000x1000
assert_contains "$ERR" "the size 1000x1000"
expect_exit 2 -- sora --profile openrouter create -m kwaivgi/kling-v2.1 -p "a kite" --last-frame "$PNG"
assert_contains "$ERR" "does not accept a last frame"
expect_exit 2 -- sora --profile openrouter create -m kwaivgi/kling-v2.1 -p "a kite" --generate-audio
assert_contains "$ERR" "does not accept audio"
assert_eq "$(posts)" 0 "creates sent"

case_ "capabilities: the storyboard checks every shot first, naming FILE:LINE, the shot, the closest"
cat >"$T/sb.toml" <<'TOML'
[film]
profile = "openrouter"
model = "google/veo-3.1"
seconds = 4
output = "sb.mp4"

[[shot]]
label = "wide"
prompt = "a kite over dunes"

[[shot]]
label = "close"
prompt = "the kite string"
seconds = 5
TOML
expect_exit 2 -- sora storyboard "$T/sb.toml"
assert_contains "$ERR" "sb.toml:11: shot 'close': google/veo-3.1 does not accept the duration 5 (it takes: 4, 6, 8)"
assert_contains "$ERR" "give seconds = 4"
sed -i 's/^seconds = 5$/seconds = 9/' "$T/sb.toml"
expect_exit 2 -- sora storyboard "$T/sb.toml" --dry-run # the cached model list: nothing sent
assert_contains "$ERR" "shot 'close': google/veo-3.1 does not accept the duration 9"
assert_contains "$ERR" "give seconds = 8"
assert_eq "$(posts)" 0 "creates sent"

case_ "rule 25: extend, remix, edit on a profile known not to have them: exit 2, nothing sent"
cat >"$T/ext.toml" <<'TOML'
[film]
profile = "openrouter"
model = "google/veo-3.1"
seconds = 4
output = "ext.mp4"

[[shot]]
label = "wide"
prompt = "a kite over dunes"

[[shot]]
label = "higher"
after = "wide"
continue = "extend"
prompt = "the kite climbs"
TOML
clear_requests
expect_exit 2 -- sora storyboard "$T/ext.toml"
assert_contains "$ERR" "ext.toml:11: shot 'higher' continues with extend, which the profile 'openrouter' is known not to have"
assert_contains "$ERR" 'Use continue = "last-frame"'
sed -i 's/^continue = "extend"$/continue = "remix"/' "$T/ext.toml"
expect_exit 2 -- sora storyboard "$T/ext.toml" --dry-run
assert_contains "$ERR" "continues with remix"
expect_exit 2 -- sora --profile openrouter remix video_abc -p "at night"
assert_contains "$ERR" "The profile 'openrouter' is known not to have remix"
assert_contains "$ERR" "--profile openai, litellm, new-api, azure"
expect_exit 2 -- sora --profile openrouter extend video_abc -p "more" -s 4 --dry-run
assert_contains "$ERR" "known not to have extend"
# A config file may declare what its server has; an operation it leaves out stays allowed.
printf '[profiles.gw]\nbase_url = "%s"\noperations = { edit = false }\n' "$SORA_BASE_URL" >"$T/ops.toml"
SORA_CONFIG="$T/ops.toml" expect_exit 2 -- sora --profile gw edit video_abc -p "night"
assert_contains "$ERR" "The profile 'gw' is known not to have edit"
assert_no_requests
# Unknown: sent, and the server's answer decides (no such video here; rule 25 for no route).
SORA_CONFIG="$T/ops.toml" expect_exit 5 -- sora --profile gw remix video_abc -p "night"
assert_req "len(reqs('POST', r'/videos/video_abc/remix$')) == 1" "the remix was sent"

case_ "sora models: the server's list, cached a day, --refresh asks again"
rm -rf "$HOME/.cache/sora"
clear_requests
expect_exit 0 -- sora --profile openrouter models
assert_contains "$OUT" "google/veo-3.1"
assert_contains "$OUT" "durations:     4,6,8"
assert_contains "$OUT" "frames:        first_frame,last_frame"
assert_contains "$OUT" '$0.40/s'
assert_eq "$(reqpy 'len(reqs("GET", r"/videos/models$"))')" 1 "model list requests"
expect_exit 0 -- sora --profile openrouter --json models
assert_json_doc "$OUT"
assert_eq "$(jpy "$OUT" 'd["source"]')" server
assert_eq "$(jpy "$OUT" '[m["id"] for m in d["data"]]')" '["google/veo-3.1", "kwaivgi/kling-v2.1"]'
assert_eq "$(reqpy 'len(reqs("GET", r"/videos/models$"))')" 1 "model list requests (cached)"
ls "$HOME/.cache/sora"/models-*.json >/dev/null || fail "no cache file in $HOME/.cache/sora"
expect_exit 0 -- sora --profile openrouter models --refresh
assert_eq "$(reqpy 'len(reqs("GET", r"/videos/models$"))')" 2 "model list requests (--refresh)"

case_ "--max-cost uses the server's published price when the local table has none"
clear_requests
expect_exit 2 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" -s 8 --max-cost 1
assert_contains "$ERR" '$3.20'
assert_eq "$(posts)" 0 "creates sent"
expect_exit 0 -- sora --profile openrouter create -m google/veo-3.1 -p "a kite" -s 8 --max-cost 5
assert_eq "$(posts)" 1 "creates sent"

case_ "real cost: usage.cost is journaled; history --cost and sora cost summarise it"
expect_exit 0 -- sora --profile openrouter create -m google/veo-3.1 -p "a paid kite" -s 8 -o "$T/kite.mp4"
assert_mp4 "$T/kite.mp4"
assert_contains "$HOME/.local/state/sora/jobs.jsonl" '"command":"cost"'
assert_contains "$HOME/.local/state/sora/jobs.jsonl" '"cost_usd":3.2'
expect_exit 0 -- sora history -n 1 --cost
assert_contains "$OUT" "google/veo-3.1"
assert_contains "$OUT" 'actual $3.20'
expect_exit 0 -- sora --json cost --by profile
assert_eq "$(jpy "$OUT" '[(g["key"], g["actual_usd"], g["reported_jobs"]) for g in d["groups"]]')" \
  '[["openrouter", 3.2, 1]]'
JOURNAL="$HOME/.local/state/sora/jobs.jsonl"
assert_eq "$(grep -F '"a paid kite"' "$JOURNAL" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline()).get("estimate_usd"))')" \
  3.2 "the estimate (published price) on the job's line, next to the reported cost"

case_ "real cost: sora status of a finished job journals the cost it carries"
expect_exit 0 -- sora --profile openrouter create -m google/veo-3.1 -p "a status kite" -s 4
sid="$(single_line)"
expect_exit 0 -- sora --no-journal --profile openrouter wait "$sid"
assert_eq "$(grep -c "\"id\":\"$sid\".*cost_usd\|cost_usd.*\"id\":\"$sid\"" "$JOURNAL")" 0 "no cost before status"
expect_exit 0 -- sora --profile openrouter status "$sid"
assert_eq "$(grep -c "\"command\":\"cost\".*\"id\":\"$sid\"\|\"id\":\"$sid\".*\"command\":\"cost\"" "$JOURNAL")" 1 "cost line"
expect_exit 0 -- sora --json cost --by profile
assert_eq "$(jpy "$OUT" 'd["total"]["reported_jobs"]')" 2 "reported jobs"

case_ "real cost: sora download of a job created without --wait journals the cost it reports"
expect_exit 0 -- sora --profile openrouter create -m google/veo-3.1 -p "a downloaded kite" -s 4
did="$(single_line)"
expect_exit 0 -- sora --no-journal --profile openrouter wait "$did"
cost_lines() { grep -c "\"command\":\"cost\".*\"id\":\"$1\"\|\"id\":\"$1\".*\"command\":\"cost\"" "$JOURNAL"; }
assert_eq "$(cost_lines "$did")" 0 "no cost before the download"
expect_exit 0 -- sora --profile openrouter download "$did" -o "$T/downloaded.mp4"
assert_mp4 "$T/downloaded.mp4"
assert_eq "$(cost_lines "$did")" 1 "cost line"
expect_exit 0 -- sora history -n 1 --cost
assert_contains "$OUT" 'actual $1.60'
expect_exit 0 -- sora --json cost --by profile
assert_eq "$(jpy "$OUT" 'd["total"]["reported_jobs"]')" 3 "reported jobs"
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "together: ratio, negative_prompt, reference_images, frame 'last'; outputs.cost journaled"
dialect_mock together
expect_exit 0 -- sora --profile together create -m Wan-AI/Wan2.2-I2V-A14B -p "waves" -s 4 \
  --aspect-ratio 16:9 --resolution 720p --no-audio --seed 3 --negative-prompt "text, blur" \
  --image "$PNG" --last-frame "$WEBP" --reference "$JPG" -o "$T/waves.mp4"
assert_mp4 "$T/waves.mp4"
assert_req 'param(reqs("POST")[0], "ratio") == "16:9"'
assert_req 'param(reqs("POST")[0], "negative_prompt") == "text, blur"'
assert_req 'param(reqs("POST")[0], "seed") == 3'
assert_req 'param(reqs("POST")[0], "generate_audio") is False'
assert_req '[f["frame"] for f in param(reqs("POST")[0], "media")["frame_images"]] == ["first", "last"]'
assert_req 'param(reqs("POST")[0], "media")["reference_images"][0].startswith("data:image/jpeg;base64,")'
assert_req 'param(reqs("POST")[0], "frame_images") is None and param(reqs("POST")[0], "reference_images") is None' \
  "no deprecated top-level image members"
expect_exit 0 -- sora --json cost --by profile
assert_eq "$(jpy "$OUT" '[g["actual_usd"] for g in d["groups"] if g["key"] == "together"]')" '[0.2]'
assert_eq "$(jpy "$OUT" 'd["total"]["actual_usd"]')" 6.6 "both servers' costs together"
expect_exit 0 -- sora --json cost --since 2999-01-01
assert_eq "$(jpy "$OUT" 'd["total"]["jobs"]')" 0 "jobs after a future --since"
expect_exit 2 -- sora cost --since yesterday
assert_contains "$ERR" "is not a date"


case_ "together: sora models has no server list: the profile's knowledge, marked"
expect_exit 0 -- sora --profile together models
assert_contains "$ERR" "no model list"
expect_exit 0 -- sora --profile together --json models
assert_eq "$(jpy "$OUT" 'd["source"]')" profile

case_ "batch: manifest fields map like create's; a profile without the field refuses up front"
clear_requests
cat >"$T/jobs.jsonl" <<EOF
{"id":"a","prompt":"waves","model":"Wan-AI/Wan2.2-T2V-A14B","aspect_ratio":"9:16","seed":5,"generate_audio":true,"negative_prompt":"rain","reference":"$JPG;$PNG","last_frame":"$WEBP"}
EOF
expect_exit 0 -- sora --profile together batch "$T/jobs.jsonl" --out-dir "$T/out"
assert_req 'param(reqs("POST")[0], "ratio") == "9:16"'
assert_req 'param(reqs("POST")[0], "seed") == 5'
assert_req 'param(reqs("POST")[0], "generate_audio") is True'
assert_req 'len(param(reqs("POST")[0], "media")["reference_images"]) == 2'
assert_req '[f["frame"] for f in param(reqs("POST")[0], "media")["frame_images"]] == ["last"]'

case_ "together: --size is width and height (VideoCreateParams has no size); the mock's job has it"
clear_requests
expect_exit 0 -- sora --profile together create -m Wan-AI/Wan2.2-T2V-A14B -p "dunes" --size 1280x720
assert_req 'param(reqs("POST")[0], "width") == 1280 and param(reqs("POST")[0], "height") == 720'
assert_req 'param(reqs("POST")[0], "size") is None'
expect_exit 2 -- sora --profile together create -m Wan-AI/Wan2.2-T2V-A14B -p "dunes" --size 720p
assert_contains "$ERR" "is not WIDTHxHEIGHT"

case_ "together: an audio part (--audio, a manifest's audio) asks for audio; with no-audio it is exit 2"
clear_requests
expect_exit 0 -- sora --profile together create -m Wan-AI/Wan2.2-T2V-A14B -p "dunes" --audio "wind, sand hiss"
assert_req 'param(reqs("POST")[0], "generate_audio") is True'
assert_req '"wind, sand hiss" in param(reqs("POST")[0], "prompt")'
expect_exit 2 -- sora --profile together create -m Wan-AI/Wan2.2-T2V-A14B -p "dunes" --audio "wind" --no-audio
assert_contains "$ERR" "--no-audio (generate_audio false) and an audio part"
printf '{"prompt":"dunes","model":"Wan-AI/Wan2.2-T2V-A14B","audio":"wind"}\n' >"$T/audio.jsonl"
expect_exit 0 -- sora --profile together batch "$T/audio.jsonl" --out-dir "$T/out-audio"
assert_req 'param(reqs("POST")[1], "generate_audio") is True'
printf '{"prompt":"dunes","model":"Wan-AI/Wan2.2-T2V-A14B","audio":"wind","generate_audio":false}\n' >"$T/silent.jsonl"
expect_exit 2 -- sora --profile together batch "$T/silent.jsonl" --out-dir "$T/out-silent"
assert_contains "$ERR" "line 1: --no-audio (generate_audio false) and an audio part"
assert_eq "$(posts)" 2 "creates sent"

case_ "storyboard: a shot's audio asks for audio on together; the reported cost is journaled"
clear_requests
cat >"$T/dunes.toml" <<'TOML'
[film]
profile = "together"
model = "Wan-AI/Wan2.2-T2V-A14B"
seconds = 4
output = "dunes.mp4"

[[shot]]
label = "dunes"
prompt = "dunes at noon, static shot"
audio = "wind"
TOML
expect_exit 0 -- sora storyboard "$T/dunes.toml"
assert_req 'param(reqs("POST")[0], "generate_audio") is True'
sid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["shots"][0]["video_id"])' "$T/dunes.storyboard.json")"
assert_contains "$HOME/.local/state/sora/jobs.jsonl" "\"id\":\"$sid\",\"command\":\"cost\""
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "openai: the portable options have no field there: exit 2 naming the profile and option"
start_mock
for opt in "--aspect-ratio 16:9" "--resolution 720p" "--seed 1" "--negative-prompt x" \
  "--generate-audio" "--last-frame $PNG" "--reference $PNG"; do
  # shellcheck disable=SC2086 # the option and its value are two words
  expect_exit 2 -- sora create -p "a lake" $opt
  assert_contains "$ERR" "openai profile cannot send --"
done
printf '{"prompt":"a lake","seed":4}\n' >"$T/openai.jsonl"
expect_exit 2 -- sora batch "$T/openai.jsonl" --out-dir "$T/out2"
assert_contains "$ERR" "line 1: The openai profile cannot send --seed"
assert_no_requests

case_ "openai: an audio part stays prompt text (no audio switch there), not an error"
clear_requests
expect_exit 0 -- sora create -p "a lake" --audio "loons calling"
assert_req 'param(reqs("POST")[0], "generate_audio") is None'
assert_req '"loons calling" in param(reqs("POST")[0], "prompt")'

case_ "openai: sora models shows what the profile knows"
clear_requests
expect_exit 0 -- sora models
assert_contains "$OUT" "sora-2-pro"
assert_contains "$ERR" "what the openai profile knows"
assert_no_requests
stop_mock

# ---------------------------------------------------------------------------------------------
case_ "sglang: --seed and --negative-prompt are JSON members; vllm-omni: form fields"
dialect_mock sglang
expect_exit 0 -- sora --profile sglang create -p "a fox" --seed 9 --negative-prompt blur
assert_req 'param(reqs("POST")[0], "seed") == 9'
assert_req 'param(reqs("POST")[0], "negative_prompt") == "blur"'
stop_mock
dialect_mock vllm-omni
expect_exit 0 -- sora --profile vllm-omni create -p "a fox" --seed 9 --negative-prompt blur
assert_req 'param(reqs("POST")[0], "seed") == "9"'
assert_req 'param(reqs("POST")[0], "negative_prompt") == "blur"'
expect_exit 2 -- sora --profile vllm-omni create -p "a fox" --aspect-ratio 16:9
assert_contains "$ERR" "vllm-omni profile cannot send --aspect-ratio"
stop_mock


# ---------------------------------------------------------------------------------------------
case_ "litellm: the portable options have no field there (exit 2, nothing sent); models: none known"
dialect_mock litellm
for opt in "--aspect-ratio 16:9" "--seed 1" "--no-audio" "--reference $PNG"; do
  # shellcheck disable=SC2086 # the option and its value are two words
  expect_exit 2 -- sora --profile litellm create -m sora-2 -p "a lake" $opt
  assert_contains "$ERR" "litellm profile cannot send --"
done
assert_eq "$(posts)" 0 "creates sent"
expect_exit 0 -- sora --profile litellm --json models
assert_eq "$(jpy "$OUT" 'd["source"]')" profile
expect_exit 0 -- sora --profile litellm create -m sora-2 -p "a lake" --audio "loons"
assert_req 'param(reqs("POST")[0], "generate_audio") is None'
stop_mock
