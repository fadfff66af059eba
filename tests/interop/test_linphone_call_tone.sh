#!/usr/bin/env bash
# interop_linphone_call_tone: linphonec (carol) calls bob's baresip through
# the server; carol plays a 440 Hz tone, bob auto-answers (PCMU) and records.
# carol hangs up after ~4 s; bob's recording must hold a 440 Hz tone.
# usage: test_linphone_call_tone.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
CALL_SECONDS=${CALL_SECONDS:-4}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
. "$IT_LIB_DIR/linphone.sh"
it_begin interop_linphone_call_tone

sox -q -n -r 8000 -c 1 -b 16 "$IT_WORK/tone440.wav" synth 10 sine 440 vol 0.5 ||
	it_fail "sox could not make the 440 Hz tone"

it_server_config
it_user_with_sip carol
it_user_with_sip bob
it_server_start

lp_start carol carol "$(it_password carol)"
lp_use_files carol "$IT_WORK/tone440.wav" "$IT_WORK/carol-received.wav"
bs_start bob bob "$(it_password bob)"

mc=$(lp_mark carol)
mb=$(bs_mark bob)
lp_cmd carol "call sip:bob@$IT_DOMAIN"
lp_wait carol 'Call [0-9]+ with .* connected' 15 "$mc" >/dev/null ||
	it_fail "linphonec's call to bob was not connected (carol: ${LP_DIR[carol]}/debug.log)"
bs_wait bob 'Call established' 5 "$mb" >/dev/null || it_fail "bob did not report the call established"
# the call's length is the test's subject, not a synchronisation
sleep "$CALL_SECONDS"
lp_cmd carol "terminate all"
bs_wait bob 'terminated' 10 "$mb" >/dev/null || it_fail "bob never saw linphonec's BYE"
lp_wait carol 'Call [0-9]+ with .* ended' 5 "$mc" >/dev/null || it_fail "linphonec did not end the call"
bs_grep bob 'Set audio decoder: PCMU' "$mb" >/dev/null || it_fail "bob did not decode PCMU"
bs_expect_bye_via_server bob "$mb"
bs_expect_received_tone bob 440
rec=$BS_TONE_FILE
result=$BS_TONE_RESULT
stats=${result#tonecheck: OK }
it_pass "linphonec -> baresip call through the server, bob received 440 Hz (${stats#"$rec" })"
