#!/usr/bin/env bash
# interop_offline_on_register: dave's phone is off (his SIP account is not
# registered, and he has no browser session). alice (browser) posts twice in
# lobby and sends dave a private message; carol (baresip) sends him one too
# and gets 202 (stored, nothing reachable). Then dave's baresip starts and
# REGISTERs: it receives the four messages in the order they were sent,
# each exactly once, with the original time in front of the text
# ("[YYYY-MM-DD HH:MM UTC] alice: text", text/plain devices have no
# DateTime). A live message sent afterwards arrives after them, as itself.
# Messages go out within seconds, so by default the stamp cannot tell the
# original time from the delivery time. INTEROP_OFFLINE_NEXT_MINUTE=1 waits
# (up to 60 s) until the UTC minute has changed before dave's phone starts:
# the stamps must then be earlier than the minute of the REGISTER.
# usage: test_offline_on_register.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
. "$IT_LIB_DIR/web.sh"
it_begin interop_offline_on_register

it_server_config
it_user_add alice
it_user_with_sip carol
it_user_with_sip dave
it_room_add lobby alice
it_room_member lobby carol dave
it_server_start

wc_start alice alice
BS_CONTACT=sip:dave@$IT_DOMAIN bs_start carol carol "$(it_password carol)"

t1="first lobby post while dave is off $IT_TOKEN"
t2="second lobby post while dave is off $IT_TOKEN"
t3="private from alice's browser $IT_TOKEN"
t4="private from carol's phone $IT_TOKEN"
before=$(date -u +%s)
ma=$(wc_mark alice)
wc_post alice lobby "$t1"
wc_wait alice '^STATUS c-1 delivered ' 10 "$ma" >/dev/null || it_fail "alice's first post: $(wc_grep alice '^STATUS c-1 ' "$ma")"
wc_post alice lobby "$t2"
wc_wait alice '^STATUS c-2 delivered ' 10 "$ma" >/dev/null || it_fail "alice's second post: $(wc_grep alice '^STATUS c-2 ' "$ma")"
wc_send alice dave "$t3"
st=$(wc_wait alice '^STATUS c-3 ' 10 "$ma") || it_fail "alice's private message to the offline dave got no message.status"
[[ "$st" == "STATUS c-3 delivered 202 "* ]] ||
	it_fail "alice's private message to dave (nothing reachable) was not accepted with 202: $st"
mc=$(bs_mark carol)
bs_message carol "$t4"
codes=$(bs_wait_code carol MESSAGE 202 10 "$mc") ||
	it_fail "carol's MESSAGE to dave (nothing reachable) did not get 202 (responses: $codes)"
after=$(date -u +%s)

if [ "${INTEROP_OFFLINE_NEXT_MINUTE:-0}" = 1 ]; then
	# a deliberate gap in time, not a wait for an event
	while [ "$(date -u +%Y%m%d%H%M)" = "$(date -u -d "@$after" +%Y%m%d%H%M)" ]; do sleep 1; done
	it_log "the UTC minute changed; dave registers at $(date -u +'%H:%M:%S')"
fi
reg_minute=$(date -u +'%Y-%m-%d %H:%M')

# dave's phone comes on
bs_start dave dave "$(it_password dave)"
want=("~lobby alice: $t1" "~lobby alice: $t2" "alice $t3" "carol $t4")
stamp='\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC\]'
bs_wait dave "^sip:carol@[^ ]*: \".*$(it_ere "$t4")\"\$" 15 >/dev/null ||
	it_fail "dave's baresip did not get the last queued message after REGISTER (got: $(bs_grep dave '^sip:[^ ]+: "' | tr '\n' '|'))"

# every delivery as baresip logged it: sip:FROM@host: "TEXT"
got=$(bs_grep dave '^sip:[^ ]+: "' | grep -F "$IT_TOKEN")
it_log "dave got: $(printf '%s' "$got" | tr '\n' '|')"
[ "$(printf '%s\n' "$got" | wc -l)" = 4 ] || it_fail "dave got $(printf '%s\n' "$got" | wc -l) messages, want 4: $(printf '%s' "$got" | tr '\n' '|')"
i=0
lo=$(date -u -d "@$((before - before % 60))" +'%Y-%m-%d %H:%M')
hi=$(date -u -d "@$after" +'%Y-%m-%d %H:%M')
while IFS= read -r line; do
	w=${want[$i]}
	from=${w%% *}
	text=${w#* }
	case $i in
		0 | 1) re="^sip:$(it_ere "$from")@[^ ]+: \"($stamp) $(it_ere "$text")\"\$" ;;
		*) re="^sip:$from@[^ ]+: \"($stamp) ($from: )?$(it_ere "$text")\"\$" ;;
	esac
	[[ "$line" =~ $re ]] || it_fail "queued message $((i + 1)) out of order or wrong form: '$line' (want from $from: [time] ... $text)"
	t=${BASH_REMATCH[1]}
	t=${t#\[}
	t=${t% UTC\]}
	[[ ! "$t" < "$lo" && ! "$t" > "$hi" ]] || it_fail "queued message $((i + 1)) shows $t, not its original time ($lo .. $hi UTC)"
	if [ "${INTEROP_OFFLINE_NEXT_MINUTE:-0}" = 1 ] && [[ ! "$t" < "$reg_minute" ]]; then
		it_fail "queued message $((i + 1)) shows $t, the time of delivery ($reg_minute), not the time it was sent"
	fi
	i=$((i + 1))
done <<<"$got"

# a live message now: arrives as itself (no time stamp), and nothing queued
# comes a second time before it
t5="live after register $IT_TOKEN"
md=$(bs_mark dave)
mc=$(bs_mark carol)
bs_message carol "$t5"
bs_wait_message dave carol "$t5" 10 "$md" >/dev/null || it_fail "dave did not get carol's live message after REGISTER"
dups=$(bs_grep dave '^sip:[^ ]+: "' "$md" | grep -vF "$t5" | grep -F "$IT_TOKEN")
[ -z "$dups" ] || it_fail "queued messages came again: $(printf '%s' "$dups" | tr '\n' '|')"

it_pass "4 queued messages (2 room, 2 private; carol's MESSAGE: ${codes% }) reached dave on REGISTER in order, once, stamped $lo..$hi UTC"
