#!/usr/bin/env bash
# interop_room_baresip_linphone: room lobby has two browser users (alice,
# bob: lib/webclient.cjs) and two phones (carol: baresip, dave: linphonec).
# A post from each side reaches every other member exactly once: browsers as
# room.message frames, phones as a MESSAGE from sip:~lobby@DOMAIN whose
# text/plain body is "sender: text". The phones post with a MESSAGE to the
# room URI and get 200. erin (baresip, not a member) gets 403 and nobody
# sees her text.
# usage: test_room_baresip_linphone.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
. "$IT_LIB_DIR/linphone.sh"
. "$IT_LIB_DIR/web.sh"
it_begin interop_room_baresip_linphone

it_server_config
it_user_add alice
it_user_add bob
it_user_with_sip carol
it_user_with_sip dave
it_user_with_sip erin
it_room_add lobby alice
it_room_member lobby bob carol dave
it_server_start

room=sip:~lobby@$IT_DOMAIN
wc_start alice alice
wc_start bob bob
BS_CONTACT=$room bs_start carol carol "$(it_password carol)"
lp_start dave dave "$(it_password dave)"
BS_CONTACT=$room bs_start erin erin "$(it_password erin)"

# once: the text reached NAME's log exactly one time after MARK
once_bs() { [ "$(bs_grep "$1" "^sip:~lobby@[^ ]*: \"$(it_ere "$2")\"\$" "$3" | wc -l)" = 1 ]; }
once_lp() {
	[ "$(it_grep "${LP_DIR[$1]}/linphonec.log" "Message received from sip:~lobby@[^ ]*: $(it_ere "$2")\$" "$3" | wc -l)" = 1 ]
}
once_wc() { [ "$(wc_grep "$1" "^ROOM lobby $2 [0-9]+ $(it_ere "$3")\$" "$4" | wc -l)" = 1 ]; }

marks() { mc=$(bs_mark carol); md=$(lp_mark dave); ma=$(wc_mark alice); mb=$(wc_mark bob); me=$(bs_mark erin); }

# 1. browser alice -> both phones and browser bob
t1="alice in the browser $IT_TOKEN"
marks
wc_post alice lobby "$t1"
st=$(wc_wait alice '^STATUS c-1 ' 10 "$ma") || it_fail "alice's room.post got no message.status"
[[ "$st" == "STATUS c-1 delivered "* ]] || it_fail "alice's room.post to lobby: $st"
bs_wait_message carol "~lobby" "alice: $t1" 10 "$mc" >/dev/null ||
	it_fail "carol's baresip did not get alice's room post as 'alice: ...' from $room"
lp_wait_message dave "~lobby" "alice: $t1" 10 "$md" >/dev/null ||
	it_fail "dave's linphonec did not get alice's room post as 'alice: ...' from $room"
wc_wait_room bob lobby alice "$t1" 10 "$mb" >/dev/null || it_fail "browser bob did not get alice's room post"
once_bs carol "alice: $t1" "$mc" && once_lp dave "alice: $t1" "$md" && once_wc bob alice "$t1" "$mb" ||
	it_fail "alice's post was delivered more than once somewhere"
bs_grep erin "$(it_ere "$t1")" "$me" >/dev/null && it_fail "non-member erin received a lobby post"

# 2. baresip carol -> room URI: 200, linphonec and both browsers
t2="carol on baresip $IT_TOKEN"
marks
bs_message carol "$t2"
codes=$(bs_wait_code carol MESSAGE '2..' 10 "$mc") || it_fail "carol's MESSAGE to $room got no 2xx (responses: $codes)"
lp_wait_message dave "~lobby" "carol: $t2" 10 "$md" >/dev/null || it_fail "dave did not get carol's room post"
wc_wait_room alice lobby carol "$t2" 10 "$ma" >/dev/null || it_fail "browser alice did not get carol's room post"
wc_wait_room bob lobby carol "$t2" 10 "$mb" >/dev/null || it_fail "browser bob did not get carol's room post"
once_lp dave "carol: $t2" "$md" && once_wc alice carol "$t2" "$ma" && once_wc bob carol "$t2" "$mb" ||
	it_fail "carol's post was delivered more than once somewhere"
bs_grep carol "^sip:~lobby@[^ ]*: \"carol: " "$mc" >/dev/null && it_fail "carol's own post came back to her phone"

# 3. linphonec dave -> baresip carol and both browsers
t3="dave on linphone $IT_TOKEN"
marks
lp_message dave "$room" "$t3"
bs_wait_message carol "~lobby" "dave: $t3" 10 "$mc" >/dev/null || it_fail "carol did not get dave's room post"
wc_wait_room alice lobby dave "$t3" 10 "$ma" >/dev/null || it_fail "browser alice did not get dave's room post"
wc_wait_room bob lobby dave "$t3" 10 "$mb" >/dev/null || it_fail "browser bob did not get dave's room post"
once_bs carol "dave: $t3" "$mc" && once_wc alice dave "$t3" "$ma" && once_wc bob dave "$t3" "$mb" ||
	it_fail "dave's post was delivered more than once somewhere"

# 4. erin is no member: 403, and nobody sees her text
t4="erin is not a member $IT_TOKEN"
marks
bs_message erin "$t4"
ecodes=$(bs_wait_code erin MESSAGE 403 10 "$me") || it_fail "non-member erin's post to $room was not refused with 403 (responses: $ecodes)"
# the refusal comes before any fan-out, so nothing may have arrived by now
bs_grep carol "$(it_ere "$t4")" "$mc" >/dev/null && it_fail "carol received non-member erin's post"
it_grep "${LP_DIR[dave]}/linphonec.log" "$(it_ere "$t4")" "$md" >/dev/null && it_fail "dave received non-member erin's post"
wc_grep alice "$(it_ere "$t4")" "$ma" >/dev/null && it_fail "alice received non-member erin's post"

it_pass "browser, baresip and linphonec posts reached all other lobby members once; carol's MESSAGE: $codes; non-member: $ecodes"
