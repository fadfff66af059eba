#!/usr/bin/env bash
# WebSocket load benchmark of Parley's browser API (issue 3): provisions N
# users, starts parley, logs N sessions in, holds N signed WebSockets, measures
# server memory per idle session, then exchanges one-to-one messages at fixed
# offered rates and reports p50/p99 latency, achieved rate, failures and CPU.
#
#   bench/ws/run.sh [-n N] [--rates 1000,2000,5000] [--duration 20]
#                   [--workers 2] [--login-concurrency 8] [--login-budget S]
#                   [--parley PATH]
#
# Logins cost one Argon2id each on the server: --login-budget S stops logging
# in after S seconds and runs the rest with the sessions it has (the report
# says so). On a machine shared with other jobs, PARLEY_BENCH_NICE=-10 (root)
# gives the server and the generator that nice value (threads and autogroup)
# for the message steps only; each step reports how long the server waited
# for a CPU.
#
# PATH (or $PARLEY) is a release build of parley, default build-release/parley.
# Results go to bench/ws/results/<UTC time>-n<N>/ (result.json, summary.md,
# server-log.txt: the count of each warn/error event). The provisioned users
# are cached in ${PARLEY_BENCH_CACHE:-~/.cache/parley-bench-ws}/data-N and
# copied into a fresh temporary data directory for every run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/ws/common.sh"
n=1000
rates=1000,2000,5000
duration=20
workers=2
login_conc=8
login_budget=0
parley="${PARLEY:-$root/build-release/parley}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) n="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --login-concurrency) login_conc="$2"; shift 2 ;;
    --login-budget) login_budget="$2"; shift 2 ;;
    --parley) parley="$2"; shift 2 ;;
    *) echo "usage: $0 [-n N] [--rates R1,R2] [--duration S] [--workers W] [--login-concurrency C] [--login-budget S] [--parley PATH]" >&2; exit 2 ;;
  esac
done
[[ -x "$parley" ]] || { echo "no parley binary at $parley (give --parley or PARLEY)" >&2; exit 1; }
parley="$(cd "$(dirname "$parley")" && pwd)/$(basename "$parley")"

# Both sides hold N sockets (plus the login connections).
ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < n + 1000 )); then
  echo "open-file limit $(ulimit -n) is too low for $n sessions" >&2; exit 1
fi

need_ws_module

# ---- users u1..uN, all with the web password "bench-pw" ----
# `user import` would hash N web passwords with Argon2id (0.1 s of CPU each,
# tens of minutes for 10,000 on a busy 2-core machine), so the users are
# imported without one, one extra user gets the password hashed by parley,
# and that same Argon2id hash string is copied to everybody with sqlite3.
# The server's work per login is unchanged (a full Argon2id verification
# with the same parameters); only the salt is shared between accounts.
# Cached per N (the tables are parley's schema, see src/store/migrations).
cache="${PARLEY_BENCH_CACHE:-$HOME/.cache/parley-bench-ws}"
seed="$cache/data-$n"
if [[ ! -f "$seed/.complete" ]]; then
  command -v sqlite3 >/dev/null || { echo "sqlite3 is needed to provision the users" >&2; exit 1; }
  rm -rf "$seed"; mkdir -p "$seed"
  { echo "bench-seed,bench-pw,,"; awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "u%d,,,\n", i }'; } > "$seed.csv"
  log "provisioning $n users in $seed"
  "$parley" --data "$seed" user import "$seed.csv" >/dev/null
  rm -f "$seed.csv"
  sqlite3 "$seed/parley.db" "UPDATE users SET web_password_hash = (SELECT web_password_hash FROM users WHERE name = 'bench-seed') WHERE web_password_hash IS NULL; DELETE FROM users WHERE name = 'bench-seed'; SELECT count(*) FROM users WHERE web_password_hash LIKE '\$argon2id\$%';" > "$seed/users-with-password"
  [[ "$(cat "$seed/users-with-password")" == "$n" ]] || { echo "provisioning failed: $(cat "$seed/users-with-password") users have a password" >&2; exit 1; }
  touch "$seed/.complete"
fi

tmp="$(mktemp -d /tmp/parley-bench-ws.XXXXXX)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
cp -a "$seed" "$tmp/data"
rm -f "$tmp/data/.complete" "$tmp/data/users-with-password"

http_port=$(free_port)
sip_port=$(free_port)
cat > "$tmp/parley.toml" <<EOF
[log]
level = "warn"

[sip]
listen = ["udp:127.0.0.1:$sip_port"]

[http]
listen = "127.0.0.1:$http_port"
# Logging 10,000 users in takes minutes; keep the first sessions alive
# until their WebSocket opens (the default 1800 s would also do).
session_idle_timeout = 7200
session_max_age = 43200

[chat]
# Benchmark only: random pairs at 5,000 msg/s are several messages per
# second per user, beyond the default per-user limit (60/min, burst 20).
messages_per_minute = 600000
burst = 100000
EOF

start_parley "$tmp/data" "$tmp/parley.toml"
curl -sf "$base/api/v1/version" >/dev/null || { echo "parley did not answer on $base" >&2; exit 1; }
log "parley pid $pid on $base (sip udp $sip_port), $n users, load average $(cut -d' ' -f1-3 /proc/loadavg)"

out="$here/results/$(date -u +%Y%m%d-%H%M%S)-n$n"
mkdir -p "$out"
{
  meta_head
  echo "args: -n $n --rates $rates --duration $duration --workers $workers --login-concurrency $login_conc --login-budget $login_budget"
  echo "node: $(node --version), ws $(node -p "require('$here/node_modules/ws/package.json').version")"
} > "$out/meta.txt"
node "$here/bench.js" --base "$base" --pid "$pid" --users "$n" --workers "$workers" \
  --rates "$rates" --duration "$duration" --login-concurrency "$login_conc" --login-budget "$login_budget" --out "$out"

count_server_events "$out/server-log.txt"
log "server log events: $(wc -l < "$out/server-log.txt") kinds (see $out/server-log.txt)"
cat "$out/summary.md"
