# shellcheck shell=bash
# Interop test harness: work dir, PASS/FAIL line, cleanup, free ports and the
# server under test (Parley, or the Kamailio stand-in while developing).
#
# A test sources this file, then calls `it_begin NAME`. From then on:
#   * everything runs inside a fresh work dir $IT_WORK (kept on failure, or
#     always with INTEROP_KEEP=1; removed on success);
#   * exactly one line "PASS NAME (Ns) detail" or "FAIL NAME (Ns) detail
#     [work: DIR]" goes to stdout, the exit status is 0 only on PASS;
#   * every process started through the harness is stopped by the EXIT trap.
#
# Environment:
#   PARLEY_BIN       the parley binary (or first argument of the test script)
#   INTEROP_SERVER   parley (default) | kamailio (development stand-in from
#                    /work/shared/peers/kamailio, shared password "secret")
#   INTEROP_RUN_DIR  parent of the per-test work dirs (default: $TMPDIR or /tmp)
#   INTEROP_KEEP     1 = keep the work dir on success too
#   INTEROP_LIFETIME seconds every started process may live (default 120)

set -u

IT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IT_DIR=$(cd "$IT_LIB_DIR/.." && pwd)
IT_SERVER_KIND=${INTEROP_SERVER:-parley}
IT_LIFETIME=${INTEROP_LIFETIME:-120}
IT_DOMAIN=localhost
IT_NAME=""
IT_WORK=""
IT_RESULT=""
IT_DETAIL=""
IT_T0=$(date +%s%N)
IT_SERVER_PID=""
IT_SERVER_LOG=""
IT_SERVER_NOTE=""
IT_STOP_HOOKS=()

it_log() { echo "[${IT_NAME:-interop}] $*" >&2; }

it_elapsed() {
	awk -v a="$IT_T0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

# it_begin NAME -- creates the work dir and installs the traps.
it_begin() {
	IT_NAME=$1
	local parent=${INTEROP_RUN_DIR:-${TMPDIR:-/tmp}}
	mkdir -p "$parent"
	IT_WORK=$(mktemp -d "$parent/$IT_NAME.XXXXXX") || {
		echo "FAIL $IT_NAME (0.0s) cannot create a work dir under $parent"
		exit 1
	}
	# a per-run token, so a test never matches text left by another run
	IT_TOKEN=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
	trap it_finish EXIT
	trap 'IT_DETAIL="interrupted"; exit 130' INT TERM HUP
	it_log "work dir $IT_WORK, server $IT_SERVER_KIND"
}

it_fail() {
	IT_RESULT=FAIL
	IT_DETAIL="$*"
	exit 1
}

it_pass() {
	IT_RESULT=PASS
	IT_DETAIL="$*"
	exit 0
}

# it_on_exit CMD... -- runs CMD (eval'd) during cleanup, last added first.
it_on_exit() { IT_STOP_HOOKS+=("$*"); }

it_finish() {
	local rc=$? i server_note=""
	trap - EXIT INT TERM HUP
	for ((i = ${#IT_STOP_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${IT_STOP_HOOKS[$i]}" >/dev/null 2>&1
	done
	if [ -n "$IT_SERVER_PID" ]; then
		it_server_stop
		server_note=$IT_SERVER_NOTE
		if [ -n "$server_note" ] && [ "$IT_RESULT" = PASS ]; then
			IT_RESULT=FAIL
			IT_DETAIL="$server_note (all peer checks had passed: $IT_DETAIL)"
			rc=1
		fi
	fi
	if [ "$IT_RESULT" = PASS ] && [ "$rc" = 0 ]; then
		echo "PASS $IT_NAME ($(it_elapsed)s) $IT_DETAIL"
		[ "${INTEROP_KEEP:-0}" = 1 ] || rm -rf "$IT_WORK"
		exit 0
	fi
	[ -n "$IT_DETAIL" ] || IT_DETAIL="aborted (rc=$rc)"
	[ -n "$server_note" ] && [[ "$IT_DETAIL" != *"$server_note"* ]] && IT_DETAIL="$IT_DETAIL; $server_note"
	echo "FAIL $IT_NAME ($(it_elapsed)s) $IT_DETAIL [work: $IT_WORK]"
	[ "$rc" = 0 ] && rc=1
	exit "$rc"
}

# it_ports COUNT [SPAN] -- COUNT free ports (each with SPAN-1 free after it)
it_ports() {
	python3 "$IT_LIB_DIR/freeports.py" "$1" --span "${2:-1}"
}

# it_rtp_range -- a 100-port RTP range for one client. Clients pick a free
# port inside it themselves, so ranges of parallel tests may overlap safely.
it_rtp_range() {
	local base=$((20000 + (RANDOM % 100) * 100))
	echo "$base-$((base + 99))"
}

# it_mark FILE -- current size of FILE: "from here on" marker for it_wait
it_mark() { stat -c %s "$1" 2>/dev/null || echo 0; }

# it_grep FILE ERE [MARK] -- matching lines written after MARK (no waiting)
it_grep() {
	tail -c +"$((${3:-0} + 1))" "$1" 2>/dev/null | tr -d '\r' | grep -aE -- "$2"
}

# it_ere TEXT -- TEXT as a literal inside an extended regular expression
it_ere() { printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'; }

# it_wait FILE ERE [TIMEOUT_S=10] [MARK=0] [PID] -- polls until ERE matches a
# line written after MARK; prints it. Gives up early when PID has died.
it_wait() {
	local f=$1 re=$2 to=${3:-10} mark=${4:-0} pid=${5:-} line end
	end=$(($(date +%s%N) / 1000000 + to * 1000))
	while :; do
		line=$(it_grep "$f" "$re" "$mark" | head -1)
		if [ -n "$line" ]; then
			printf '%s\n' "$line"
			return 0
		fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			line=$(it_grep "$f" "$re" "$mark" | head -1)
			[ -n "$line" ] && { printf '%s\n' "$line"; return 0; }
			return 1
		fi
		[ "$(($(date +%s%N) / 1000000))" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# it_stop_pid PID [GRACE_S=3] -- TERM, wait up to GRACE_S, then KILL.
# Prints nothing; the exit status of the process is left in IT_STOP_RC.
it_stop_pid() {
	local pid=$1 grace=${2:-3} i
	IT_STOP_RC=""
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		IT_STOP_RC=killed
	fi
	wait "$pid" 2>/dev/null
	local rc=$?
	[ -n "$IT_STOP_RC" ] || IT_STOP_RC=$rc
	return 0
}

# it_wait_gone PID TIMEOUT_S -- waits for a process to exit by itself
it_wait_gone() {
	local pid=$1 i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------ the server ---

# it_password NAME -- the SIP password a test gives to account NAME
it_password() {
	if [ "$IT_SERVER_KIND" = kamailio ]; then
		echo secret # the stand-in has one shared password
	else
		echo "pw-$1-$IT_TOKEN"
	fi
}

it_parley() {
	"$PARLEY_BIN" --data "$IT_WORK/data" --config "$IT_WORK/parley.toml" "$@"
}

# it_server_config -- picks the ports and writes $IT_WORK/parley.toml.
# Sets IT_SIP_PORT (UDP+TCP), IT_TLS_PORT, IT_HTTP_PORT, IT_PROXY.
it_server_config() {
	local ports
	ports=$(it_ports 3) || it_fail "no free ports"
	IT_SIP_PORT=$(echo "$ports" | sed -n 1p)
	IT_TLS_PORT=$(echo "$ports" | sed -n 2p)
	IT_HTTP_PORT=$(echo "$ports" | sed -n 3p)
	IT_PROXY=127.0.0.1:$IT_SIP_PORT
	mkdir -p "$IT_WORK/data"
	local tls="" tls_keys=""
	if [ "${IT_WITH_TLS:-0}" = 1 ]; then
		# a throw-away self-signed certificate (baresip 1.0.0 does not verify it)
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$IT_DOMAIN" \
			-keyout "$IT_WORK/tls.key" -out "$IT_WORK/tls.crt" >"$IT_WORK/openssl.log" 2>&1 ||
			it_fail "openssl could not make a test certificate"
		tls=", \"tls:127.0.0.1:$IT_TLS_PORT\""
		tls_keys="tls_certificate = \"$IT_WORK/tls.crt\"
tls_private_key = \"$IT_WORK/tls.key\""
	fi
	cat >"$IT_WORK/parley.toml" <<EOF
# written by tests/interop/lib/harness.sh for $IT_NAME
[sip]
domain = "$IT_DOMAIN"
listen = ["udp:127.0.0.1:$IT_SIP_PORT", "tcp:127.0.0.1:$IT_SIP_PORT"$tls]
trusted = []
$tls_keys

[http]
listen = "127.0.0.1:$IT_HTTP_PORT"

[log]
level = "debug"
EOF
}

# it_user_add NAME -- a Parley user with a web password
it_user_add() {
	[ "$IT_SERVER_KIND" = parley ] || return 0
	it_parley user add "$1" --password "web-$1-$IT_TOKEN" >>"$IT_WORK/provision.log" 2>&1 ||
		it_fail "parley user add $1 failed: $(tail -3 "$IT_WORK/provision.log" | tr '\n' ' ')"
}

# it_sip_add NAME SIPUSER -- a SIP account SIPUSER (password: it_password)
it_sip_add() {
	[ "$IT_SERVER_KIND" = parley ] || return 0
	it_parley identity add "$1" sip "$2" --password "$(it_password "$2")" >>"$IT_WORK/provision.log" 2>&1 ||
		it_fail "parley identity add $1 sip $2 failed: $(tail -3 "$IT_WORK/provision.log" | tr '\n' ' ')"
}

# it_user_with_sip NAME -- the common case: user NAME with SIP account NAME
it_user_with_sip() {
	it_user_add "$1"
	it_sip_add "$1" "$1"
}

# it_room_add NAME OWNER [--invite-only] -- a room (sip:~NAME@DOMAIN)
it_room_add() {
	[ "$IT_SERVER_KIND" = parley ] || return 0
	local name=$1 owner=$2
	shift 2
	it_parley room add "$name" --owner "$owner" "$@" >>"$IT_WORK/provision.log" 2>&1 ||
		it_fail "parley room add $name failed: $(tail -3 "$IT_WORK/provision.log" | tr '\n' ' ')"
}

# it_room_member ROOM USER... -- adds each USER to ROOM as a member
it_room_member() {
	[ "$IT_SERVER_KIND" = parley ] || return 0
	local room=$1 u
	shift
	for u in "$@"; do
		it_parley room member add "$room" "$u" >>"$IT_WORK/provision.log" 2>&1 ||
			it_fail "parley room member add $room $u failed: $(tail -3 "$IT_WORK/provision.log" | tr '\n' ' ')"
	done
}

# it_room_members ROOM -- the CLI's member list of ROOM (stdout)
it_room_members() { it_parley room members "$1" 2>>"$IT_WORK/provision.log"; }

# it_server_start -- starts the server under test on the chosen ports and
# waits until it is ready (Parley logs event=ready; 15 s limit).
it_server_start() {
	IT_SERVER_LOG=$IT_WORK/server.log
	case "$IT_SERVER_KIND" in
		parley)
			[ -x "${PARLEY_BIN:-}" ] || it_fail "PARLEY_BIN '${PARLEY_BIN:-}' is not an executable"
			# --foreground: timeout(1) otherwise forwards our SIGTERM twice (to
			# the child, then to its process group), and a second SIGTERM that
			# lands after Parley's handler is gone kills it (exit 143)
			timeout --foreground -k 5 "$IT_LIFETIME" "$PARLEY_BIN" --data "$IT_WORK/data" serve \
				--config "$IT_WORK/parley.toml" </dev/null >"$IT_WORK/server.out" 2>"$IT_SERVER_LOG" &
			IT_SERVER_PID=$!
			if ! it_wait "$IT_SERVER_LOG" 'event=ready' 15 0 "$IT_SERVER_PID" >/dev/null; then
				local why="not ready within 15 s"
				if ! kill -0 "$IT_SERVER_PID" 2>/dev/null; then
					wait "$IT_SERVER_PID" 2>/dev/null
					why="exited $? during start-up"
					IT_SERVER_PID=""
				fi
				it_log "server log tail:"; tail -15 "$IT_SERVER_LOG" >&2
				it_fail "parley serve $why (log: $IT_SERVER_LOG)"
			fi
			;;
		kamailio)
			local kam=/work/shared/peers/kamailio/kam.sh
			KAM_DIR="$IT_WORK/kamailio" KAM_PORT=$IT_SIP_PORT KAM_LIFETIME=$IT_LIFETIME \
				KAM_ALIAS=$IT_DOMAIN KAM_PASSWORD=secret "$kam" start --auth >&2 ||
				it_fail "Kamailio stand-in did not start"
			IT_SERVER_PID=$(cat "$IT_WORK/kamailio/kamailio.mainpid")
			IT_SERVER_LOG=$IT_WORK/kamailio/kamailio.log
			;;
		*) it_fail "unknown INTEROP_SERVER '$IT_SERVER_KIND'" ;;
	esac
	it_log "server $IT_SERVER_KIND up: sip $IT_PROXY (udp+tcp), domain $IT_DOMAIN, pid $IT_SERVER_PID"
}

# it_server_stop -- stops the server; sets IT_SERVER_NOTE when something was
# wrong (died before the end of the test, or a non-zero exit after SIGTERM).
it_server_stop() {
	local pid=$IT_SERVER_PID
	IT_SERVER_PID=""
	IT_SERVER_NOTE=""
	[ -n "$pid" ] || return 0
	if [ "$IT_SERVER_KIND" = kamailio ]; then
		KAM_DIR="$IT_WORK/kamailio" KAM_PORT=$IT_SIP_PORT /work/shared/peers/kamailio/kam.sh stop >/dev/null 2>&1
		return 0
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		IT_SERVER_NOTE="parley serve died during the test (exit $?)"
		return 0
	fi
	it_stop_pid "$pid" 5
	case "$IT_STOP_RC" in
		0) ;;
		killed) IT_SERVER_NOTE="parley serve ignored SIGTERM for 5 s (killed)" ;;
		*) IT_SERVER_NOTE="parley serve exited $IT_STOP_RC after SIGTERM (want 0)" ;;
	esac
}
