#!/usr/bin/env bash
# interop_tonecheck_selftest: the tone checker used by interop_baresip_call_tone
# must be able to fail. A 440 Hz tone (also after a PCMU round trip) passes;
# silence, 1000 Hz, 520 Hz, white noise and a tone too short all fail.
# usage: test_tonecheck_selftest.sh [PARLEY_BIN (unused)]
. "$(dirname "$0")/lib/harness.sh"
it_begin interop_tonecheck_selftest

gen() { # OUT SOX_EFFECTS...
	local out=$IT_WORK/$1
	shift
	sox -q -n -r 8000 -c 1 -b 16 "$out" "$@" || it_fail "sox could not make $out"
}
gen tone440.wav synth 4 sine 440 vol 0.5
gen silence.wav trim 0 4
gen tone1000.wav synth 4 sine 1000 vol 0.5
gen tone520.wav synth 4 sine 520 vol 0.5
gen noise.wav synth 4 whitenoise vol 0.5
gen short440.wav synth 1 sine 440 vol 0.5 pad 0 3
# what a PCMU call does to the tone: 8-bit mu-law and back
sox -q "$IT_WORK/tone440.wav" -e u-law "$IT_WORK/tone440.ul.wav" &&
	sox -q "$IT_WORK/tone440.ul.wav" -e signed-integer -b 16 "$IT_WORK/pcmu440.wav" ||
	it_fail "sox could not make the PCMU round trip"

check() { # EXPECT(0|1) FILE
	local out rc
	out=$(python3 "$IT_DIR/tonecheck.py" "$IT_WORK/$2" --freq 440 --min-seconds 2)
	rc=$?
	it_log "$out"
	[ "$rc" = "$1" ] || it_fail "tonecheck on $2 exited $rc, expected $1: $out"
}
check 0 tone440.wav
check 0 pcmu440.wav
check 1 silence.wav
check 1 tone1000.wav
check 1 tone520.wav
check 1 noise.wav
check 1 short440.wav
out=$(python3 "$IT_DIR/tonecheck.py" "$IT_WORK/missing.wav" --freq 440)
[ $? = 2 ] || it_fail "tonecheck on a missing file did not exit 2: $out"

it_pass "440 Hz passes (also via PCMU); silence, 1000 Hz, 520 Hz, noise, 1 s tone and a missing file fail"
