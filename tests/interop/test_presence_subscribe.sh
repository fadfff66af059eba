#!/usr/bin/env bash
# interop_presence_subscribe: carol's baresip (presence module, alice in its
# contacts with ;presence=p2p) SUBSCRIBEs to sip:alice@DOMAIN; carol and
# alice share room lobby, so the server answers 200 and NOTIFYs PIDF.
# alice is a browser user: she logs in (open), sets away (<rpid:away/>),
# then dnd (<rpid:busy/><rpid:other>do-not-disturb</rpid:other>, note "Do not
# disturb"), then logs out (closed). Each change reaches carol as a NOTIFY
# through the server, and baresip's /contacts shows it (baresip 1.0.0 shows
# away as Offline and busy as Busy: /work/shared/peers/NOTES.md). erin shares
# no room with alice: her SUBSCRIBE gets 403.
# usage: test_presence_subscribe.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
. "$IT_LIB_DIR/web.sh"
it_begin interop_presence_subscribe

it_server_config
it_user_add alice
it_user_with_sip carol
it_user_with_sip erin
it_room_add lobby alice
it_room_member lobby carol
it_server_start

alice=sip:alice@$IT_DOMAIN

# wait_notify MARK ERE [TIMEOUT] -- a NOTIFY body carol got after MARK
# matches ERE; prints the body
wait_notify() {
	local end body
	end=$(($(date +%s) + ${3:-10}))
	while :; do
		body=$(bs_bodies carol NOTIFY "$1" | grep -E -- "$2" | tail -1)
		[ -n "$body" ] && { printf '%s\n' "$body"; return 0; }
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
last_notify() { bs_bodies carol NOTIFY "${1:-0}" | tail -1; }

# 1. alice offline: the SUBSCRIBE is accepted and the first NOTIFY is closed
BS_WATCH=$alice bs_start carol carol "$(it_password carol)"
codes=$(bs_wait_code carol SUBSCRIBE '2..' 10) || it_fail "carol's SUBSCRIBE to $alice got no 2xx (responses: $codes)"
case " $codes" in *" 202 "*) it_fail "SUBSCRIBE answered 202, want 200 (RFC 6665): $codes" ;; esac
wait_notify 0 '<basic>closed</basic>' >/dev/null || it_fail "no NOTIFY with basic closed for the offline alice (last: $(last_notify))"

# 2. alice logs in: open
m=$(bs_mark carol)
wc_start alice alice
wait_notify "$m" '<basic>open</basic>' >/dev/null || it_fail "no NOTIFY with basic open after alice logged in (last: $(last_notify "$m"))"
st=$(bs_wait_contact_status carol "$alice" Online) || it_fail "baresip shows alice as '$st' after she logged in, want Online"

# 3. away
m=$(bs_mark carol)
wc_status alice away
body=$(wait_notify "$m" '<rpid:away/>') || it_fail "no NOTIFY with <rpid:away/> after alice set away (last: $(last_notify "$m"))"
[[ "$body" == *"<basic>open</basic>"* ]] || it_fail "away NOTIFY is not basic open: $body"
st=$(bs_wait_contact_status carol "$alice" Offline) || it_fail "baresip shows the away alice as '$st' (baresip 1.0.0 renders rpid:away as Offline)"

# 4. do not disturb
m=$(bs_mark carol)
wc_status alice dnd
body=$(wait_notify "$m" '<rpid:other>do-not-disturb</rpid:other>') ||
	it_fail "no NOTIFY with do-not-disturb after alice set dnd (last: $(last_notify "$m"))"
[[ "$body" == *"<rpid:busy/>"* && "$body" == *"Do not disturb"* ]] ||
	it_fail "dnd NOTIFY lacks <rpid:busy/> or the note 'Do not disturb': $body"
st=$(bs_wait_contact_status carol "$alice" Busy) || it_fail "baresip shows the dnd alice as '$st', want Busy"

# 5. logout: closed
m=$(bs_mark carol)
wc_cmd alice logout
wc_wait alice '^LOGOUT 200' 10 >/dev/null || it_fail "alice's logout: $(wc_grep alice '^LOGOUT ')"
wait_notify "$m" '<basic>closed</basic>' >/dev/null || it_fail "no NOTIFY with basic closed after alice logged out (last: $(last_notify "$m"))"
st=$(bs_wait_contact_status carol "$alice" Offline) || it_fail "baresip shows the logged-out alice as '$st', want Offline"
# every NOTIFY came through the server and baresip answered 200
n=$(bs_bodies carol NOTIFY | wc -l)

# 6. erin shares no room with alice
BS_WATCH=$alice bs_start erin erin "$(it_password erin)"
ecodes=$(bs_wait_code erin SUBSCRIBE 403 10) || it_fail "erin (no shared room) SUBSCRIBEd to $alice: $ecodes, want 403"

it_pass "carol's baresip saw alice closed -> open -> away -> dnd -> closed in $n NOTIFYs (SUBSCRIBE: ${codes% }); erin: ${ecodes% }"
