# shellcheck shell=bash
# Drives baresip 1.0.0 headless: one process per peer, commands through a FIFO
# on its stdin (stdio UI module), facts read from its log, which holds the
# full SIP trace (-s). Source after harness.sh.
#
# bs_start NAME USER PASS -- starts peer NAME registering sip:USER@$IT_DOMAIN
# through the server ($IT_PROXY) as outbound proxy. Knobs (environment):
#   BS_TRANSPORT  udp (default) | tcp
#   BS_CONTACT    the URIs this peer can /message, space separated; the
#                 first is the current contact (baresip 1.0.0 only messages
#                 its "current contact", from the contacts file at start;
#                 bs_select_contact switches)
#   BS_WATCH      URIs whose presence this peer SUBSCRIBEs to (contacts
#                 with ;presence=p2p; loads the presence module)
#   BS_PUBINT     PUBLISH interval in s (default 0: no PUBLISH; > 0 loads
#                 the presence module, /presence_online|offline publish)
#   BS_AUDIO_SRC  8 kHz mono s16 WAV sent in calls (default: silence).
#                 aufile hangs up the call at end of file: make it long.
#   BS_ANSWER     auto (default) | manual (incoming calls ring until /accept)
#   BS_REGISTER   wait (default: fail unless REGISTER gets 2xx) | nowait
#                 | none (regint=0: never REGISTERs, still authenticates
#                 requests when challenged)
# Peer state lives in BS_DIR[NAME], BS_PID[NAME], BS_LOG[NAME].

declare -A BS_DIR=() BS_PID=() BS_LOG=()

# bs_start NAME USER PASS
bs_start() {
	local name=$1 user=$2 pass=$3
	local transport=${BS_TRANSPORT:-udp}
	local wd=$IT_WORK/$name port rtp src pid regint=600
	[ "${BS_REGISTER:-wait}" = none ] && regint=0
	port=$(it_ports 1 2) || it_fail "no free port pair for baresip $name"
	rtp=$(it_rtp_range)
	mkdir -p "$wd/rec"
	local presence_module="" pubint=${BS_PUBINT:-0} uri
	if [ -n "${BS_WATCH:-}" ] || [ "$pubint" != 0 ]; then
		presence_module="module_app		presence.so"
	fi
	src=${BS_AUDIO_SRC:-}
	if [ -z "$src" ]; then
		src=$wd/silence.wav
		sox -q -n -r 8000 -c 1 -b 16 "$src" trim 0 "$((IT_LIFETIME + 10))" ||
			it_fail "sox could not make $src"
	fi
	# sip_listen binds PORT; baresip 1.0.0 also binds SIP/TLS on PORT+1.
	# net_interface pins SDP and RTP to 127.0.0.1 (not eth0).
	cat >"$wd/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:$port
net_interface		127.0.0.1
call_local_timeout	60
audio_player		aubridge,null-$name
audio_alert		aubridge,alert-$name
audio_source		aufile,$src
ausrc_srate		8000
auplay_srate		8000
ausrc_channels		1
auplay_channels		1
rtp_ports		$rtp
rtcp_mux		no
jitter_buffer_delay	5-10
module_path		/usr/lib/baresip/modules
module			stdio.so
module			g711.so
module			sndfile.so
module			aufile.so
module			aubridge.so
module_tmp		uuid.so
module_tmp		account.so
module_app		contact.so
module_app		menu.so
$presence_module
snd_path		$wd/rec
EOF
	# baresip appends ;lr to the outbound proxy itself
	printf '"%s" <sip:%s@%s;transport=%s>;answermode=%s;audio_codecs=PCMU;regint=%s;pubint=%s;auth_user=%s;auth_pass=%s;outbound="sip:%s;transport=%s"\n' \
		"$name" "$user" "$IT_DOMAIN" "$transport" "${BS_ANSWER:-auto}" "$regint" "$pubint" "$user" "$pass" "$IT_PROXY" "$transport" >"$wd/accounts"
	: >"$wd/contacts"
	for uri in ${BS_CONTACT:-}; do
		echo "<$uri>" >>"$wd/contacts"
		[ -f "$wd/current_contact" ] || printf '%s' "$uri" >"$wd/current_contact"
	done
	for uri in ${BS_WATCH:-}; do
		echo "<$uri>;presence=p2p" >>"$wd/contacts"
	done
	mkfifo "$wd/ctl.fifo" || it_fail "mkfifo failed"
	# stdin is the FIFO opened read-write: never EOF, writers never block.
	# -t bounds the lifetime even if the harness dies.
	(cd "$wd" && exec baresip -4 -s -f "$wd" -t "$IT_LIFETIME" \
		<>"$wd/ctl.fifo" >"$wd/baresip.log" 2>&1) &
	pid=$!
	BS_DIR[$name]=$wd
	BS_PID[$name]=$pid
	BS_LOG[$name]=$wd/baresip.log
	it_on_exit "bs_stop $name"
	it_wait "${BS_LOG[$name]}" 'baresip is ready|init failed' 10 0 "$pid" >/dev/null ||
		it_fail "baresip $name did not start (log: ${BS_LOG[$name]})"
	if it_grep "${BS_LOG[$name]}" 'init failed' >/dev/null || ! kill -0 "$pid" 2>/dev/null; then
		it_fail "baresip $name failed to start: $(tail -3 "${BS_LOG[$name]}" | tr '\n' ' ')"
	fi
	if [ "${BS_REGISTER:-wait}" = wait ]; then
		local st
		st=$(bs_wait_registered "$name" 10)
		[ "$st" = ok ] || it_fail "baresip $name ($user@$IT_DOMAIN) did not register: $st"
	fi
	it_log "baresip $name: $user@$IT_DOMAIN via $IT_PROXY/$transport, sip 127.0.0.1:$port, rtp $rtp"
}

# bs_trace NAME [MARK] -- one line per SIP message in the peer's trace
# (written after MARK): "SRC -> DST | START-LINE | CSEQ-NUM METHOD".
# baresip -s logs each message as "UDP|TCP|TLS SRC -> DST", then the message.
bs_trace() {
	tail -c +"$((${2:-0} + 1))" "${BS_LOG[$1]}" 2>/dev/null | tr -d '\r' | awk '
		function flush() {
			if (start != "") print src " -> " dst " | " start " | " cseq
			start = ""; cseq = ""; inmsg = 0
		}
		/^(UDP|TCP|TLS) [0-9.:]+ -> [0-9.:]+$/ { flush(); src = $2; dst = $4; inmsg = 1; next }
		inmsg && start == "" { start = $0; next }
		inmsg && /^CSeq:/ { cseq = $2 " " $3; next }
		inmsg && /^$/ { flush() }
		END { flush() }'
}

# bs_codes NAME METHOD [MARK] -- status codes of the responses to METHOD the
# peer received from the server, oldest first, one per line
bs_codes() {
	bs_trace "$1" "${3:-0}" | awk -F' [|] ' -v from="$IT_PROXY" -v m="$2" '
		$1 ~ ("^" from " -> ") && $2 ~ /^SIP\/2\.0 / && $3 ~ (" " m "$") { split($2, a, " "); print a[2] }'
}

# bs_wait_code NAME METHOD ERE [TIMEOUT] [MARK] -- waits until a response to
# METHOD whose code matches ERE arrives; prints all codes seen (space
# separated). Gives up early on a final answer (not 1xx, not a 401/407
# challenge, which baresip answers itself) that does not match.
bs_wait_code() {
	local end codes
	end=$(($(date +%s) + ${4:-10}))
	while :; do
		codes=$(bs_codes "$1" "$2" "${5:-0}" | tr '\n' ' ')
		if printf '%s\n' $codes | grep -qE "^($3)\$"; then
			echo "$codes"
			return 0
		fi
		if { [ -n "$codes" ] && printf '%s\n' $codes | grep -qvE '^(1..|401|407)$'; } || [ "$(date +%s)" -ge "$end" ]; then
			echo "$codes"
			return 1
		fi
		sleep 0.1
	done
}

# bs_wait_request NAME METHOD [TIMEOUT] [MARK] -- waits until a METHOD
# request reaches the peer from the server (not straight from another peer)
bs_wait_request() {
	local end=$(($(date +%s) + ${3:-10}))
	until bs_trace "$1" "${4:-0}" | grep -qE "^${IT_PROXY//./\\.} -> [^|]+\\| $2 "; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# bs_reg_state NAME [MARK] -> ok | fail:CODES | pending
# baresip 1.0.0 prints no line when REGISTER fails, so the SIP trace decides:
# a 2xx to REGISTER is success; a second 401/407 (the credentials were
# refused) or any other final code >= 300 is failure.
bs_reg_state() {
	bs_codes "$1" REGISTER "${2:-0}" | awk '
		{ all = all (all == "" ? "" : ",") $1 }
		/^2/ { ok = 1 }
		/^40[17]$/ { if (++challenges >= 2) bad = 1 }
		$1 >= 300 && !/^40[17]$/ { bad = 1 }
		END { if (ok) print "ok"; else if (bad) print "fail:" all; else print "pending" }'
}

# bs_wait_registered NAME TIMEOUT [MARK] -> prints ok | fail:CODE | pending
bs_wait_registered() {
	local end st
	end=$(($(date +%s) + $2))
	while :; do
		st=$(bs_reg_state "$1" "${3:-0}")
		if [ "$st" != pending ] || [ "$(date +%s)" -ge "$end" ] || ! kill -0 "${BS_PID[$1]}" 2>/dev/null; then
			echo "$st"
			return 0
		fi
		sleep 0.1
	done
}

bs_mark() { it_mark "${BS_LOG[$1]}"; }

# bs_wait NAME ERE [TIMEOUT] [MARK]
bs_wait() { it_wait "${BS_LOG[$1]}" "$2" "${3:-10}" "${4:-0}" "${BS_PID[$1]}"; }

bs_grep() { it_grep "${BS_LOG[$1]}" "$2" "${3:-0}"; }

# bs_cmd NAME LINE -- one command line to baresip's stdin (3 s limit)
bs_cmd() {
	kill -0 "${BS_PID[$1]}" 2>/dev/null || it_fail "baresip $1 is not running (cmd: $2)"
	timeout 3 bash -c 'printf "%s\n" "$1" >"$2"' _ "$2" "${BS_DIR[$1]}/ctl.fifo" ||
		it_fail "could not write to baresip $1's control FIFO"
}

# bs_message NAME TEXT -- MESSAGE to the peer's BS_CONTACT
bs_message() { bs_cmd "$1" "/message $2"; }

# bs_select_contact NAME URI -- makes URI (one of BS_CONTACT) the current
# contact. /contact_next and /contact_prev move one step in the order of the
# contacts file and do not wrap; baresip writes the choice to current_contact.
bs_select_contact() {
	local wd=${BS_DIR[$1]} want cur step i t
	want=$(grep -nxF "<$2>" "$wd/contacts" | cut -d: -f1)
	[ -n "$want" ] || it_fail "bs_select_contact: $2 is not in $1's BS_CONTACT"
	for ((i = 0; i < 20; i++)); do
		cur=$(cat "$wd/current_contact" 2>/dev/null)
		[ "$cur" = "$2" ] && return 0
		step=/contact_next
		[ "$(grep -nxF "<$cur>" "$wd/contacts" | cut -d: -f1)" -gt "$want" ] 2>/dev/null && step=/contact_prev
		bs_cmd "$1" "$step"
		for ((t = 0; t < 30; t++)); do
			[ "$(cat "$wd/current_contact" 2>/dev/null)" != "$cur" ] && break
			sleep 0.1
		done
	done
	it_fail "baresip $1 could not select contact $2 (current: $(cat "$wd/current_contact" 2>/dev/null))"
}

# bs_message_to NAME URI TEXT -- MESSAGE to URI (one of BS_CONTACT)
bs_message_to() {
	bs_select_contact "$1" "$2"
	bs_message "$1" "$3"
}

# bs_contact_status NAME URI -> Online | Offline | Busy | Unknown, the
# presence of a BS_WATCH contact as the /contacts list shows it
bs_contact_status() {
	local mark line
	mark=$(bs_mark "$1")
	bs_cmd "$1" "/contacts"
	bs_wait "$1" "<$(it_ere "$2")>" 5 "$mark" >/dev/null || return 1
	line=$(bs_grep "$1" "<$(it_ere "$2")>" "$mark" | sed 's/\x1b\[[0-9;]*m//g' | tail -1)
	printf '%s\n' "$line" | grep -oE 'Online|Offline|Busy|Unknown' | head -1
}

# bs_wait_contact_status NAME URI STATUS [TIMEOUT] -- polls /contacts
bs_wait_contact_status() {
	local end st=""
	end=$(($(date +%s) + ${4:-10}))
	while :; do
		st=$(bs_contact_status "$1" "$2")
		[ "$st" = "$3" ] && return 0
		[ "$(date +%s)" -ge "$end" ] && { echo "$st"; return 1; }
		sleep 0.3
	done
}

# bs_bodies NAME METHOD [MARK] -- the bodies of METHOD requests that reached
# the peer from the server, one per line (line breaks removed), oldest first
bs_bodies() {
	tail -c +"$((${3:-0} + 1))" "${BS_LOG[$1]}" 2>/dev/null | tr -d '\r' | awk -v from="$IT_PROXY" -v m="$2" '
		/^(UDP|TCP|TLS) [0-9.:]+ -> [0-9.:]+$/ {
			if (want && body != "") print body
			want = ($2 == from); state = "start"; body = ""; next
		}
		state == "start" { want = want && ($1 == m); state = "head"; next }
		state == "head" && /^$/ { state = "body"; next }
		# the trace of a message ends with a colour reset (ESC[;m); console
		# lines follow it
		state == "body" {
			end = index($0, "\033[;m")
			line = end ? substr($0, 1, end - 1) : $0
			if (line != "") body = body (body == "" ? "" : " ") line
			if (end) state = "done"
		}
		END { if (want && body != "") print body }'
}

# bs_wait_message NAME FROM_USER TEXT [TIMEOUT] [MARK]
# baresip logs an incoming MESSAGE as: sip:FROM@host: "TEXT"
bs_wait_message() {
	local t
	t=$(printf '%s' "$3" | sed 's/[][\.*^$(){}?+|/]/\\&/g')
	bs_wait "$1" "^sip:$2@[^ ]*: \"$t\"\$" "${4:-10}" "${5:-0}"
}

# bs_recording NAME -> newest WAV of audio the peer RECEIVED (sndfile module)
bs_recording() {
	ls -t "${BS_DIR[$1]}"/rec/dump-*-dec.wav 2>/dev/null | head -1
}

# bs_stop NAME -- /quit (un-REGISTERs), then TERM/KILL if it lingers
bs_stop() {
	local pid=${BS_PID[$1]:-}
	[ -n "$pid" ] || return 0
	BS_PID[$1]=""
	if kill -0 "$pid" 2>/dev/null; then
		timeout 3 bash -c 'printf "/quit\n" >"$1"' _ "${BS_DIR[$1]}/ctl.fifo" 2>/dev/null
		it_wait_gone "$pid" 3 || it_stop_pid "$pid" 2
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# bs_expect_bye_via_server NAME MARK: the BYE that ended NAME's call came
# through the server (Record-Route kept it in the dialog); fails the test if not.
bs_expect_bye_via_server() {
	bs_trace "$1" "$2" | grep -qE "^${IT_PROXY//./\\.} -> [^|]+\\| BYE " ||
		it_fail "the BYE did not reach $1 through the server (Record-Route not honoured?)"
}

# bs_expect_received_tone NAME FREQ: NAME's newest recording holds FREQ Hz for
# at least 2.5 s; fails the test if not. sndfile finalises the WAV at hangup,
# so this polls until the check passes (3 s cap). Sets BS_TONE_FILE and
# BS_TONE_RESULT (tonecheck's line).
bs_expect_received_tone() {
	local name=$1 freq=$2 end rec="" result=""
	end=$(($(date +%s) + 3))
	while :; do
		rec=$(bs_recording "$name")
		if [ -n "$rec" ]; then
			result=$(python3 "$IT_DIR/tonecheck.py" "$rec" --freq "$freq" --min-seconds 2.5) && break
		fi
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.2
	done
	[ -n "$rec" ] || it_fail "$name has no recording of the audio it received"
	it_log "$result"
	case "$result" in
		"tonecheck: OK"*) ;;
		*) it_fail "$name's recording does not hold the $freq Hz tone: $result" ;;
	esac
	BS_TONE_FILE=$rec
	BS_TONE_RESULT=$result
}
