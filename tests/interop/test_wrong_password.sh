#!/usr/bin/env bash
# interop_wrong_password: a baresip with the wrong SIP password is refused:
# it answers the 401 with credentials and the server challenges again (401),
# REGISTER never gets a 2xx. Control: a baresip with the right password
# registers, and a MESSAGE from it to the refused user gets 202 (stored for
# later: nothing of that user is reachable; a bound contact would have
# answered 200 itself), so the refused REGISTER really bound nothing;
# a MESSAGE to a user the server does not know gets 404.
# usage: test_wrong_password.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
it_begin interop_wrong_password

it_server_config
it_user_with_sip carol
it_user_with_sip dave
it_server_start

BS_REGISTER=nowait bs_start carol carol "wrong-$(it_password carol)"
st=$(bs_wait_registered carol 10)
case "$st" in
	ok) it_fail "REGISTER with a wrong password got a 2xx" ;;
	pending) it_fail "REGISTER with a wrong password got no final answer in 10 s (codes: $(bs_codes carol REGISTER | tr '\n' ' '))" ;;
esac
codes=$(bs_codes carol REGISTER | tr '\n' ' ')
# the second REGISTER carried credentials and was refused with a new 401
bs_trace carol | grep -q '| REGISTER sip:' || it_fail "carol sent no REGISTER"
bs_grep carol '^Authorization: Digest ' >/dev/null ||
	it_fail "carol never answered the challenge with credentials (codes: $codes)"
[ "$(bs_codes carol REGISTER | grep -c '^401$')" -ge 2 ] ||
	it_fail "the server did not answer the wrong credentials with 401 again (codes: $codes)"

BS_CONTACT=sip:carol@$IT_DOMAIN bs_start dave dave "$(it_password dave)"
md=$(bs_mark dave)
bs_message dave "are you there $IT_TOKEN"
# 407 is the proxy challenge baresip answers itself; the final answer follows
mcodes=$(bs_wait_code dave MESSAGE '202' 10 "$md") ||
	it_fail "MESSAGE to the unregistered carol: want 202 (stored, nothing reachable), got: $mcodes"
bs_grep carol "are you there $IT_TOKEN" >/dev/null && it_fail "the refused carol received dave's MESSAGE"

n401=$(bs_codes carol REGISTER | grep -c '^401$')
# and a user the server does not know at all: 404
BS_CONTACT=sip:nosuchuser$IT_TOKEN@$IT_DOMAIN bs_start frank dave "$(it_password dave)"
mf=$(bs_mark frank)
bs_message frank "anyone $IT_TOKEN"
ucodes=$(bs_wait_code frank MESSAGE '404' 10 "$mf") ||
	it_fail "MESSAGE to an unknown user: want 404, got: $ucodes"

it_pass "unknown user: MESSAGE $ucodes; wrong password: $n401 REGISTERs, each answered 401, none 2xx; right password registered; MESSAGE to refused user: $mcodes"
