# shellcheck shell=bash
# Drives linphonec (liblinphone 5.1) headless: commands through a FIFO on its
# stdin, console lines in linphonec.log, the liblinphone debug log with every
# SIP message in debug.log. Source after harness.sh.
#
# lp_start NAME USER PASS -- registers sip:USER@$IT_DOMAIN with the server
# ($IT_PROXY) as the account's proxy. Knobs: LP_TRANSPORT udp (default)|tcp.
# Quirks handled (see /work/shared/peers/NOTES.md): HOME must be private,
# linphonec has no lifetime option (timeout(1) bounds it), liblinphone drops
# ports from AORs (hence the port-less domain), `chat` sends quotes literally.

declare -A LP_DIR=() LP_PID=()

lp_start() {
	local name=$1 user=$2 pass=$3
	local transport=${LP_TRANSPORT:-udp}
	local wd=$IT_WORK/$name port rtp lo third udp=0 tcp=0 pid
	port=$(it_ports 1) || it_fail "no free port for linphonec $name"
	rtp=$(it_rtp_range)
	lo=${rtp%-*}
	third=33
	case "$transport" in
		udp) udp=$port ;;
		tcp) tcp=$port ;;
		*) it_fail "linphonec: transport $transport not supported here" ;;
	esac
	mkdir -p "$wd/rec" "$wd/.local/share/linphone"
	cat >"$wd/linphonerc" <<EOF
[sip]
bind_address=127.0.0.1
sip_port=$udp
sip_tcp_port=$tcp
sip_tls_port=0
default_proxy=0
guess_hostname=0
use_ipv6=0
ipv6=0
register_only_when_network_is_up=0
register_only_when_upnp_is_ok=0
inc_timeout=60

[net]
firewall_policy=0

[rtp]
audio_rtp_port=$lo-$((lo + third - 1))
video_rtp_port=$((lo + third))-$((lo + 2 * third - 1))
text_rtp_port=$((lo + 2 * third))-$((lo + 3 * third - 1))

[proxy_0]
reg_proxy=<sip:$IT_PROXY;transport=$transport>
# the outbound proxy: without it chats go to DOMAIN:5060 (DNS of the domain)
reg_route=<sip:$IT_PROXY;transport=$transport;lr>
reg_identity="$name" <sip:$user@$IT_DOMAIN>
reg_expires=600
reg_sendregister=1
publish=0
dial_escape_plus=0

[auth_info_0]
username=$user
passwd=$pass

[video]
capture=0
display=0
automatically_initiate=0
automatically_accept=0

[sound]
echocancellation=0
EOF
	mkfifo "$wd/ctl.fifo" || it_fail "mkfifo failed"
	(cd "$wd" && HOME="$wd" exec timeout -k 5 "$IT_LIFETIME" linphonec -c "$wd/linphonerc" -S \
		-d 6 -l "$wd/debug.log" <>"$wd/ctl.fifo" >"$wd/linphonec.log" 2>&1) &
	pid=$!
	LP_DIR[$name]=$wd
	LP_PID[$name]=$pid
	it_on_exit "lp_stop $name"
	it_wait "$wd/linphonec.log" 'linphonec>' 15 0 "$pid" >/dev/null ||
		it_fail "linphonec $name did not start (log: $wd/linphonec.log)"
	local line
	line=$(it_wait "$wd/debug.log" 'moving from state \[[A-Za-z]+\] to \[LinphoneRegistration(Ok|Failed)\]' 10 0 "$pid") ||
		it_fail "linphonec $name: no registration result in 10 s"
	case "$line" in
		*RegistrationOk*) ;;
		*) it_fail "linphonec $name ($user@$IT_DOMAIN) registration failed: $line" ;;
	esac
	it_log "linphonec $name: $user@$IT_DOMAIN via $IT_PROXY/$transport, sip 127.0.0.1:$port"
}

lp_cmd() {
	kill -0 "${LP_PID[$1]}" 2>/dev/null || it_fail "linphonec $1 is not running (cmd: $2)"
	timeout 3 bash -c 'printf "%s\n" "$1" >"$2"' _ "$2" "${LP_DIR[$1]}/ctl.fifo" ||
		it_fail "could not write to linphonec $1's control FIFO"
}

lp_mark() { it_mark "${LP_DIR[$1]}/linphonec.log"; }
lp_debug_mark() { it_mark "${LP_DIR[$1]}/debug.log"; }

# lp_message NAME URI TEXT -- no quotes: linphonec would send them literally
lp_message() { lp_cmd "$1" "chat $2 $3"; }

# lp_wait_message NAME FROM_USER TEXT [TIMEOUT] [MARK]
# linphonec prints: Message received from sip:bob@host: TEXT
lp_wait_message() {
	local t
	t=$(printf '%s' "$3" | sed 's/[][\.*^$(){}?+|/]/\\&/g')
	it_wait "${LP_DIR[$1]}/linphonec.log" "Message received from sip:$2@[^ ]*: $t\$" \
		"${4:-10}" "${5:-0}" "${LP_PID[$1]}"
}

# lp_stop NAME -- quit (un-REGISTERs), then TERM/KILL the timeout wrapper
lp_stop() {
	local pid=${LP_PID[$1]:-}
	[ -n "$pid" ] || return 0
	LP_PID[$1]=""
	if kill -0 "$pid" 2>/dev/null; then
		timeout 3 bash -c 'printf "quit\n" >"$1"' _ "${LP_DIR[$1]}/ctl.fifo" 2>/dev/null
		it_wait_gone "$pid" 5 || it_stop_pid "$pid" 3
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# lp_use_files NAME PLAY.wav RECORD.wav -- no sound card: calls send PLAY
# (looped) and write what they receive to RECORD (valid after the call ends)
lp_use_files() {
	lp_cmd "$1" "soundcard use files"
	lp_cmd "$1" "play $2"
	lp_cmd "$1" "record $3"
}

# lp_wait NAME ERE [TIMEOUT] [MARK] -- waits on linphonec's console log
lp_wait() { it_wait "${LP_DIR[$1]}/linphonec.log" "$2" "${3:-10}" "${4:-0}" "${LP_PID[$1]}"; }
