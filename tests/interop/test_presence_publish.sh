#!/usr/bin/env bash
# interop_presence_publish: a phone's PUBLISH shows in the browser. bob is a
# browser user sharing room lobby with alice. alice's baresip registers and
# PUBLISHes (open; pubint > 0): bob sees alice available. baresip 1.0.0 and
# linphonec 5.1 can only publish open/closed (KNOWN_ISSUES.md), so a SIPp
# "phone" of alice's account publishes the rich states: away with a note,
# then busy (SIP-If-Match), then do-not-disturb, then removes its
# publication: bob sees away, busy, dnd, then available again. When alice's
# baresip quits (un-REGISTER), bob sees offline.
# usage: test_presence_publish.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
. "$IT_LIB_DIR/web.sh"
. "$IT_LIB_DIR/sipp.sh"
it_begin interop_presence_publish

it_server_config
it_user_with_sip alice
it_user_add bob
it_room_add lobby alice
it_room_member lobby bob
it_server_start

wc_start bob bob

# 1. alice's baresip comes on and publishes open
mb=$(wc_mark bob)
BS_PUBINT=600 bs_start alice alice "$(it_password alice)"
wc_wait_presence bob alice available 10 "$mb" >/dev/null ||
	it_fail "bob did not see alice available after her phone registered ($(wc_grep bob '^PRESENCE alice ' "$mb" | tail -1))"
pcodes=$(bs_wait_code alice PUBLISH '2..' 10) || it_fail "baresip's PUBLISH (open) got no 2xx (responses: $pcodes)"

# 2. rich states from the SIPp phone; each one shows in bob's browser
# expect STATUS NOTE -- bob's next presence push for alice is STATUS (NOTE)
expect() {
	local line
	line=$(wc_wait_presence bob alice "$1" 10 "$mb") ||
		it_fail "bob did not see alice '$1' after the PUBLISH (last: $(wc_grep bob '^PRESENCE alice ' "$mb" | tail -1))"
	[ -z "$2" ] || [[ "$line" == *" $2" ]] || it_fail "alice is '$1' but the note is not '$2': $line"
}
mb=$(wc_mark bob)
sp_publish phone alice "<rpid:away/>" "gone fishing"
expect away "gone fishing"
etag1=$SP_ETAG
mb=$(wc_mark bob)
sp_publish phone alice "<rpid:busy/>" "in a meeting" "$etag1"
expect busy "in a meeting"
mb=$(wc_mark bob)
sp_publish phone alice "<rpid:other>do-not-disturb</rpid:other>" "" "$SP_ETAG"
expect dnd ""
mb=$(wc_mark bob)
sp_unpublish phone alice "$SP_ETAG"
expect available ""

# 3. alice's phone goes away: offline
mb=$(wc_mark bob)
bs_stop alice
wc_wait_presence bob alice offline 10 "$mb" >/dev/null ||
	it_fail "bob did not see alice offline after her phone un-REGISTERed ($(wc_grep bob '^PRESENCE alice ' "$mb" | tail -1))"

it_pass "bob's browser saw alice available (baresip PUBLISH ${pcodes% }), away, busy, dnd (SIPp PUBLISH), available, offline"
