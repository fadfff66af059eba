#!/usr/bin/env bash
# interop_baresip_message[_tcp]: two baresip users, alice and bob, exchange a
# pager-mode MESSAGE (RFC 3428) both ways through the server.
# usage: test_baresip_message.sh PARLEY_BIN [udp|tcp|tls]
# (tls: the server gets a throw-away self-signed certificate and the clients
# use its TLS listener as outbound proxy; baresip 1.0.0 does not verify it)
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
TRANSPORT=${2:-udp}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"

name=interop_baresip_message
[ "$TRANSPORT" = udp ] || name=${name}_$TRANSPORT
it_begin "$name"

[ "$TRANSPORT" = tls ] && IT_WITH_TLS=1
it_server_config
it_user_with_sip alice
it_user_with_sip bob
it_server_start
[ "$TRANSPORT" = tls ] && IT_PROXY=127.0.0.1:$IT_TLS_PORT

export BS_TRANSPORT=$TRANSPORT
BS_CONTACT=sip:bob@$IT_DOMAIN bs_start alice alice "$(it_password alice)"
BS_CONTACT=sip:alice@$IT_DOMAIN bs_start bob bob "$(it_password bob)"

text1="hello bob $IT_TOKEN"
mb=$(bs_mark bob)
ma=$(bs_mark alice)
bs_message alice "$text1"
bs_wait_message bob alice "$text1" 10 "$mb" >/dev/null ||
	it_fail "bob did not receive alice's MESSAGE (logs: ${BS_LOG[bob]})"
codes=$(bs_wait_code alice MESSAGE 2.. 5 "$ma") ||
	it_fail "alice got no 2xx for her MESSAGE (responses: $codes)"

text2="hello alice $IT_TOKEN"
ma=$(bs_mark alice)
mb=$(bs_mark bob)
bs_message bob "$text2"
bs_wait_message alice bob "$text2" 10 "$ma" >/dev/null ||
	it_fail "alice did not receive bob's MESSAGE (logs: ${BS_LOG[alice]})"
codes=$(bs_wait_code bob MESSAGE 2.. 5 "$mb") ||
	it_fail "bob got no 2xx for his MESSAGE (responses: $codes)"

it_pass "MESSAGE alice->bob and bob->alice over $TRANSPORT"
