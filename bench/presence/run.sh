#!/usr/bin/env bash
# Presence benchmark (issue 4): W SIP watchers (SIPp, one SUBSCRIBE each,
# Event: presence, from 127.0.0.1 which is trusted, so no REGISTER) watch M
# browser users; the watchers are the presentities' buddies (written with
# sqlite3, the `buddies` table of src/store/migrations/0004_buddies.sql), so
# the server accepts the subscriptions. The presentities log in over the
# browser API and change their status (presence.set) at stepped rates; SIPp
# answers every NOTIFY 200 and logs its arrival time and the PIDF note,
# which carries the change's send time. Reports NOTIFYs/s, change -> NOTIFY
# latency and the time for one change to reach all its watchers. The server
# accepts at most 2,000 watchers per presentity (403 beyond), so W/M <= 2000.
#
#   bench/presence/run.sh [-w WATCHERS] [-m PRESENTITIES] [--ladder N1,N2,..]
#                         [--duration S] [--parley PATH]
#
# The ladder is offered NOTIFYs per second (changes/s x watchers per
# presentity). PARLEY_BENCH_NICE=-10 (root) renices the server, SIPp and the
# driver for the steps. Results: bench/presence/results/<UTC time>-w<W>-m<M>/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/ws/common.sh"
watchers=10000
presentities=10
ladder=""
duration=10
parley="${PARLEY:-$root/build-release/parley}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -w) watchers="$2"; shift 2 ;;
    -m) presentities="$2"; shift 2 ;;
    --ladder) ladder="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --parley) parley="$2"; shift 2 ;;
    *) echo "usage: $0 [-w WATCHERS] [-m PRESENTITIES] [--ladder N1,N2] [--duration S] [--parley PATH]" >&2; exit 2 ;;
  esac
done
(( watchers % presentities == 0 )) || { echo "WATCHERS must be a multiple of PRESENTITIES" >&2; exit 2; }
(( watchers / presentities <= 2000 )) || echo "warning: more than 2,000 watchers per presentity; the server refuses the rest" >&2
if [[ ! -x "$parley" ]]; then
  (cd "$root" && cmake --preset release >/dev/null && ninja -C build-release -j2 parley)
fi
parley="$(cd "$(dirname "$parley")" && pwd)/$(basename "$parley")"
need_tools sqlite3 sipp curl node
ulimit -n "$(ulimit -Hn)"
need_ws_module

tmp="$(mktemp -d /tmp/parley-bench-presence.XXXXXX)"
pid="" sipp_pid=""
cleanup() {
  [[ -z "$sipp_pid" ]] || kill "$sipp_pid" 2>/dev/null || true
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

http_port=$(free_port)
sip_port=$(free_port)
sipp_port=$(free_port)
cat > "$tmp/parley.toml" <<EOF
[sip]
domain = "127.0.0.1"
listen = ["udp:127.0.0.1:$sip_port"]
trusted = ["127.0.0.1/32"]

[http]
listen = "127.0.0.1:$http_port"

[log]
level = "warn"
EOF

# ---- users: presentities p1..pM with the web password "bench-pw" (the
# only Argon2id hashes), watchers w1..wW without any login; wI watches
# p((I-1) mod M + 1).
{
  awk -v m="$presentities" 'BEGIN { for (i = 1; i <= m; i++) printf "p%d,bench-pw,,\n", i }'
  awk -v w="$watchers" 'BEGIN { for (i = 1; i <= w; i++) printf "w%d,,,\n", i }'
} > "$tmp/users.csv"
"$parley" --data "$tmp/data" --config "$tmp/parley.toml" user import "$tmp/users.csv" >/dev/null
sqlite3 "$tmp/data/parley.db" <<EOF
INSERT INTO buddies (user_id, buddy_id, created_at)
  SELECT w.id, p.id, 0 FROM users w JOIN users p
    ON p.name = 'p' || ((CAST(substr(w.name, 2) AS INTEGER) - 1) % $presentities + 1)
  WHERE w.name LIKE 'w%';
EOF
log "buddies: $(sqlite3 "$tmp/data/parley.db" 'SELECT count(*) FROM buddies') watcher -> presentity pairs"
{
  echo "SEQUENTIAL"
  awk -v w="$watchers" -v m="$presentities" 'BEGIN { for (i = 1; i <= w; i++) printf "w%d;p%d\n", i, (i - 1) % m + 1 }'
} > "$tmp/watchers.csv"

start_parley "$tmp/data" "$tmp/parley.toml"
log "parley pid $pid on $base (sip udp $sip_port), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- the watchers: all subscriptions from one SIPp, 1,000 new per second.
sipp "127.0.0.1:$sip_port" -sf "$here/subscribe-watch.xml" -inf "$tmp/watchers.csv" -key domain 127.0.0.1 \
  -i 127.0.0.1 -p "$sipp_port" -buff_size 8388608 -r 1000 -m "$watchers" -l $((watchers + 100)) -nostdin \
  -trace_logs -log_file "$tmp/notify.log" -trace_stat -stf "$tmp/sipp-stat.csv" -fd 1 > "$tmp/sipp.out" 2>&1 &
sipp_pid=$!
# A column of the last line of SIPp's -trace_stat file.
stat_col() {
  awk -F';' -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i } END { print (c ? $c : 0) + 0 }' "$tmp/sipp-stat.csv" 2>/dev/null || echo 0
}
for _ in $(seq 1 600); do
  n=$(grep -c '^N ' "$tmp/notify.log" 2>/dev/null || true)
  [[ "${n:-0}" -ge "$watchers" ]] && break
  kill -0 "$sipp_pid" 2>/dev/null || { echo "SIPp stopped:" >&2; tail -n 30 "$tmp/sipp.out" >&2; exit 1; }
  # Refused subscriptions (the server takes at most 2,000 watchers per
  # presentity: presence::SubscriptionConfig::max_per_presentity) end calls.
  failed=$(stat_col 'FailedCall(C)')
  if (( failed > 0 )); then
    echo "$failed subscriptions failed (${n:-0} got their first NOTIFY); at most 2,000 watchers per presentity are accepted" >&2
    exit 1
  fi
  sleep 0.5
done
log "subscribed: ${n:-0} of $watchers initial NOTIFYs answered"
[[ "${n:-0}" -ge "$watchers" ]] || { echo "not every watcher got its first NOTIFY; see $tmp" >&2; trap - EXIT; exit 1; }

out="$here/results/$(date -u +%Y%m%d-%H%M%S)-w$watchers-m$presentities"
mkdir -p "$out"
{
  meta_head
  echo "args: -w $watchers -m $presentities --duration $duration --ladder ${ladder:-default}"
  echo "node: $(node --version); $(sipp -v 2>&1 | grep -m1 -o 'SIPp v[^ ,]*')"
} > "$out/meta.txt"
node "$here/presence.js" --base "$base" --pid "$pid" --sipp-pid "$sipp_pid" --sipp-log "$tmp/notify.log" \
  --watchers "$watchers" --presentities "$presentities" --duration "$duration" ${ladder:+--ladder "$ladder"} --out "$out"

count_server_events "$out/server-log.txt"
cat "$out/summary.md"
