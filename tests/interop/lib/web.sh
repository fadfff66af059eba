# shellcheck shell=bash
# Browser users without a browser: each is one lib/webclient.cjs process
# (Node) that logs in over the browser API, holds a signed WebSocket and logs
# what it receives, one line per event (see the top of webclient.cjs).
# Commands go through a FIFO on its stdin. Source after harness.sh.
#
# wc_start NAME USER -- logs USER in with its web password (it_user_add)
# and waits for the WebSocket's hello. State in WC_DIR[NAME], WC_PID[NAME],
# WC_LOG[NAME].

declare -A WC_DIR=() WC_PID=() WC_LOG=()

# The ws package: not a dependency of this folder, but installed for the
# browser app (client/, by `make build`), the WebSocket bench and the e2e
# tests. INTEROP_NODE_PATH overrides.
wc_node_path() {
	local root d
	root=$(cd "$IT_DIR/../.." && pwd)
	for d in "${INTEROP_NODE_PATH:-}" "$root/client/node_modules" "$root/bench/ws/node_modules" "$root/tests/e2e/node_modules"; do
		[ -n "$d" ] && [ -f "$d/ws/package.json" ] && { echo "$d"; return 0; }
	done
	return 1
}

wc_start() {
	local name=$1 user=$2 wd=$IT_WORK/web-$1 np pid
	command -v node >/dev/null || it_fail "node is not installed (needed for the browser users)"
	np=$(wc_node_path) || it_fail "no node_modules with the ws package (run: cd client && npm ci)"
	mkdir -p "$wd"
	mkfifo "$wd/ctl.fifo" || it_fail "mkfifo failed"
	(exec env NODE_PATH="$np" node "$IT_LIB_DIR/webclient.cjs" --base "http://127.0.0.1:$IT_HTTP_PORT" \
		--user "$user" --password "web-$user-$IT_TOKEN" --lifetime "$IT_LIFETIME" \
		<>"$wd/ctl.fifo" >"$wd/client.log" 2>&1) &
	pid=$!
	WC_DIR[$name]=$wd
	WC_PID[$name]=$pid
	WC_LOG[$name]=$wd/client.log
	it_on_exit "wc_stop $name"
	it_wait "$wd/client.log" '^(READY|FATAL) ' 15 0 "$pid" >/dev/null ||
		it_fail "browser user $name ($user) did not connect in 15 s (log: $wd/client.log)"
	if it_grep "$wd/client.log" '^FATAL ' >/dev/null; then
		it_fail "browser user $name ($user): $(it_grep "$wd/client.log" '^FATAL ' | head -1)"
	fi
	it_log "browser user $name: $user, session open"
}

wc_cmd() {
	kill -0 "${WC_PID[$1]}" 2>/dev/null || it_fail "browser user $1 is not running (cmd: $2)"
	timeout 3 bash -c 'printf "%s\n" "$1" >"$2"' _ "$2" "${WC_DIR[$1]}/ctl.fifo" ||
		it_fail "could not write to browser user $1's control FIFO"
}

wc_mark() { it_mark "${WC_LOG[$1]}"; }
wc_grep() { it_grep "${WC_LOG[$1]}" "$2" "${3:-0}"; }
wc_wait() { it_wait "${WC_LOG[$1]}" "$2" "${3:-10}" "${4:-0}" "${WC_PID[$1]}"; }

# wc_post NAME ROOM TEXT / wc_send NAME TO TEXT / wc_status NAME STATUS [NOTE]
wc_post() { wc_cmd "$1" "post $2 $3"; }
wc_send() { wc_cmd "$1" "send $2 $3"; }
wc_status() { wc_cmd "$1" "status $2 ${3:-}"; }

# wc_wait_room NAME ROOM FROM_USER TEXT [TIMEOUT] [MARK] -- a room.message
wc_wait_room() {
	wc_wait "$1" "^ROOM $2 $3 [0-9]+ $(it_ere "$4")\$" "${5:-10}" "${6:-0}"
}

# wc_wait_presence NAME USER STATUS [TIMEOUT] [MARK] -- a presence push
wc_wait_presence() {
	wc_wait "$1" "^PRESENCE $2 $3 " "${4:-10}" "${5:-0}"
}

# wc_stop NAME -- quit, then TERM/KILL
wc_stop() {
	local pid=${WC_PID[$1]:-}
	[ -n "$pid" ] || return 0
	WC_PID[$1]=""
	if kill -0 "$pid" 2>/dev/null; then
		timeout 3 bash -c 'printf "quit\n" >"$1"' _ "${WC_DIR[$1]}/ctl.fifo" 2>/dev/null
		it_wait_gone "$pid" 3 || it_stop_pid "$pid" 2
	fi
	wait "$pid" 2>/dev/null
	return 0
}
