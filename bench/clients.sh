#!/usr/bin/env bash
# REGISTER's highest rate again, with the load from several SIPp client
# processes instead of one, while the server still runs after bench/refine.sh.
#
# Why: SIPp's client is one thread. On this 2-core machine it needs 26-28 us
# of CPU per REGISTER call, so near 34,000-37,000 calls/s (15,000-20,000/s on
# slower hosts) it uses 88-95% of a core and its own receive queue overflows
# (measured: 5-7 MiB queued and ~50,000 drops/s on its socket at 37,500/s,
# while the server kept up). A server faster than that is then measured at
# SIPp's limit, not its own.
# With CLIENTS processes, each sending RATE/CLIENTS and registering its own
# share of the users, the limit is the two cores, which the server shares
# with the clients as before. Both servers get the same steps.
#
# The search starts from the highest rate the single-client search passed,
# goes up by a quarter while it passes (then down by a quarter while it
# fails) and bisects until the bounds are within TOL_PCT (at most
# MAX_STEPS steps in all). Each step is the reference's: the same scenario
# and options, the same pass rule over all clients (every call ended,
# < 0.1 % failed, >= 95 % of the rate achieved), stopped early once it
# cannot pass.
#
# usage: bench/clients.sh REFERENCE_DIR PORT LOG
#   LOG   the run's log: the single-client result is read from it, the steps
#         are appended after a "clients:" line (bench/report.sh reads them)
# env:   PIDFILE, CTL, METRICS as for bench/refine.sh; CLIENTS (2), STEP_S (10),
#        MAX_STEPS (8), TOL_PCT (5), MAX_RATE (64000). 127.0.0.1 only.
set -u
REF=${1:?usage: clients.sh REFERENCE_DIR PORT LOG}
PORT=${2:?port}
LOG=${3:?log}
PIDFILE=${PIDFILE:?PIDFILE: the server pid file}
CLIENTS=${CLIENTS:-2}
STEP_S=${STEP_S:-10} MAX_STEPS=${MAX_STEPS:-8} TOL_PCT=${TOL_PCT:-5} MAX_RATE=${MAX_RATE:-64000}
HOST=127.0.0.1
WORK=$(mktemp -d /tmp/parley-clients.XXXXXX)
# shellcheck source=bench/steps.sh
. "$(dirname "$0")/steps.sh"
[ "$CLIENTS" -ge 2 ] || { echo "clients.sh: CLIENTS must be 2 or more" >&2; exit 1; }
NAME=register-x$CLIENTS

# The single-client REGISTER result in LOG: refine.sh's if there, else the search's.
single_best() {
  { sed -n 's/^register *max_rate= *\([0-9]*\)\/s.*/\1/p' "$LOG"
    sed -n 's/^refined register max_rate=\([0-9]*\).*/\1/p' "$LOG"; } | tail -n 1
}

round() { echo $(($1 / 250 * 250)); }

log "clients: REGISTER from $CLIENTS SIPp clients at once, each at 1/$CLIENTS of the rate with its own users (${STEP_S}s steps)"
cp "$REF/var/users.csv" "$WORK/users.csv"
INF=$WORK/users.csv
split_users
cooldown_logged
regargs=(-key contact 127.0.0.1:5081 -key expires 3600 -auth_uri "sip:$HOST")
r=$(single_best); r=${r:-0}
[ "$r" -gt 0 ] || r=8000
lo=0 hi=0 i=0
while [ "$i" -lt "$MAX_STEPS" ]; do
  i=$((i + 1))
  if step "$NAME" register.xml "$r" 0 "${regargs[@]}"; then lo=$r; else hi=$r; fi
  if [ "$hi" -eq 0 ]; then
    r=$(round $((r * 5 / 4))); [ "$r" -le "$MAX_RATE" ] || break
  elif [ "$lo" -eq 0 ]; then
    r=$(round $((r * 3 / 4))); [ "$r" -ge 250 ] || break
  else
    [ $(((hi - lo) * 100)) -gt $((TOL_PCT * lo)) ] || break
    r=$(round $(((lo + hi) / 2))); [ "$r" -gt "$lo" ] || break
  fi
done
log "$NAME max_rate=$lo first_failing=$([ "$hi" -gt 0 ] && echo "$hi" || echo none)"
rm -rf "$WORK"
