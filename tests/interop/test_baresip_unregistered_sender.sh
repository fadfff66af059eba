#!/usr/bin/env bash
# interop_baresip_unregistered_sender: a MESSAGE from a source that is not a
# registered contact is challenged with 407 (RFC 3261 §22.3). eve's baresip
# never REGISTERs: it answers the 407 with her credentials and the MESSAGE
# reaches bob. mallory does the same with a wrong password: challenged again,
# and bob never sees his text.
# usage: test_baresip_unregistered_sender.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
it_begin interop_baresip_unregistered_sender

it_server_config
it_user_with_sip eve
it_user_with_sip mallory
it_user_with_sip bob
it_server_start

bs_start bob bob "$(it_password bob)"
BS_REGISTER=none BS_CONTACT=sip:bob@$IT_DOMAIN bs_start eve eve "$(it_password eve)"
BS_REGISTER=none BS_CONTACT=sip:bob@$IT_DOMAIN bs_start mallory mallory "wrong-$(it_password mallory)"
[ -z "$(bs_codes eve REGISTER)" ] || it_fail "eve sent a REGISTER although regint=0"

text="from an unregistered eve $IT_TOKEN"
mb=$(bs_mark bob)
me=$(bs_mark eve)
bs_message eve "$text"
bs_wait_message bob eve "$text" 10 "$mb" >/dev/null ||
	it_fail "bob did not receive eve's MESSAGE (eve's responses: $(bs_codes eve MESSAGE "$me" | tr '\n' ' '))"
codes=$(bs_wait_code eve MESSAGE '2..' 5 "$me") || it_fail "eve got no 2xx (responses: $codes)"
case "$codes" in
	407\ *) ;;
	*) it_fail "eve's first MESSAGE was not challenged with 407 (responses: $codes)" ;;
esac
bs_grep eve '^Proxy-Authorization: Digest ' "$me" >/dev/null ||
	it_fail "eve's second MESSAGE carried no Proxy-Authorization"

bad="from mallory $IT_TOKEN"
mb=$(bs_mark bob)
mm=$(bs_mark mallory)
bs_message mallory "$bad"
# wait (10 s cap) for the second challenge, or for any other final answer
end=$(($(date +%s) + 10))
while :; do
	mcodes=$(bs_codes mallory MESSAGE "$mm" | tr '\n' ' ')
	[ "$(bs_codes mallory MESSAGE "$mm" | grep -c '^407$')" -ge 2 ] && break
	[ -n "$mcodes" ] && printf '%s\n' $mcodes | grep -qvE '^(1..|407)$' && break
	[ "$(date +%s)" -ge "$end" ] && break
	sleep 0.1
done
case " $mcodes" in
	*" 2"??" "*) it_fail "MESSAGE with a wrong password was accepted (responses: $mcodes)" ;;
esac
[ "$(bs_codes mallory MESSAGE "$mm" | grep -c '^407$')" -ge 2 ] ||
	it_fail "wrong credentials on MESSAGE were not refused with 407 again (responses: $mcodes)"
bs_grep bob "^sip:mallory@" "$mb" >/dev/null && it_fail "bob received mallory's MESSAGE"

it_pass "unregistered eve: MESSAGE $codes, delivered; wrong password: MESSAGE ${mcodes% }, not delivered"
