#!/usr/bin/env bash
# Narrows the reference search's result for one server, while it still runs.
# run-bench.sh doubles its rate and then bisects twice, so its "max rate" can
# sit 12-25 % below what the server sustains (32,000 passed, 40,000 failed:
# anything in between is unknown). That uncertainty is larger than the margins
# the issue's 1.5x target is about, so bench/run.sh runs this for both
# servers the same way: for each scenario, bisect between the highest passing
# and the lowest failing rate of the reference's own search until they are
# within TOL_PCT of each other (at most MAX_STEPS more steps). Each step is
# the reference's: the same SIPp scenario and options, the same users, the
# same pass rule (every call ended, < 0.1 % failed, >= 95 % of the rate
# achieved), stopped early once it cannot pass.
#
# usage: bench/refine.sh REFERENCE_DIR PORT SEARCH_OUTPUT LOG
#   REFERENCE_DIR  the writable copy of ../shared/bench/kamailio (var/users.csv)
#   SEARCH_OUTPUT  run-bench.sh's output (its SUMMARY lines give the bounds)
#   LOG            step lines are appended here, in run-bench.sh's format,
#                  after a "refine:" line (bench/report.sh reads both)
# env:   PIDFILE (the server's pid file; its children count too), CTL (Kamailio's
#        control socket, default REFERENCE_DIR/var/kamailio_ctl; "none" for Parley),
#        METRICS (Parley's /metrics URL, for its pending transactions), STEP_S (10),
#        HOLD_MS (1000), MAX_STEPS (3), TOL_PCT (5). 127.0.0.1 only.
set -u
REF=${1:?usage: refine.sh REFERENCE_DIR PORT SEARCH_OUTPUT LOG}
PORT=${2:?port}
SEARCH=${3:?search output}
LOG=${4:?log}
PIDFILE=${PIDFILE:?PIDFILE: the server pid file}
STEP_S=${STEP_S:-10} HOLD_MS=${HOLD_MS:-1000} MAX_STEPS=${MAX_STEPS:-3} TOL_PCT=${TOL_PCT:-5}
HOST=127.0.0.1
S=$REF/scenarios
CSV=$REF/var/users.csv
WORK=$(mktemp -d /tmp/parley-refine.XXXXXX)
NUSERS=$(($(wc -l < "$CSV") - 1))
NT=$((NUSERS < 10000 ? NUSERS : 10000))
head -n $((NT + 1)) "$CSV" > "$WORK/targets.csv"   # run-bench.sh registered these
UAS_PID=
# SIPp 3.6.1 can hang in its SIGTERM handler under load: TERM, then KILL.
stop_sipp() {
  kill -TERM "$1" 2>/dev/null || return 0
  local i
  for i in 1 2 3 4; do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$1" 2>/dev/null
}
trap '[ -z "$UAS_PID" ] || stop_sipp "$UAS_PID"' EXIT
HZ=$(getconf CLK_TCK)

log() { echo "$*" | tee -a "$LOG"; }
server_ticks() {
  local m p; m=$(cat "$PIDFILE" 2>/dev/null) || { echo 0; return; }
  for p in $m $(ps -o pid= --ppid "$m"); do cat "/proc/$p/stat" 2>/dev/null; done |
    awk '{s += $14 + $15} END {print s + 0}'
}

# CPU seconds of this shell's finished children (the SIPp client of a step,
# once waited for): `times` must run in this shell, not in a $(...) subshell.
children_cpu() {
  times > "$WORK/times"
  awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2]}' "$WORK/times"
}

# The search's bounds for NAME: "BEST FIRST_FAILING", or nothing.
bounds() {
  sed -n "s/^$1 *max_rate= *\([0-9]*\)\/s.*first_failing=\([0-9]*\).*/\1 \2/p" "$SEARCH" | tail -n 1
}

# The server's transactions still pending: Kamailio's through its control
# socket (tm.stats, as run-bench.sh reads it), Parley's from its /metrics
# (METRICS); 0 for a server with neither.
pending_transactions() {
  local ctl=${CTL:-$REF/var/kamailio_ctl} t=""
  if [ -S "$ctl" ]; then
    t=$(kamcmd -s "unix:$ctl" tm.stats 2>/dev/null | awk '$1 == "current:" {print $2}')
  elif [ -n "${METRICS:-}" ]; then
    t=$(curl -sf --max-time 2 "$METRICS" | awk '$1 == "parley_sip_transactions" {print $2}')
  fi
  echo "${t:-0}"
}

# Waits (up to 40 s) until the server is idle and its transactions have
# drained, as run-bench.sh does for Kamailio, so a failed step does not
# spill into the next one. run-bench.sh can only see Kamailio's
# transactions; here both servers' count.
cooldown() {
  local i c0
  sleep 2
  for i in $(seq 40); do
    c0=$(server_ticks); sleep 1
    [ $(($(server_ticks) - c0)) -le $((HZ / 10)) ] && [ "$(pending_transactions)" -lt 2000 ] && return
  done
}

# cooldown, noting in the log when it waited for more than the minimum.
cooldown_logged() {
  local t0 t1 left
  t0=$(date +%s)
  cooldown
  t1=$(date +%s); left=$(pending_transactions)
  [ $((t1 - t0)) -le 3 ] || log "  (waited $((t1 - t0)) s for the server to go idle, $left transactions left)"
}

# step NAME XML RATE HOLD [sipp args] -> 0 when it passes; logs the step.
step() {
  local name=$1 xml=$2 rate=$3 hold=$4; shift 4
  local n=$((rate * STEP_S)) stf=$WORK/$name-$rate.csv c0 c1 t0 t1 g0 g1 pid fcol f ok fail el ach us note=""
  rm -f "$stf"
  c0=$(server_ticks); t0=$(date +%s.%N); children_cpu > "$WORK/g0"; g0=$(cat "$WORK/g0")
  timeout -k 5 $((n / rate * 3 + 40)) sipp "$HOST:$PORT" -sf "$S/$xml" -nostdin -key domain "$HOST" \
    -recv_timeout 5000 -i 127.0.0.1 -p 5080 -cp 5082 -mp 5084 -buff_size 4194304 \
    -inf "$INF" -r "$rate" -m "$n" -l $((rate * 4 + 100)) -timeout $((n / rate * 2 + 20))s \
    -trace_stat -stf "$stf" -fd 1 -d "$hold" "$@" > "$WORK/$name-$rate.out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    [ -n "${fcol:-}" ] || fcol=$(head -n 1 "$stf" 2>/dev/null | tr ';' '\n' | grep -n -x -F 'FailedCall(C)' | cut -d: -f1)
    [ -n "$fcol" ] || continue
    f=$(tail -n 1 "$stf" | cut -d';' -f"$fcol")
    if [ "${f:-0}" -gt $((n / 1000)) ] 2>/dev/null; then
      stop_sipp "$(ps -o pid= --ppid "$pid" | tr -d ' ')"
      note=" (stopped early)"; break
    fi
  done
  wait "$pid" 2>/dev/null
  c1=$(server_ticks); t1=$(date +%s.%N); children_cpu > "$WORK/g1"; g1=$(cat "$WORK/g1")
  read -r ok fail el < <(awk -F';' 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; next} {l = $0}
    END {split(l, f, ";"); split(f[h["StartTime"]], a, "\t"); split(f[h["CurrentTime"]], b, "\t")
      printf "%d %d %.3f\n", f[h["SuccessfulCall(C)"]], f[h["FailedCall(C)"]], b[3] - a[3]}' "$stf" 2>/dev/null)
  ok=${ok:-0} fail=${fail:-0} el=${el:-0}
  ach=$(awk -v ok="$ok" -v el="$el" -v h="$hold" 'BEGIN {d = el - h / 1000; printf "%d", (d > 0 ? ok / d : 0)}')
  us=$(awk -v t="$((c1 - c0))" -v hz="$HZ" -v n="$((ok + fail))" 'BEGIN {printf "%d", (n ? t / hz / n * 1e6 : 0)}')
  log "  $name rate=$rate calls=$n ok=$ok fail=$fail$note achieved=${ach}/s | cpu: server=$(awk -v t="$((c1 - c0))" -v hz="$HZ" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d", t / hz / (b - a) * 100}')% (${us}us/call) uac=$(awk -v g0="$g0" -v g1="$g1" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d", (g1 - g0) / (b - a) * 100}')%"
  cooldown_logged
  [ $((ok + fail)) -eq "$n" ] && awk -v f="$fail" -v n="$n" -v a="$ach" -v r="$rate" \
    'BEGIN {exit !(f / n < 0.001 && a >= 0.95 * r)}'
}

# refine NAME XML HOLD [sipp args]
refine() {
  local name=$1 xml=$2 hold=$3 lo hi r i; shift 3
  read -r lo hi < <(bounds "$name")
  if [ -z "${lo:-}" ] || [ -z "${hi:-}" ] || [ "$lo" -le 0 ]; then
    log "  $name: nothing to refine (no passing and failing rate in the search)"
    return
  fi
  for i in $(seq "$MAX_STEPS"); do
    [ $(((hi - lo) * 100)) -gt $((TOL_PCT * lo)) ] || break
    r=$(((lo + hi) / 2 / 250 * 250))
    [ "$r" -gt "$lo" ] || break
    if step "$name" "$xml" "$r" "$hold" "$@"; then lo=$r; else hi=$r; fi
  done
  log "refined $name max_rate=$lo first_failing=$hi"
}

log "refine: between the search's highest passing and lowest failing rates (${STEP_S}s steps, within ${TOL_PCT}%, at most $MAX_STEPS steps)"
INF=$CSV
cooldown_logged   # the search's last cooldown looked at the CPU only
refine register register.xml 0 -key contact 127.0.0.1:5081 -key expires 3600 -auth_uri "sip:$HOST"
INF=$WORK/targets.csv
for sc in message call; do
  sipp -sf "$S/$sc-uas.xml" -i 127.0.0.1 -p 5081 -cp 5083 -mp 5085 -buff_size 4194304 -nostdin \
    -timeout 800s -recv_timeout 10000 > "$WORK/$sc-uas.out" 2>&1 &
  UAS_PID=$!
  sleep 1
  if [ "$sc" = message ]; then refine message message-uac.xml 0; else refine call call-uac.xml "$HOLD_MS"; fi
  stop_sipp "$UAS_PID"; wait "$UAS_PID" 2>/dev/null; UAS_PID=
done
rm -rf "$WORK"
