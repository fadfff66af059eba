#!/usr/bin/env bash
# interop_baresip_cancel: calls that are never answered. bob's baresip rings
# (manual answer). (1) alice hangs up while it rings: the CANCEL goes through
# the server, bob stops ringing, alice's INVITE ends with 487 (RFC 3261
# §9.2, §16.10). (2) bob rejects a second call: alice gets bob's final
# answer (4xx/6xx) forwarded, and no call is established.
# usage: test_baresip_cancel.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
it_begin interop_baresip_cancel

it_server_config
it_user_with_sip alice
it_user_with_sip bob
it_server_start

bs_start alice alice "$(it_password alice)"
BS_ANSWER=manual bs_start bob bob "$(it_password bob)"

# (1) CANCEL while ringing
ma=$(bs_mark alice)
mb=$(bs_mark bob)
bs_cmd alice "/dial sip:bob@$IT_DOMAIN"
bs_wait bob 'Incoming call from' 10 "$mb" >/dev/null || it_fail "bob's baresip did not ring"
bs_wait_code alice INVITE '18.' 5 "$ma" >/dev/null || it_fail "alice got no 18x while bob rang"
bs_cmd alice /hangup
bs_wait_request bob CANCEL 10 "$mb" || it_fail "no CANCEL reached bob through the server"
codes=$(bs_wait_code alice INVITE '487' 10 "$ma") || it_fail "alice's cancelled INVITE: want 487, got: $codes"
bs_grep bob 'Call established' "$mb" >/dev/null && it_fail "a call was established although cancelled"
# the server acknowledges bob's 487 hop by hop (RFC 3261 §17.1.1.3)
bs_wait_request bob ACK 10 "$mb" || it_fail "bob's 487 was never ACKed by the server"

# (2) bob rejects: /hangup on a ringing incoming call
ma=$(bs_mark alice)
mb=$(bs_mark bob)
bs_cmd alice "/dial sip:bob@$IT_DOMAIN"
bs_wait bob 'Incoming call from' 10 "$mb" >/dev/null || it_fail "bob's baresip did not ring the second time"
bs_cmd bob /hangup
rcodes=$(bs_wait_code alice INVITE '[4-6]..' 10 "$ma") || it_fail "rejected call: alice got no 4xx-6xx (got: $rcodes)"
reject=$(bs_trace bob "$mb" | awk -F' [|] ' -v to="$IT_PROXY" '$1 ~ (" -> " to "$") && $2 ~ /^SIP\/2\.0 [4-6]/ && $3 ~ / INVITE$/ { print $2; exit }')
bs_grep alice 'Call established' "$ma" >/dev/null && it_fail "a call was established although rejected"
[ -n "$reject" ] || it_fail "bob sent no 4xx-6xx to the INVITE"
bs_wait_request bob ACK 10 "$mb" || it_fail "bob's rejection was never ACKed by the server"
rcode=$(echo "$reject" | awk '{ print $2 }')
case " $rcodes" in
	*" $rcode "*) ;;
	*) it_fail "bob rejected with '$reject' but alice got: $rcodes" ;;
esac

it_pass "CANCEL while ringing: INVITE ${codes% }; rejected by bob ($reject): INVITE ${rcodes% }"
