#!/usr/bin/env bash
# Profiles Parley under the benchmark's SIPp scenarios at one fixed rate:
# perf record (call graphs) on the server while SIPp drives REGISTER, then
# MESSAGE, then INVITE calls, each for SECONDS. Prints the top symbols of each
# and keeps the perf data under the work dir. 127.0.0.1 only.
#
# usage: bench/profile.sh [RATE] [SECONDS]       (defaults: 2000 10)
# env:   NUSERS (10000), PARLEY_PORT (5090), PARLEY_BIN (build-release/parley),
#        BENCH_REF (../shared/bench/kamailio), SCENARIOS ("register message call")
# Build with symbols for readable stacks: cmake --preset release -DCMAKE_CXX_FLAGS=-g
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${1:-2000}
SECS=${2:-10}
NUSERS=${NUSERS:-10000}
PORT=${PARLEY_PORT:-5090}
BIN=${PARLEY_BIN:-$ROOT/build-release/parley}
REF=${BENCH_REF:-$ROOT/../shared/bench/kamailio}
[ -d "$REF" ] || REF=/work/shared/bench/kamailio
SCENARIOS=${SCENARIOS:-register message call}
"$ROOT/bench/install-deps.sh"
command -v perf >/dev/null || { echo "profile: perf missing (linux-perf)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/parley-profile.XXXXXX)
cp -r "$REF" "$WORK/ref"
chmod -R u+w "$WORK/ref"
S=$WORK/ref/scenarios
"$WORK/ref/gen-users.sh" "$NUSERS" 127.0.0.1 >/dev/null
awk -F'[;= \\]]' 'NR > 1 {print $1 ",," $4 "," $6}' "$WORK/ref/var/users.csv" > "$WORK/import.csv"
cat > "$WORK/parley.toml" <<EOF
[sip]
domain = "127.0.0.1"
listen = ["udp:127.0.0.1:$PORT"]
trusted = ["127.0.0.1/32"]
EOF
if "$BIN" config default 2>/dev/null | grep -q '^digest_algorithms'; then
  echo 'digest_algorithms = ["MD5"]' >> "$WORK/parley.toml"
fi
printf '\n[log]\nlevel = "warn"\n' >> "$WORK/parley.toml"
"$BIN" --data "$WORK/data" --config "$WORK/parley.toml" user import "$WORK/import.csv" >/dev/null

PID= UAS=
cleanup() {
  [ -z "$UAS" ] || kill "$UAS" 2>/dev/null || true
  [ -z "$PID" ] || kill -TERM "$PID" 2>/dev/null || true
}
trap cleanup EXIT
"$BIN" --data "$WORK/data" serve --config "$WORK/parley.toml" > "$WORK/parley.log" 2>&1 < /dev/null &
PID=$!
for _ in $(seq 100); do ss -Hlunp "sport = :$PORT" | grep -q "pid=$PID," && break; sleep 0.1; done

UAC="-i 127.0.0.1 -p 5080 -buff_size 4194304 -nostdin -key domain 127.0.0.1 -recv_timeout 5000"
REG="-key contact 127.0.0.1:5081 -key expires 3600 -auth_uri sip:127.0.0.1"
# every user registered first (the targets of MESSAGE and INVITE)
timeout 120 sipp "127.0.0.1:$PORT" -sf "$S/register.xml" $UAC $REG -inf "$WORK/ref/var/users.csv" \
  -r 2000 -m "$NUSERS" > "$WORK/targets.out" 2>&1 || true

# scenario NAME UAC_XML UAS_XML HOLD_MS
profile() {
  local name=$1 xml=$2 uas=$3 hold=$4
  if [ -n "$uas" ]; then
    timeout 300 sipp -sf "$S/$uas" -i 127.0.0.1 -p 5081 -buff_size 4194304 -nostdin > "$WORK/$name-uas.out" 2>&1 &
    UAS=$!
    sleep 0.5
  fi
  local n=$((RATE * SECS))
  perf record -g -F 999 -p "$PID" -o "$WORK/$name.perf" -- sleep $((SECS + hold / 1000 + 1)) 2> /dev/null &
  local perf_pid=$!
  timeout $((SECS * 3 + 30)) sipp "127.0.0.1:$PORT" -sf "$S/$xml" $UAC $REG -inf "$WORK/ref/var/users.csv" \
    -r "$RATE" -m "$n" -d "$hold" -l $((RATE * 4 + 100)) > "$WORK/$name.out" 2>&1 || true
  wait "$perf_pid" || true
  if [ -n "$UAS" ]; then kill "$UAS" 2>/dev/null || true; wait "$UAS" 2>/dev/null || true; UAS=; fi
  echo "== $name at $RATE/s: $(grep -E 'Successful call|Failed call' "$WORK/$name.out" | tr -s ' |' ' ' | tr '\n' ';')"
  perf report -i "$WORK/$name.perf" --no-children --sort symbol --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | cut -c1-150 | sed -n 1,30p > "$WORK/$name.top.txt" || true
  cat "$WORK/$name.top.txt"
}
for s in $SCENARIOS; do
  case $s in
    register) profile register register.xml "" 0 ;;
    message) profile message message-uac.xml message-uas.xml 0 ;;
    call) profile call call-uac.xml call-uas.xml 1000 ;;
  esac
done
echo "profile: perf data in $WORK (perf report -i $WORK/NAME.perf)"
