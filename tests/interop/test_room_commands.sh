#!/usr/bin/env bash
# interop_room_commands: a phone manages its rooms with text commands sent
# to room URIs. carol (baresip, member of lobby) sends /who, /join random,
# /leave, /help and an unknown command; each MESSAGE gets 200 and a reply
# MESSAGE from a room URI with the result. Membership is checked with the
# CLI (parley room members) and by posting: after /join random carol's post
# reaches alice's browser, after /leave it gets 403.
# usage: test_room_commands.sh PARLEY_BIN
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/baresip.sh"
. "$IT_LIB_DIR/web.sh"
it_begin interop_room_commands

it_server_config
it_user_add alice
it_user_with_sip carol
it_room_add lobby alice
it_room_add random alice
it_room_member lobby carol
it_server_start

lobby=sip:~lobby@$IT_DOMAIN
random=sip:~random@$IT_DOMAIN
wc_start alice alice
BS_CONTACT="$lobby $random" bs_start carol carol "$(it_password carol)"

# command URI TEXT -- sends TEXT to URI, wants a 2xx and one reply MESSAGE
# from a room URI; leaves the reply body (line breaks removed) in CMD_REPLY
command() {
	local uri=$1 text=$2 m codes end
	m=$(bs_mark carol)
	bs_message_to carol "$uri" "$text"
	codes=$(bs_wait_code carol MESSAGE '2..' 10 "$m") || it_fail "'$text' to $uri got no 2xx (responses: $codes)"
	end=$(($(date +%s) + 10))
	while :; do
		# the reply: the first MESSAGE that reached carol from the server
		CMD_REPLY=$(bs_bodies carol MESSAGE "$m" | head -1)
		[ -n "$CMD_REPLY" ] && break
		[ "$(date +%s)" -ge "$end" ] && it_fail "no reply MESSAGE to '$text' sent to $uri"
		sleep 0.1
	done
	bs_grep carol '^From: .*<?sip:~(lobby|random)@' "$m" >/dev/null ||
		it_fail "the reply to '$text' did not come from a room URI: $(bs_grep carol '^From:' "$m" | tr '\n' ' ')"
	it_log "'$text' -> $uri: $codes; reply: $CMD_REPLY"
}

# 1. /who in lobby: both members
command "$lobby" "/who"
[ "$CMD_REPLY" = "2 in ~lobby: alice, carol" ] || it_fail "/who in lobby: '$CMD_REPLY', want '2 in ~lobby: alice, carol'"

# 2. /join random (sent to lobby's URI)
command "$lobby" "/join random"
[[ "$CMD_REPLY" == "You joined ~random."* ]] || it_fail "/join random: the reply is not 'You joined ~random.': $CMD_REPLY"
it_room_members random | grep -qw carol || it_fail "after /join random, carol is not in parley room members random: $(it_room_members random | tr '\n' ' ')"
command "$random" "/who"
[ "$CMD_REPLY" = "2 in ~random: alice, carol" ] || it_fail "/who in random after joining: '$CMD_REPLY'"

# a member now: the post reaches alice's browser
post="carol joined random $IT_TOKEN"
ma=$(wc_mark alice)
m=$(bs_mark carol)
bs_message_to carol "$random" "$post"
codes=$(bs_wait_code carol MESSAGE '2..' 10 "$m") || it_fail "carol's post to random after /join got $codes"
wc_wait_room alice random carol "$post" 10 "$ma" >/dev/null || it_fail "alice's browser did not get carol's post in random"

# 3. /leave (sent to random's URI)
command "$random" "/leave"
[[ "$CMD_REPLY" == "You left ~random."* ]] || it_fail "/leave: the reply is not 'You left ~random.': $CMD_REPLY"
it_room_members random | grep -qw carol && it_fail "after /leave, carol is still in parley room members random"
m=$(bs_mark carol)
bs_message_to carol "$random" "after leaving $IT_TOKEN"
codes=$(bs_wait_code carol MESSAGE 403 10 "$m") || it_fail "carol's post to random after /leave was not refused with 403 ($codes)"

# 4. /help and a mistake
command "$lobby" "/help"
[[ "$CMD_REPLY" == "Commands for $lobby"* && "$CMD_REPLY" == *"/join"* && "$CMD_REPLY" == *"/leave"* && "$CMD_REPLY" == *"/who"* ]] ||
	it_fail "/help: $CMD_REPLY"
command "$lobby" "/frobnicate"
[[ "$CMD_REPLY" == "unknown command /frobnicate"* && "$CMD_REPLY" == *"Commands for"* ]] || it_fail "an unknown command did not get the help with the problem: $CMD_REPLY"

it_pass "/who, /join random, /leave, /help and an unknown command each got 200 and a reply from the room; membership changed as asked"
