#!/usr/bin/env bash
# interop_baresip_call_tone: alice's baresip calls bob's through the server
# (INVITE, PCMU only). alice's microphone is a 440 Hz tone file; bob
# auto-answers and records what he receives (sndfile module). alice hangs up
# after ~4 s; bob's recording must hold >= 2.5 s of a 440 Hz tone, and
# alice's recording of bob's silence must not.
# usage: test_baresip_call_tone.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
CALL_SECONDS=${CALL_SECONDS:-4}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
it_begin interop_baresip_call_tone

# aufile hangs up at end of file: the tone must outlast the call
sox -q -n -r 8000 -c 1 -b 16 "$IT_WORK/tone440.wav" synth "$((CALL_SECONDS + 30))" sine 440 vol 0.5 ||
	it_fail "sox could not make the 440 Hz tone"

it_server_config
it_user_with_sip alice
it_user_with_sip bob
it_server_start

BS_AUDIO_SRC=$IT_WORK/tone440.wav bs_start alice alice "$(it_password alice)"
bs_start bob bob "$(it_password bob)"

ma=$(bs_mark alice)
mb=$(bs_mark bob)
bs_cmd alice "/dial sip:bob@$IT_DOMAIN"
bs_wait alice 'Call established' 15 "$ma" >/dev/null ||
	it_fail "call alice->bob not established (alice: ${BS_LOG[alice]})"
bs_wait bob 'Call established' 5 "$mb" >/dev/null ||
	it_fail "bob did not report the call established"
bs_grep alice '^Record-Route:' "$ma" >/dev/null ||
	it_fail "no Record-Route in the dialog-forming responses alice received"
# the call's length is the test's subject, not a synchronisation
sleep "$CALL_SECONDS"
bs_cmd alice /hangup
bs_wait bob 'terminated' 10 "$mb" >/dev/null || it_fail "bob never saw the BYE"
bs_wait alice 'terminated' 5 "$ma" >/dev/null || it_fail "alice did not end the call"
bs_grep bob 'Set audio decoder: PCMU' "$mb" >/dev/null || it_fail "bob did not decode PCMU"
bs_expect_bye_via_server bob "$mb"
bs_expect_received_tone bob 440
rec=$BS_TONE_FILE
result=$BS_TONE_RESULT

# the other direction carried bob's silence: the same check must fail there
# (the checker is not fooled by, say, the tone looping back to its sender)
reca=$(ls -t "${BS_DIR[alice]}"/rec/dump-*-dec.wav 2>/dev/null | head -1)
[ -n "$reca" ] || it_fail "alice has no recording of the audio she received"
back=$(python3 "$IT_DIR/tonecheck.py" "$reca" --freq 440 --min-seconds 1) &&
	it_fail "alice received a 440 Hz tone although bob sent silence: $back"

stats=${result#tonecheck: OK }
stats=${stats#"$rec" }
it_pass "PCMU call through the server; bob received 440 Hz ($stats); alice received no tone"
