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
CSV=$REF/var/users.csv
WORK=$(mktemp -d /tmp/parley-refine.XXXXXX)
# shellcheck source=bench/steps.sh
. "$(dirname "$0")/steps.sh"
trap 'stop_uas' EXIT
NUSERS=$(($(wc -l < "$CSV") - 1))
NT=$((NUSERS < 10000 ? NUSERS : 10000))
head -n $((NT + 1)) "$CSV" > "$WORK/targets.csv"   # run-bench.sh registered these

# The search's bounds for NAME: "BEST FIRST_FAILING", or nothing.
bounds() {
  sed -n "s/^$1 *max_rate= *\([0-9]*\)\/s.*first_failing=\([0-9]*\).*/\1 \2/p" "$SEARCH" | tail -n 1
}

# refine NAME XML HOLD [sipp args]
refine() {
  local name=$1 xml=$2 hold=$3 lo hi r; shift 3
  read -r lo hi < <(bounds "$name")
  if [ -z "${lo:-}" ] || [ -z "${hi:-}" ] || [ "$lo" -le 0 ]; then
    log "  $name: nothing to refine (no passing and failing rate in the search)"
    return
  fi
  for _ in $(seq "$MAX_STEPS"); do
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
  start_uas "$sc-uas.xml"
  if [ "$sc" = message ]; then refine message message-uac.xml 0; else refine call call-uac.xml "$HOLD_MS"; fi
  stop_uas
done
rm -rf "$WORK"
