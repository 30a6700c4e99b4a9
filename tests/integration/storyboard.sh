#!/usr/bin/env bash
# `sora storyboard`: checks before sending (line numbers, exit 2), --dry-run's graph and total,
# --max-cost, --status (done, stale, missing), and the film: clips made by sora-mock --render
# (shot 2 continued from shot 1's exact last frame) are joined by stream copy, judged with ffprobe
# (duration, chapters, the clips' codec parameters and packet sizes) and ffmpeg's psnr filter;
# shots of two sizes refused, then re-encoded (--reencode); extend and remix shots (the requests
# the mock got, the film); a run killed mid-create resumed without paying twice.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  fail "ffmpeg and ffprobe are needed (.ci/install-deps --test)"
fi
psnr() {
  ffmpeg -hide_banner -nostats -i "$1" -i "$2" -lavfi psnr -f null - 2>&1 |
    sed -n 's/.*average:\([^ ]*\).*/\1/p' | tail -n 1
}
above() { python3 -c "import sys; sys.exit(0 if float('$1') > $2 else 1)"; }
streams() { # FILE: the video stream's codec parameters
  ffprobe -v error -select_streams v:0 -show_entries \
    stream=codec_name,profile,level,width,height,pix_fmt,r_frame_rate,time_base -of csv=p=0 "$1"
}
packet_sizes() { ffprobe -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$1"; }

cd "$T"
cat >film.toml <<'TOML'
[film]
size = "1280x720"
seconds = 4
output = "film.mp4"

[[shot]]
label = "dawn"
prompt = "A lighthouse at dawn"

[[shot]]
label = "closer"
after = "dawn"
continue = "last-frame"
action = "the camera moves in"

[[shot]]
label = "keeper"
prompt = "The keeper climbs the stairs"
TOML

case_ "bad storyboards stop before anything is sent, naming the line"
printf '[film]\nsize = "1280x720"\n\n[[shot]]\nlabel = "a"\n' >bad1.toml
expect_exit 2 -- sora storyboard bad1.toml --dry-run
assert_contains "$ERR" "bad1.toml:4: shot 'a' has no prompt"
printf '[[shot]]\nlabel = "a"\nprompt = "x"\n[[shot]]\nlabel = "b"\nprompt = "y"\nafter = "zz"\n' >bad2.toml
expect_exit 2 -- sora storyboard bad2.toml
assert_contains "$ERR" "bad2.toml:4: shot 'b' continues after 'zz', which is not an earlier shot"
printf '[[shot]]\nlabel = "a"\nprompt = "x"\ncolour = "red"\n' >bad3.toml
expect_exit 2 -- sora storyboard bad3.toml
assert_contains "$ERR" "bad3.toml:4: unknown key 'colour' in [[shot]]"
printf '[[shot]]\nlabel = "a"\nprompt = "x"\n[[shot]]\nlabel = "a"\nprompt = "y"\n' >bad4.toml
expect_exit 2 -- sora storyboard bad4.toml
assert_contains "$ERR" "bad4.toml:4: label 'a' is used twice"
printf '[[shot]]\nlabel = "a"\nprompt = "x"\ncontinue = "remix"\n' >bad5.toml
expect_exit 2 -- sora storyboard bad5.toml
assert_contains "$ERR" "has 'continue' without 'after'"
printf '[[shot]]\nlabel = "a"\nprompt = "x\n' >bad6.toml
expect_exit 2 -- sora storyboard bad6.toml
assert_contains "$ERR" "bad6.toml:3:"

case_ "--dry-run: the plan as a graph and the total; --max-cost refuses"
expect_exit 0 -- sora storyboard film.toml --dry-run
assert_contains "$OUT" "● dawn  4 s 1280x720  [missing]"
assert_contains "$OUT" "   └─ closer (last-frame after dawn)"
assert_contains "$OUT" "Estimated total: \$1.20"
expect_exit 2 -- sora storyboard film.toml --max-cost 1
assert_contains "$ERR" "estimated cost \$1.20 is above --max-cost \$1.00"

case_ "the shots' clips (sora-mock --render), the second from the first's exact last frame"
start_mock --render
expect_exit 0 -- sora create -p "A lighthouse at dawn" --size 1280x720 -s 4 -o film.dawn.mp4
expect_exit 0 -- sora frames film.dawn.mp4 --last -o dawn-last.png
expect_exit 0 -- sora create -p "the camera moves in" --image dawn-last.png --size 1280x720 -s 4 \
  -o film.closer.mp4
expect_exit 0 -- sora create -p "The keeper climbs the stairs" --size 1280x720 -s 4 -o film.keeper.mp4
# The state a run would have left: each shot's identity (from --status) and its clip.
expect_exit 0 -- sora storyboard film.toml --status --json
python3 - "$OUT" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
# The clips exist but no run recorded them: every shot is stale, none is done.
assert [s["status"] for s in plan["shots"]] == ["stale"] * 3, plan
shots = [{"label": s["label"], "id": s["id"], "video_id": "video_" + s["label"],
          "prompt": "", "clip": "film." + s["label"] + ".mp4", "c2pa_manifest": False}
         for s in plan["shots"]]
json.dump({"film": "", "shots": shots}, open("film.storyboard.json", "w"))
PY
expect_exit 0 -- sora storyboard film.toml --status
assert_contains "$OUT" "● dawn  4 s 1280x720  [done]"
assert_contains "$OUT" "└─ closer (last-frame after dawn)  4 s 1280x720  [done]"

case_ "a run with every shot done sends nothing and joins the clips by stream copy"
clear_requests
expect_exit 0 -- sora storyboard film.toml --contact-sheet sheet.png
assert_eq "$(single_line)" "film.mp4" "printed film"
assert_req "len(reqs('POST', r'/videos')) == 0" "nothing sent"
assert_eq "$(ffprobe -v error -show_entries format=duration -of csv=p=0 film.mp4)" "12.000000" "duration"
assert_eq "$(ffprobe -v error -show_entries chapter_tags=title -of csv=p=0 film.mp4 | tr '\n' ' ')" \
  "dawn closer keeper " "one chapter per shot"
assert_eq "$(ffprobe -v error -show_entries chapter=start_time,end_time -of csv=p=0 film.mp4 | tr '\n' ' ')" \
  "0.000000,4.000000 4.000000,8.000000 8.000000,12.000000 " "chapter times"
assert_eq "$(streams film.mp4)" "$(streams film.dawn.mp4)" "codec parameters"
cat <(packet_sizes film.dawn.mp4) <(packet_sizes film.closer.mp4) <(packet_sizes film.keeper.mp4) >clips.sizes
packet_sizes film.mp4 >film.sizes
cmp -s clips.sizes film.sizes || fail "packet sizes differ from the clips' (re-encoded?)"
# Test of the test: a re-encode of the same film has other packet sizes.
ffmpeg -v error -i film.mp4 -c:v libx264 -preset ultrafast -y reencoded.mp4
packet_sizes reencoded.mp4 >re.sizes
! cmp -s clips.sizes re.sizes || fail "the packet-size check cannot tell a re-encode"
assert_eq "$(ffprobe -v error -select_streams v -show_entries stream=index -of csv=p=0 film.mp4 | wc -l)" "1" \
  "one video stream"

case_ "in the film, shot 2 starts on shot 1's last frame; the cut to shot 3 does not"
ffmpeg -v error -i film.mp4 -vf "select=eq(n\,96)" -fps_mode passthrough -frames:v 1 -y film-96.png
ffmpeg -v error -i film.mp4 -vf "select=eq(n\,192)" -fps_mode passthrough -frames:v 1 -y film-192.png
ffmpeg -v error -i film.mp4 -vf "select=eq(n\,191)" -fps_mode passthrough -frames:v 1 -y film-191.png
value="$(psnr film-96.png dawn-last.png)"
above "$value" 30 || fail "shot 2's first frame is $value dB from shot 1's last frame"
value="$(psnr film-192.png film-191.png)"
above "$value" 30 && fail "the cut to shot 3 looks continuous ($value dB)"

case_ "the state file and the contact sheet"
python3 - <<'PY'
import json
state = json.load(open("film.storyboard.json"))
assert state["film"] == "film.mp4" and state["film_c2pa_manifest"] is False, state
assert [s["label"] for s in state["shots"]] == ["dawn", "closer", "keeper"], state
assert all(s["clip"] == "film." + s["label"] + ".mp4" for s in state["shots"]), state
PY
assert_eq "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0 sheet.png)" "664,638" \
  "contact sheet: 3 rows of two 320x180 frames"

case_ "a changed shot is stale, and so is the shot continuing from it; others stay done"
sed -i 's/A lighthouse at dawn/A lighthouse at dusk/' film.toml
expect_exit 0 -- sora storyboard film.toml --status
assert_contains "$OUT" "● dawn  4 s 1280x720  [stale]"
assert_contains "$OUT" "└─ closer (last-frame after dawn)  4 s 1280x720  [stale]"
assert_contains "$OUT" "● keeper  4 s 1280x720  [done]"
expect_exit 0 -- sora storyboard film.toml --dry-run
assert_contains "$OUT" "Estimated total: \$0.80"

case_ "clips that differ in codec parameters are not joined"
sed -i 's/A lighthouse at dusk/A lighthouse at dawn/' film.toml
ffmpeg -v error -f lavfi -i color=red:s=640x360:d=4:r=24 -c:v libx264 -y film.keeper.mp4
cp film.mp4 film-before.mp4
expect_exit 2 -- sora storyboard film.toml
assert_contains "$ERR" "without re-encoding"
assert_contains "$ERR" "Cannot join 'keeper' (film.keeper.mp4) to 'dawn' (film.dawn.mp4)"
assert_contains "$ERR" "640x360 instead of h264 1280x720"
assert_same film.mp4 film-before.mp4
assert_no_file film.mp4.part
assert_contains "$ERR" "Add --reencode"

case_ "a full run: shots through the job pipeline, reruns pay only for what changed"
mkdir run && cd run
sed 's/output = "film.mp4"/output = "run.mp4"/' ../film.toml >run.toml
clear_requests
RC=0
sora storyboard run.toml >"$OUT" 2>"$ERR" || RC=$?
[[ $RC -eq 0 ]] || fail "storyboard run exited $RC: $(cat "$ERR")"
assert_req "len(reqs('POST', r'/videos\$')) == 3" "three shots created"
assert_eq "$(ffprobe -v error -show_entries format=duration -of csv=p=0 run.mp4)" "12.000000" "duration"
ffmpeg -v error -i run.dawn.mp4 -vf "select=eq(n\,95)" -fps_mode passthrough -frames:v 1 -y dawn-95.png
ffmpeg -v error -i run.mp4 -vf "select=eq(n\,96)" -fps_mode passthrough -frames:v 1 -y run-96.png
value="$(psnr run-96.png dawn-95.png)"
above "$value" 30 || fail "shot 2 does not start on shot 1's last frame ($value dB)"
clear_requests
expect_exit 0 -- sora storyboard run.toml
assert_req "len(reqs('POST', r'/videos\$')) == 0" "a rerun sends nothing"
sed -i 's/The keeper climbs the stairs/The keeper lights the lamp/' run.toml
clear_requests
expect_exit 0 -- sora storyboard run.toml
assert_req "len(reqs('POST', r'/videos\$')) == 1" "only the changed shot is made again"

case_ "shots of two sizes: refused before sending without --reencode; one H.264 film with it"
cd "$T" && mkdir sizes && cd sizes
cat >sizes.toml <<'TOML'
[film]
seconds = 4
output = "sizes.mp4"

[[shot]]
label = "wide"
size = "1280x720"
prompt = "A harbour at noon"

[[shot]]
label = "tall"
size = "720x1280"
prompt = "A mast against the sky"
TOML
clear_requests
expect_exit 2 -- sora storyboard sizes.toml
assert_contains "$ERR" "Shot 'tall' is 720x1280 and shot 'wide' is 1280x720"
assert_contains "$ERR" "Nothing was sent"
assert_contains "$ERR" "Add --reencode"
assert_no_requests
expect_exit 0 -- sora storyboard sizes.toml --reencode
assert_req "len(reqs('POST', r'/videos\$')) == 2" "both shots made"
assert_contains "$ERR" "re-encoded as H.264"
# The clips stay next to the film as the server made them.
assert_eq "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0 sizes.tall.mp4)" "720,1280" "tall clip"
assert_eq "$(ffprobe -v error -select_streams v -show_entries stream=codec_name,width,height -of csv=p=0 sizes.mp4)" \
  "h264,1280,720" "one video stream, H.264, the first shot's size"
assert_eq "$(ffprobe -v error -show_entries chapter_tags=title -of csv=p=0 sizes.mp4 | tr '\n' ' ')" \
  "wide tall " "one chapter per shot"
duration="$(ffprobe -v error -show_entries format=duration -of csv=p=0 sizes.mp4)"
python3 -c "import sys; sys.exit(0 if abs($duration - 8) <= 2 / 24 else 1)" ||
  fail "the film is $duration s, not the shots' 8 s"
ffmpeg -v error -i sizes.mp4 -vf "select=eq(n\,50)" -fps_mode passthrough -frames:v 1 -y film-50.png
ffmpeg -v error -i sizes.wide.mp4 -vf "select=eq(n\,50)" -fps_mode passthrough -frames:v 1 -y wide-50.png
value="$(psnr film-50.png wide-50.png)"
above "$value" 30 || fail "the first shot's frame 50 is $value dB from the clip's"
# The tall shot, fitted: 404x720 in the middle (x = 438), black bars left and right.
ffmpeg -v error -i sizes.mp4 -vf "select=eq(n\,146)" -fps_mode passthrough -frames:v 1 -y film-146.png
ffmpeg -v error -i sizes.tall.mp4 -vf "select=eq(n\,50),scale=404:720:flags=bicubic,pad=1280:720:438:0" \
  -fps_mode passthrough -frames:v 1 -y tall-50.png
value="$(psnr film-146.png tall-50.png)"
above "$value" 30 || fail "the tall shot's frame 50 is $value dB from the clip's, fitted"
value="$(psnr film-146.png film-50.png)"
if above "$value" 30; then fail "test of the test: two different shots look alike ($value dB)"; fi

case_ "extend and remix: what the server was asked, and a film that holds both"
cd "$T" && mkdir cont && cd cont
cat >cont.toml <<'TOML'
[film]
size = "1280x720"
seconds = 4
output = "cont.mp4"

[[shot]]
label = "harbour"
prompt = "A harbour at dawn"

[[shot]]
label = "sail"
after = "harbour"
continue = "extend"
prompt = "A boat sails out"

[[shot]]
label = "night"
after = "harbour"
continue = "remix"
prompt = "The same harbour at night"
TOML
clear_requests
expect_exit 0 -- sora storyboard cont.toml
src="$(python3 -c "import json; print(next(s['video_id'] for s in json.load(open('cont.storyboard.json'))['shots'] if s['label'] == 'harbour'))")"
[[ $src == video_* ]] || fail "no video id recorded for the first shot: '$src'"
assert_req "len(reqs('POST', r'/videos\$')) == 1" "one create"
assert_req "[(param(r, 'video'), param(r, 'prompt'), param(r, 'seconds')) for r in reqs('POST', r'/videos/extensions\$')] == [({'id': '$src'}, 'A boat sails out', '4')]" \
  "one extension of the first shot's video"
assert_req "[param(r, 'prompt') for r in reqs('POST', r'/videos/$src/remix\$')] == ['The same harbour at night']" \
  "one remix of the first shot's video"
# The extension (8 s: the harbour and 4 s more) takes the first shot's place; the remix follows.
assert_eq "$(ffprobe -v error -show_entries format=duration -of csv=p=0 cont.mp4)" "12.000000" "duration"
assert_eq "$(ffprobe -v error -show_entries chapter=start_time,end_time:chapter_tags=title -of csv=p=0 cont.mp4 | tr '\n' ' ')" \
  "0.000000,4.000000,harbour 4.000000,8.000000,sail 8.000000,12.000000,night " "chapters"
cat <(packet_sizes cont.sail.mp4) <(packet_sizes cont.night.mp4) >clips.sizes
packet_sizes cont.mp4 >film.sizes
cmp -s clips.sizes film.sizes || fail "the film is not the extension's clip then the remix's"
clear_requests
expect_exit 0 -- sora storyboard cont.toml
assert_req "len(reqs('POST', r'/videos'))== 0" "a rerun sends nothing"

case_ "a run killed while a shot's create is in flight: the rerun follows that job, not paid twice"
cd "$T" && mkdir killed && cd killed
export XDG_STATE_HOME="$T/killed/state"
start_mock --fault create-delay --delay-ms 3000
printf '[film]\noutput = "fox.mp4"\n\n[[shot]]\nlabel = "fox"\nprompt = "A fox crosses the storyboard"\n' >fox.toml
posts() { reqpy "len([r for r in reqs('POST', r'/videos\$') if param(r, 'prompt') == '$1'])"; }
set -m
"$SORA_BIN" storyboard fox.toml >"$OUT" 2>"$ERR" &
pid=$!
set +m
BG_PIDS+=("$pid")
for ((i = 0; i < 200; i++)); do
  [[ "$(posts "A fox crosses the storyboard")" == 1 ]] && break
  sleep 0.05
done
[[ "$(posts "A fox crosses the storyboard")" == 1 ]] || fail "the shot's create did not reach the mock"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
assert_no_file fox.mp4
expect_exit 0 -- sora storyboard fox.toml
assert_contains "$ERR" "following it instead of paying for another"
assert_eq "$(posts "A fox crosses the storyboard")" 1 "creates of the killed shot"
assert_mp4 fox.mp4
