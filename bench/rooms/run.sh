#!/usr/bin/env bash
# Room fan-out benchmark (issue 4): N browser users (u1..uN) log in once and
# hold signed WebSockets; rooms of 10, 100 and 1,000 browser members, plus a
# room of browsers and SIP devices (SIPp UAS registered as d1..dK, answering
# every MESSAGE 200). Per room the offered room.post rate steps up until p99
# send -> room.message reaches 100 ms; reports room.message/s delivered,
# p50/p99, history rows written/s, SIP MESSAGE/s answered, and CPU.
#
#   bench/rooms/run.sh [-n N] [--devices K] [--rooms SPEC] [--ladder D1,D2,..]
#                      [--duration S] [--workers W] [--parley PATH] [--perf DIR]
#                      [--batch 0|1]
#
# SPEC: room:browsers[:devices],... (default r10:10,r100:100,r1000:1000,
# sip100:50:50); members are u1..u<browsers> and d1..d<devices>. The ladder is
# offered deliveries per second (posts/s x members). --perf DIR records a
# perf profile of the server in every step (DIR/step-*.perf; a profiling run,
# not a measuring one: perf takes CPU). --batch 1 (default) opens the
# WebSockets with batch=1, as the browser app does (protocol/api.md);
# --batch 0 gets one message per frame. PARLEY_BENCH_NICE=-10
# (root) renices the server, the generator and SIPp for the steps, as
# bench/ws does. The chat rate limit is raised for the benchmark
# ([chat] messages_per_minute = 600000, burst = 100000): senders post tens to
# thousands of messages per second each.
#
# Results: bench/rooms/results/<UTC time>/ (summary.md, result.json,
# meta.txt, server-log.txt). Users are cached in
# ${PARLEY_BENCH_CACHE:-~/.cache/parley-bench-rooms}/data-N-K; rooms and
# memberships are written into a fresh copy with sqlite3 for every run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/ws/common.sh"
n=1000
devices=50
rooms=""
ladder=""
duration=10
workers=2
parley="${PARLEY:-$root/build-release/parley}"
perf_dir=""
batch=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) n="$2"; shift 2 ;;
    --devices) devices="$2"; shift 2 ;;
    --rooms) rooms="$2"; shift 2 ;;
    --ladder) ladder="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --parley) parley="$2"; shift 2 ;;
    --perf) perf_dir="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    *) echo "usage: $0 [-n N] [--devices K] [--rooms SPEC] [--ladder D1,D2] [--duration S] [--workers W] [--parley PATH] [--perf DIR] [--batch 0|1]" >&2; exit 2 ;;
  esac
done
rooms="${rooms:-r10:10,r100:100,r1000:1000,sip100:50:$devices}"
if [[ ! -x "$parley" ]]; then
  (cd "$root" && cmake --preset release >/dev/null && ninja -C build-release -j2 parley)
fi
parley="$(cd "$(dirname "$parley")" && pwd)/$(basename "$parley")"
need_tools sqlite3 sipp curl node
ulimit -n "$(ulimit -Hn)"
need_ws_module
ref="$root/../shared/bench/kamailio/scenarios"
[[ -d "$ref" ]] || ref=/work/shared/bench/kamailio/scenarios

# ---- users: u1..uN with the web password "bench-pw", d1..dK with SIP
# accounts dI / pwI. One Argon2id hash is made by parley and copied to every
# u with sqlite3 (bench/ws/run.sh does the same): the server's work per login
# is unchanged, only the salt is shared.
cache="${PARLEY_BENCH_CACHE:-$HOME/.cache/parley-bench-rooms}"
seed="$cache/data-$n-$devices"
conf_sip() {
  cat <<EOF
[sip]
domain = "127.0.0.1"
listen = ["udp:127.0.0.1:$1"]
trusted = ["127.0.0.1/32"]
EOF
  # SIPp 3.6.1 answers only MD5 challenges (bench/RESULTS.md, issue 3).
  if "$parley" config default 2>/dev/null | grep -q '^digest_algorithms'; then echo 'digest_algorithms = ["MD5"]'; fi
}
if [[ ! -f "$seed/.complete" ]]; then
  rm -rf "$seed"; mkdir -p "$seed"
  {
    echo "bench-seed,bench-pw,,"
    awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "u%d,,,\n", i }'
    awk -v k="$devices" 'BEGIN { for (i = 1; i <= k; i++) printf "d%d,,d%d,pw%d\n", i, i, i }'
  } > "$seed.csv"
  conf_sip 5060 > "$seed.toml"
  log "provisioning $n browser users and $devices SIP users in $seed"
  "$parley" --data "$seed" --config "$seed.toml" user import "$seed.csv" >/dev/null
  rm -f "$seed.csv" "$seed.toml"
  sqlite3 "$seed/parley.db" "UPDATE users SET web_password_hash = (SELECT web_password_hash FROM users WHERE name = 'bench-seed') WHERE name LIKE 'u%'; DELETE FROM users WHERE name = 'bench-seed';"
  touch "$seed/.complete"
fi

tmp="$(mktemp -d /tmp/parley-bench-rooms.XXXXXX)"
pid="" uas=""
cleanup() {
  [[ -z "$uas" ]] || kill "$uas" 2>/dev/null || true
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
cp -a "$seed" "$tmp/data"
rm -f "$tmp/data/.complete"

# ---- rooms: written as `parley room add` / `room member add` would
# (src/store/migrations/0002_chat.sql, 0003_chat_reads.sql), one statement
# per room instead of one process per member.
{
  echo "BEGIN;"
  IFS=',' read -ra specs <<< "$rooms"
  for spec in "${specs[@]}"; do
    IFS=':' read -r name nb nd <<< "$spec"
    nd="${nd:-0}"
    cat <<EOF
INSERT INTO rooms (name, owner_id, visibility, created_at)
  SELECT '$name', id, 'public', 0 FROM users WHERE name = 'u1';
INSERT INTO room_members (room_id, user_id, role, joined_at)
  SELECT r.id, u.id, CASE u.name WHEN 'u1' THEN 'owner' ELSE 'member' END, 0
  FROM rooms r, users u WHERE r.name = '$name' AND (
    (u.name LIKE 'u%' AND CAST(substr(u.name, 2) AS INTEGER) BETWEEN 1 AND $nb) OR
    (u.name LIKE 'd%' AND CAST(substr(u.name, 2) AS INTEGER) BETWEEN 1 AND $nd));
INSERT INTO room_reads (room_id, user_id, last_read)
  SELECT room_id, user_id, 0 FROM room_members WHERE room_id = (SELECT id FROM rooms WHERE name = '$name');
EOF
  done
  echo "COMMIT;"
  echo "SELECT r.name || ':' || count(*) FROM rooms r JOIN room_members m ON m.room_id = r.id GROUP BY r.name ORDER BY r.id;"
} | sqlite3 "$tmp/data/parley.db" > "$tmp/rooms.txt"
log "rooms (name:members): $(tr '\n' ' ' < "$tmp/rooms.txt")"

http_port=$(free_port)
sip_port=$(free_port)
uas_port=$(free_port)
{
  conf_sip "$sip_port"
  cat <<EOF

[http]
listen = "127.0.0.1:$http_port"
session_idle_timeout = 7200

[chat]
# Benchmark only: senders post far beyond a person's rate.
messages_per_minute = 600000
burst = 100000

[log]
level = "warn"
EOF
} > "$tmp/parley.toml"

start_parley "$tmp/data" "$tmp/parley.toml"
log "parley pid $pid on $base (sip udp $sip_port), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# SuccessfulCall(C) of the last line of a SIPp -trace_stat file.
stat_count() {
  awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "SuccessfulCall(C)") c = i } END { print $c + 0 }' "$1"
}

# ---- SIP devices: d1..dK register with Contact 127.0.0.1:UAS_PORT from
# that same port (so the contact and the source agree), then one SIPp UAS on
# the port answers every MESSAGE 200 and writes its counts once a second.
if (( devices > 0 )); then
  { echo "SEQUENTIAL"; awk -v k="$devices" 'BEGIN { for (i = 1; i <= k; i++) printf "d%d;[authentication username=d%d password=pw%d]\n", i, i, i }'; } > "$tmp/devices.csv"
  sipp "127.0.0.1:$sip_port" -sf "$ref/register.xml" -inf "$tmp/devices.csv" -i 127.0.0.1 -p "$uas_port" \
    -key domain 127.0.0.1 -key contact "127.0.0.1:$uas_port" -key expires 3600 -auth_uri sip:127.0.0.1 \
    -r 200 -m "$devices" -nostdin -timeout 60 -trace_stat -stf "$tmp/register-stat.csv" > "$tmp/register.out" 2>&1 || true
  registered=$(stat_count "$tmp/register-stat.csv")
  log "SIP devices: $registered of $devices registered through SIPp"
  [[ "$registered" == "$devices" ]] || { echo "registration failed, see $tmp/register.out" >&2; cat "$tmp/register.out" >&2; exit 1; }
  sipp -sf "$ref/message-uas.xml" -i 127.0.0.1 -p "$uas_port" -buff_size 4194304 -nostdin \
    -trace_stat -stf "$tmp/uas-stat.csv" -fd 1 > "$tmp/uas.out" 2>&1 &
  uas=$!
  sleep 1
fi

out="$here/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
{
  meta_head
  echo "args: -n $n --devices $devices --rooms $rooms --duration $duration --workers $workers --ladder ${ladder:-default} --batch $batch"
  echo "rooms: $(tr '\n' ' ' < "$tmp/rooms.txt")"
  echo "node: $(node --version); $(sipp -v 2>&1 | grep -m1 -o 'SIPp v[^ ,]*')"
} > "$out/meta.txt"
node "$here/rooms.js" --base "$base" --pid "$pid" --users "$n" --workers "$workers" --duration "$duration" \
  --rooms "$rooms" ${ladder:+--ladder "$ladder"} --db "$tmp/data/parley.db" --out "$out" --batch "$batch" \
  ${uas:+--sipp-pid "$uas" --sipp-stat "$tmp/uas-stat.csv"} ${perf_dir:+--perf-dir "$perf_dir"}

count_server_events "$out/server-log.txt"
log "server log events: $(wc -l < "$out/server-log.txt") kinds (see $out/server-log.txt)"
cat "$out/summary.md"
