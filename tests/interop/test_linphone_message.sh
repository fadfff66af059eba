#!/usr/bin/env bash
# interop_linphone_message: linphonec (carol) sends a MESSAGE to bob's
# baresip through the server, and bob's reply reaches linphonec.
# usage: test_linphone_message.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
. "$IT_LIB_DIR/linphone.sh"
it_begin interop_linphone_message

it_server_config
it_user_with_sip carol
it_user_with_sip bob
it_server_start

lp_start carol carol "$(it_password carol)"
BS_CONTACT=sip:carol@$IT_DOMAIN bs_start bob bob "$(it_password bob)"

text1="hi bob from linphone $IT_TOKEN"
mb=$(bs_mark bob)
lp_message carol "sip:bob@$IT_DOMAIN" "$text1"
bs_wait_message bob carol "$text1" 10 "$mb" >/dev/null ||
	it_fail "bob's baresip did not receive linphonec's MESSAGE (carol: ${LP_DIR[carol]}/debug.log)"

text2="hi carol from baresip $IT_TOKEN"
mc=$(lp_mark carol)
mb=$(bs_mark bob)
bs_message bob "$text2"
lp_wait_message carol bob "$text2" 10 "$mc" >/dev/null ||
	it_fail "linphonec did not receive bob's MESSAGE (bob's responses: $(bs_codes bob MESSAGE "$mb" | tr '\n' ' '))"
codes=$(bs_wait_code bob MESSAGE '2..' 5 "$mb") ||
	it_fail "bob got no 2xx for his MESSAGE to linphonec (responses: $codes)"

it_pass "linphonec -> baresip and baresip -> linphonec MESSAGE through the server"
