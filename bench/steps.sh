# shellcheck shell=bash
# One benchmark step as the reference's run-bench.sh runs it, for the scripts
# that add steps after its search (bench/refine.sh, bench/clients.sh).
# Sourced, not run. The caller sets:
#   REF HOST PORT STEP_S LOG WORK PIDFILE   and, per scenario, INF (SIPp's
#   injection file); optional CTL (Kamailio's control socket; "none" for
#   Parley), METRICS (Parley's /metrics URL) and CLIENTS (default 1).
# With CLIENTS=N > 1 a step's calls come from N SIPp client processes at
# RATE/N each, client k reading every N-th user of INF (INF.k, made by
# split_users), so no user is registered by two clients at once. The pass
# rule is the reference's, over all clients together.
S=$REF/scenarios
HZ=$(getconf CLK_TCK)
CLIENTS=${CLIENTS:-1}
UAS_PID=

log() { echo "$*" | tee -a "$LOG"; }

# SIPp 3.6.1 can hang in its SIGTERM handler under load: TERM, then KILL.
stop_sipp() {
  kill -TERM "$1" 2>/dev/null || return 0
  local _
  for _ in 1 2 3 4; do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$1" 2>/dev/null
}

server_ticks() {
  local m p; m=$(cat "$PIDFILE" 2>/dev/null) || { echo 0; return; }
  for p in $m $(ps -o pid= --ppid "$m"); do cat "/proc/$p/stat" 2>/dev/null; done |
    awk '{s += $14 + $15} END {print s + 0}'
}

# CPU seconds of this shell's finished children (the SIPp clients of a step,
# once waited for): `times` must run in this shell, not in a $(...) subshell.
children_cpu() {
  times > "$WORK/times"
  awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2]}' "$WORK/times"
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
  local c0
  sleep 2
  for _ in $(seq 40); do
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

# INF.0 .. INF.(CLIENTS-1): every CLIENTS-th user of INF, each with INF's
# header line (SIPp's SEQUENTIAL marker).
split_users() {
  local k
  for k in $(seq 0 $((CLIENTS - 1))); do
    { head -n 1 "$INF"; tail -n +2 "$INF" | awk -v k="$k" -v n="$CLIENTS" '(NR - 1) % n == k'; } > "$INF.$k"
  done
}

# Client k's SIP, control and media ports: the reference's for the first
# (5080, 5082, 5084), then 5200 + 10k and up, clear of the UAS (5081) and
# the servers (5070, 5090).
client_ports() {
  local p=$((5200 + 10 * $1)); [ "$1" -gt 0 ] || p=5080
  echo "-p $p -cp $((p + 2)) -mp $((p + 4))"
}

# Sum of the FailedCall(C) column over the clients' statistics files.
failed_so_far() {
  local stf f col total=0
  for stf in "$@"; do
    col=$(head -n 1 "$stf" 2>/dev/null | tr ';' '\n' | grep -n -x -F 'FailedCall(C)' | cut -d: -f1)
    [ -n "$col" ] || continue
    f=$(tail -n 1 "$stf" | cut -d';' -f"$col")
    [ "${f:-0}" -ge 0 ] 2>/dev/null && total=$((total + f))
  done
  echo "$total"
}

# "ok fail elapsed_s" of one SIPp statistics file.
stat_totals() {
  awk -F';' 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; next} {l = $0}
    END {split(l, f, ";"); split(f[h["StartTime"]], a, "\t"); split(f[h["CurrentTime"]], b, "\t")
      printf "%d %d %.3f\n", f[h["SuccessfulCall(C)"]], f[h["FailedCall(C)"]], b[3] - a[3]}' "$1" 2>/dev/null
}

# step NAME XML RATE HOLD [sipp args] -> 0 when it passes; logs the step.
step() {
  local name=$1 xml=$2 rate=$3 hold=$4; shift 4
  local n=$((rate * STEP_S)) c0 c1 t0 t1 g0 g1 k inf rk nk ok=0 fail=0 el=0 o f e ach us note=""
  local -a pids=() stfs=()
  c0=$(server_ticks); t0=$(date +%s.%N); children_cpu > "$WORK/g0"; g0=$(cat "$WORK/g0")
  for k in $(seq 0 $((CLIENTS - 1))); do
    # The first clients take the remainder, so the rates add up to RATE.
    rk=$((rate / CLIENTS + (k < rate % CLIENTS ? 1 : 0))); nk=$((rk * STEP_S))
    inf=$INF; [ "$CLIENTS" -eq 1 ] || inf=$INF.$k
    stfs[k]=$WORK/$name-$rate.$k.csv
    rm -f "${stfs[k]}"
    # shellcheck disable=SC2046  # client_ports is a list of options
    timeout -k 5 $((STEP_S * 3 + 40)) sipp "$HOST:$PORT" -sf "$S/$xml" -nostdin -key domain "$HOST" \
      -recv_timeout 5000 -i 127.0.0.1 $(client_ports "$k") -buff_size 4194304 \
      -inf "$inf" -r "$rk" -m "$nk" -l $((rk * 4 + 100)) -timeout $((STEP_S * 2 + 20))s \
      -trace_stat -stf "${stfs[k]}" -fd 1 -d "$hold" "$@" > "$WORK/$name-$rate.$k.out" 2>&1 &
    pids[k]=$!
  done
  while :; do
    local running=0
    for k in "${!pids[@]}"; do kill -0 "${pids[k]}" 2>/dev/null && running=1; done
    [ "$running" = 1 ] || break
    sleep 1
    # Stopped early once it cannot pass any more, as run-bench.sh does.
    if [ "$(failed_so_far "${stfs[@]}")" -gt $((n / 1000)) ]; then
      for k in "${!pids[@]}"; do stop_sipp "$(ps -o pid= --ppid "${pids[k]}" | tr -d ' ')"; done
      note=" (stopped early)"; break
    fi
  done
  for k in "${!pids[@]}"; do wait "${pids[k]}" 2>/dev/null; done
  c1=$(server_ticks); t1=$(date +%s.%N); children_cpu > "$WORK/g1"; g1=$(cat "$WORK/g1")
  for k in "${!stfs[@]}"; do
    read -r o f e < <(stat_totals "${stfs[k]}")
    ok=$((ok + ${o:-0})); fail=$((fail + ${f:-0}))
    el=$(awk -v a="$el" -v b="${e:-0}" 'BEGIN {print (b > a ? b : a)}')
  done
  ach=$(awk -v ok="$ok" -v el="$el" -v h="$hold" 'BEGIN {d = el - h / 1000; printf "%d", (d > 0 ? ok / d : 0)}')
  us=$(awk -v t="$((c1 - c0))" -v hz="$HZ" -v n="$((ok + fail))" 'BEGIN {printf "%d", (n ? t / hz / n * 1e6 : 0)}')
  log "  $name rate=$rate calls=$n ok=$ok fail=$fail$note achieved=${ach}/s | cpu: server=$(awk -v t="$((c1 - c0))" -v hz="$HZ" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d", t / hz / (b - a) * 100}')% (${us}us/call) uac=$(awk -v g0="$g0" -v g1="$g1" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d", (g1 - g0) / (b - a) * 100}')%"
  cooldown_logged
  [ $((ok + fail)) -eq "$n" ] && awk -v f="$fail" -v n="$n" -v a="$ach" -v r="$rate" \
    'BEGIN {exit !(f / n < 0.001 && a >= 0.95 * r)}'
}

# Starts the UAS of a scenario (message-uas.xml, call-uas.xml) on 5081.
start_uas() {
  sipp -sf "$S/$1" -i 127.0.0.1 -p 5081 -cp 5083 -mp 5085 -buff_size 4194304 -nostdin \
    -timeout 800s -recv_timeout 10000 > "$WORK/$1.out" 2>&1 &
  UAS_PID=$!
  sleep 1
}

stop_uas() {
  [ -n "$UAS_PID" ] || return 0
  stop_sipp "$UAS_PID"; wait "$UAS_PID" 2>/dev/null; UAS_PID=
}
