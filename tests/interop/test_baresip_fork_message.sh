#!/usr/bin/env bash
# interop_baresip_fork_message: user alice owns two SIP accounts, alice and
# alice2, each registered by its own baresip. One MESSAGE from bob's baresip
# to sip:alice@DOMAIN must reach both (the server forks to every registered
# contact of every SIP account of the user), each exactly once, and bob gets
# one 2xx.
# usage: test_baresip_fork_message.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
it_begin interop_baresip_fork_message

it_server_config
it_user_with_sip alice
it_sip_add alice alice2
it_user_with_sip bob
it_server_start

bs_start alice1 alice "$(it_password alice)"
bs_start alice2 alice2 "$(it_password alice2)"
BS_CONTACT=sip:alice@$IT_DOMAIN bs_start bob bob "$(it_password bob)"

text="one for both $IT_TOKEN"
m1=$(bs_mark alice1)
m2=$(bs_mark alice2)
mb=$(bs_mark bob)
bs_message bob "$text"
got1=no
got2=no
bs_wait_message alice1 bob "$text" 10 "$m1" >/dev/null && got1=yes
bs_wait_message alice2 bob "$text" 5 "$m2" >/dev/null && got2=yes
codes=$(bs_wait_code bob MESSAGE '2..' 5 "$mb") || codes="$codes (no 2xx)"
[ "$got1" = yes ] && [ "$got2" = yes ] ||
	it_fail "fork: account alice got it: $got1, account alice2 got it: $got2; bob's responses: $codes"
# no duplicate delivery (say, one per transport or a retransmission shown twice)
n1=$(bs_grep alice1 "^sip:bob@[^ ]*: \"$text\"\$" "$m1" | wc -l)
n2=$(bs_grep alice2 "^sip:bob@[^ ]*: \"$text\"\$" "$m2" | wc -l)
[ "$n1" = 1 ] && [ "$n2" = 1 ] || it_fail "duplicate delivery: alice $n1 times, alice2 $n2 times"
case "$codes" in
	*"no 2xx"*) it_fail "both copies delivered but bob got no 2xx (responses: $codes)" ;;
esac

it_pass "one MESSAGE to sip:alice@$IT_DOMAIN reached accounts alice and alice2; bob's responses: $codes"
