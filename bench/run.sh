#!/usr/bin/env bash
# Side-by-side SIP benchmark: the Kamailio reference (../shared/bench/kamailio)
# and Parley, one after the other in one run, on the same SIPp scenarios and
# the same users, both on 127.0.0.1 only. Writes the table with the ratios to
# bench/RESULTS.md (between the "bench:latest" markers) and keeps each run's
# table and logs under bench/results/.
#
# usage: bench/run.sh            (`make bench` builds build-release/parley first)
# env:   NUSERS       users registered in the memory phase (default 100000)
#        PARLEY_PORT  Parley's UDP port (default 5090; Kamailio's reference uses 5070)
#        PARLEY_HTTP_PORT  Parley's HTTP port, for /metrics (default 18090)
#        PARLEY_BIN   binary under test (default build-release/parley)
#        BENCH_REF    the reference folder (default ../shared/bench/kamailio)
#        ONLY         "parley" or "kamailio" to run one side only (no ratios then)
#        NOTE         free text recorded with the run (what else was running ...)
#        REFINE       0 to skip bench/refine.sh (the finer bisection after the search)
#        CLIENTS      SIPp clients of bench/clients.sh's REGISTER search after it
#                     (default 2; 1 skips it)
#        and everything run-bench.sh reads (START_RATE, STEP_S, HOLD_MS, MEM_RATE, MAX_RATE)
set -euo pipefail
# The reference's default ceiling (32,000/s) is below 1.5x Kamailio's
# REGISTER rate on this machine: a server that passes it would never be
# shown failing, so the search could not bound it. Both servers get the
# same higher ceiling.
export MAX_RATE=${MAX_RATE:-64000}
REFINE=${REFINE:-1}
CLIENTS=${CLIENTS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NUSERS=${NUSERS:-100000}
PORT=${PARLEY_PORT:-5090}
HTTP_PORT=${PARLEY_HTTP_PORT:-18090}
BIN=${PARLEY_BIN:-$ROOT/build-release/parley}
REF=${BENCH_REF:-$ROOT/../shared/bench/kamailio}
[ -d "$REF" ] || REF=/work/shared/bench/kamailio
ONLY=${ONLY:-}
[ -x "$BIN" ] || { echo "bench: $BIN not built (make bench builds the release preset)" >&2; exit 1; }
[ -x "$REF/run-bench.sh" ] || { echo "bench: reference not found at $REF" >&2; exit 1; }
"$ROOT/bench/install-deps.sh"

STAMP=$(date +%Y%m%d-%H%M%S)
# The source the binary was built from, as of now (others may commit meanwhile).
PVER="$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
WORK=$(mktemp -d "/tmp/parley-bench-$STAMP.XXXXXX")
K=$WORK/kamailio                  # writable copy of the reference (its var/ holds the runs)
RES=$ROOT/bench/results
mkdir -p "$RES"
cp -r "$REF" "$K"
chmod -R u+w "$K"
PARLEY_PID=
cleanup() {
  if [ -n "$PARLEY_PID" ] && kill -0 "$PARLEY_PID" 2>/dev/null; then kill -TERM "$PARLEY_PID"; fi
  [ -s "$K/var/kamailio.pid" ] && "$K/stop.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM
echo "bench: work dir $WORK"

# What else runs on this shared machine matters for the figures: record it.
snapshot_load() {
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg); busiest other processes:"
  ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 5 {printf "  %s%% %s\n", $1, $2}' | head -n 6
}

# The speed of this shared machine moves with its neighbours' load (the same
# binary's micro benchmark has read 13.4 and 20.2 us per call 25 minutes
# apart). The servers run one after the other, so a probe is taken before
# each one's phase and after the last: the in-process REGISTER benchmark,
# the same binary each time, so only the machine changes. Prints "-" when
# the probe is not built (`make bench` builds it).
PROBE=$ROOT/build-release/bench/micro/bench_sip_core
speed_probe() {
  [ -x "$PROBE" ] || { echo "-"; return; }
  "$PROBE" --benchmark_filter='BM_RegisterCall/100000' --benchmark_format=csv 2>/dev/null |
    awk -F, '/^"BM_RegisterCall/ {printf "%.1f", $4; found = 1} END {if (!found) printf "-"}'
}

# run_bench NAME HOST PORT [env...]: the reference's run-bench.sh, its log kept
run_bench() {
  local name=$1 port=$2; shift 2
  snapshot_load > "$WORK/$name.load"
  env "$@" "$K/run-bench.sh" 127.0.0.1 "$port" | tee "$WORK/$name.out"
  local dir; dir=$(sed -n 's/.*results in \(\/[^ ]*\)$/\1/p' "$WORK/$name.out" | head -n 1)
  cp "$dir/log.txt" "$RES/$STAMP-$name.log"
  if [ "$REFINE" = 1 ]; then
    env "$@" "$ROOT/bench/refine.sh" "$K" "$port" "$WORK/$name.out" "$RES/$STAMP-$name.log"
  fi
  if [ "$CLIENTS" -gt 1 ]; then
    env "$@" CLIENTS="$CLIENTS" "$ROOT/bench/clients.sh" "$K" "$port" "$RES/$STAMP-$name.log"
  fi
}

# 1. Kamailio: its own setup (users, start), the benchmark, stop.
KCMD="$K/setup.sh $NUSERS && $K/run-bench.sh 127.0.0.1 5070 && $K/stop.sh"
PROBE_KAMAILIO=$(speed_probe)
echo "bench: machine speed probe before Kamailio: $PROBE_KAMAILIO us per call"
if [ "$ONLY" != parley ]; then
  "$K/setup.sh" "$NUSERS"
  run_bench kamailio 5070 PIDFILE="$K/var/kamailio.pid"
  "$K/stop.sh"
else
  "$K/gen-users.sh" "$NUSERS" 127.0.0.1   # the same users, without starting Kamailio
fi

# 2. Parley: the same users imported into a fresh data dir, then the same run.
DATA=$WORK/parley-data
CFG=$WORK/parley.toml
mkdir -p "$DATA"
cat > "$CFG" <<EOF
# bench/run.sh: the reference's realm, UDP only, 127.0.0.1 trusted as in
# Kamailio's reference config (MESSAGE and INVITE relayed without a challenge).
[sip]
domain = "127.0.0.1"
listen = ["udp:127.0.0.1:$PORT"]
trusted = ["127.0.0.1/32"]
EOF
# Kamailio's reference challenges with MD5 only, and SIPp 3.6.1 answers the
# first challenge's algorithm whatever it is (it gives up on SHA-256 first):
# offer MD5 only, as the reference does.
if "$BIN" config default 2>/dev/null | grep -q '^digest_algorithms'; then
  echo 'digest_algorithms = ["MD5"]' >> "$CFG"
fi
# /metrics: refine.sh waits for Parley's transactions to drain between steps
# as the reference waits for Kamailio's (tm.stats).
printf '\n[http]\nlisten = "127.0.0.1:%s"\n\n[log]\nlevel = "warn"\n' "$HTTP_PORT" >> "$CFG"
# users.csv lines: userN;[authentication username=userN password=pwN]
awk -F'[;= \\]]' 'NR > 1 {print $1 ",," $4 "," $6}' "$K/var/users.csv" > "$WORK/users-import.csv"
head -n 1 "$WORK/users-import.csv" | grep -qx 'user1,,user1,pw1' \
  || { echo "bench: unexpected users.csv format" >&2; exit 1; }
IMPORT_CMD="$BIN --data $DATA --config $CFG user import users-import.csv"
t0=$(date +%s.%N)
"$BIN" --data "$DATA" --config "$CFG" user import "$WORK/users-import.csv"
echo "bench: imported $(wc -l < "$WORK/users-import.csv") users in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"

PCMD="$BIN --data $DATA serve --config $CFG"
PROBE_PARLEY=$(speed_probe)
echo "bench: machine speed probe before Parley: $PROBE_PARLEY us per call"
if [ "$ONLY" != kamailio ]; then
  if ss -Hlun "sport = :$PORT" | grep -q .; then echo "bench: UDP port $PORT is busy" >&2; exit 1; fi
  if ss -Hltn "sport = :$HTTP_PORT" | grep -q .; then echo "bench: TCP port $HTTP_PORT is busy" >&2; exit 1; fi
  "$BIN" --data "$DATA" serve --config "$CFG" > "$WORK/parley.log" 2>&1 < /dev/null &
  PARLEY_PID=$!
  echo "$PARLEY_PID" > "$WORK/parley.pid"
  # The ready line is logged at info level (hidden at warn): wait for the socket instead.
  for _ in $(seq 100); do
    grep -q 'event=ready' "$WORK/parley.log" && break
    ss -Hlunp "sport = :$PORT" 2>/dev/null | grep -q "pid=$PARLEY_PID," && break
    kill -0 "$PARLEY_PID" 2>/dev/null || { cat "$WORK/parley.log"; exit 1; }
    sleep 0.1
  done
  echo "bench: parley pid $PARLEY_PID listening on udp:127.0.0.1:$PORT"
  run_bench parley "$PORT" PIDFILE="$WORK/parley.pid" CTL=none METRICS="http://127.0.0.1:$HTTP_PORT/metrics"
  kill -TERM "$PARLEY_PID"
  for _ in $(seq 100); do kill -0 "$PARLEY_PID" 2>/dev/null || break; sleep 0.1; done
  PARLEY_PID=
  grep -E ' (warning|error|critical) ' "$WORK/parley.log" | head -n 5 || true
fi

PROBE_END=$(speed_probe)
echo "bench: machine speed probe at the end: $PROBE_END us per call"
# Spread of the three probes, in percent of the fastest.
PROBE_SPREAD=$(awk -v a="$PROBE_KAMAILIO" -v b="$PROBE_PARLEY" -v c="$PROBE_END" 'BEGIN {
  if (a == "-" || b == "-" || c == "-") {print "-"; exit}
  lo = a; hi = a; if (b < lo) lo = b; if (c < lo) lo = c; if (b > hi) hi = b; if (c > hi) hi = c
  printf "%d", (hi / lo - 1) * 100 + 0.5}')

# 3. The table.
{
  echo "### Run $STAMP"
  echo
  "$ROOT/bench/report.sh" "$RES/$STAMP-kamailio.log" "$RES/$STAMP-parley.log"
  echo
  echo "- machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), Debian $(cat /etc/debian_version)"
  echo "- versions: $(kamailio -v 2>/dev/null | head -n 1 | sed 's/^version: //'); $(sipp -v 2>&1 | grep -m1 -o 'SIPp v[^ ,]*'); Parley $PVER (binary $BIN)"
  echo "- users: $NUSERS (user1..user$NUSERS, imported into Parley with \`$IMPORT_CMD\`)"
  echo "- Kamailio: \`$KCMD\`"
  echo "- Parley: \`$PCMD\` then \`PIDFILE=parley.pid CTL=none $K/run-bench.sh 127.0.0.1 $PORT\`"
  echo "- load before Kamailio's run: $(tr '\n' ' ' < "$WORK/kamailio.load" 2>/dev/null || true)"
  echo "- load before Parley's run: $(tr '\n' ' ' < "$WORK/parley.load" 2>/dev/null || true)"
  echo "- machine speed probe (\`bench_sip_core\` BM_RegisterCall/100000, CPU µs per call; lower is faster): $PROBE_KAMAILIO before Kamailio, $PROBE_PARLEY before Parley, $PROBE_END at the end (spread $PROBE_SPREAD%)"
  if [ "$PROBE_SPREAD" != - ] && [ "$PROBE_SPREAD" -gt 10 ]; then
    echo "- **the machine's speed moved by $PROBE_SPREAD% during this run: the two servers were not measured on an equally fast machine, and the ratios above are not a fair comparison**"
  fi
  [ -z "${NOTE:-}" ] || echo "- note: $NOTE"
  echo "- logs: bench/results/$STAMP-kamailio.log, bench/results/$STAMP-parley.log"
} > "$RES/$STAMP.md"
"$ROOT/bench/update-results.sh" "$RES/$STAMP.md"
cat "$RES/$STAMP.md"
echo "bench: table in bench/RESULTS.md and $RES/$STAMP.md; work dir $WORK"
