#!/usr/bin/env bash
# Markdown table comparing two run-bench.sh logs (log.txt of the reference's
# run-bench.sh): highest passing rate per scenario, server CPU per call at the
# highest rate both servers passed, and memory per registered contact.
# usage: bench/report.sh KAMAILIO_LOG PARLEY_LOG   (a missing log shows as "-")
set -euo pipefail
KLOG=${1:?usage: report.sh KAMAILIO_LOG PARLEY_LOG}
PLOG=${2:?usage: report.sh KAMAILIO_LOG PARLEY_LOG}
k=$KLOG p=$PLOG
[ -f "$k" ] || k=/dev/null
[ -f "$p" ] || p=/dev/null

awk '
# step lines: "  NAME rate=R calls=N ok=OK fail=F[ (stopped early)] retrans=.. achieved=A/s avg_rt=.. | cpu: server=C% (Uus/call) ..."
function num(s, key,   m) { return match(s, key "=[0-9]+") ? substr(s, RSTART + length(key) + 1, RLENGTH - length(key) - 1) + 0 : -1 }
{ side = (FILENAME == ARGV[1]) ? 1 : 2 }
# bench/refine.sh appends its steps after a "refine:" line
/^refine:/ { refining[side] = 1 }
/^  (register|message|call|register-x[0-9]+) rate=/ {
  split($0, w, " "); name = w[1]; r = num($0, "rate"); n = num($0, "calls"); ok = num($0, "ok"); f = num($0, "fail")
  a = num($0, "achieved")
  us = match($0, /\([0-9]+us\/call\)/) ? substr($0, RSTART + 1, RLENGTH - 8) + 0 : -1
  if (ok + f == n && f * 1000 < n && a >= 0.95 * r) {
    passed[side, name, r] = 1; cpu[side, name, r] = us
    if (r > best[side, name]) best[side, name] = r
    if (!refining[side] && r > sbest[side, name]) sbest[side, name] = r
  }
  tried[side, name, r] = 1
}
/^memory: / {
  if (match($0, /= [0-9]+ B\/contact/)) pss[side] = substr($0, RSTART + 2, RLENGTH - 12) + 0
  if (match($0, /shm real_used .* = [0-9]+ B\/contact/)) { s = substr($0, RSTART, RLENGTH); sub(/.*= /, "", s); shm[side] = s + 0 }
  if (match($0, /bindings=[0-9]+/)) nb[side] = substr($0, RSTART + 9, RLENGTH - 9)
}
function fmt(x,   s) { if (x <= 0) return "-"; s = sprintf("%d", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
function rate(x) { return x > 0 ? fmt(x) "/s" : "-" }
function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.2f×", a / b) : "-" }
END {
  label["register"] = "REGISTER with digest (401, then authenticated)"
  label["message"] = "MESSAGE to registered users"
  label["call"] = "INVITE call, 1 s hold"
  print "| scenario | Kamailio max rate | Parley max rate | Parley / Kamailio | run-bench.sh search alone: Kamailio, Parley, ratio | CPU per call at | Kamailio CPU/call | Parley CPU/call | Kamailio / Parley CPU |"
  print "|---|---|---|---|---|---|---|---|---|"
  # bench/clients.sh: REGISTER again with the load from several SIPp clients
  for (key in tried) { split(key, kk, SUBSEP); if (kk[2] ~ /^register-x/) multi = kk[2] }
  if (multi != "") label[multi] = "REGISTER with digest, from " substr(multi, 11) " SIPp clients at once (bench/clients.sh)"
  nsc = split("register message call" (multi != "" ? " " multi : ""), sc, " ")
  for (i = 1; i <= nsc; i++) {
    s = sc[i]; common = 0
    for (key in passed) { split(key, kk, SUBSEP); if (kk[1] == 1 && kk[2] == s && ((2, s, kk[3]) in passed) && kk[3] + 0 > common) common = kk[3] + 0 }
    kc = common ? cpu[1, s, common] : 0; pc = common ? cpu[2, s, common] : 0
    printf "| %s | %s | %s | %s | %s, %s, %s | %s | %s | %s | %s |\n", label[s], rate(best[1, s]), rate(best[2, s]),
      ratio(best[2, s], best[1, s]), rate(sbest[1, s]), rate(sbest[2, s]), ratio(sbest[2, s], sbest[1, s]),
      rate(common), (kc > 0 ? kc " µs" : "-"), (pc > 0 ? pc " µs" : "-"), ratio(kc, pc)
  }
  # Each server at its best: the higher of its one-client and its several-
  # client REGISTER rate. More clients cost more CPU in all (each SIPp has its
  # own overheads), which a CPU-bound server pays for with its rate, so the
  # several-client row alone would favour the faster server.
  if (multi != "") {
    for (sd = 1; sd <= 2; sd++) {
      one = best[sd, "register"] + 0; more = best[sd, multi] + 0
      if (more > one) { top[sd] = more; how[sd] = " (" substr(multi, 11) " clients)" }
      else { top[sd] = one; how[sd] = (one > 0 ? " (1 client)" : "") }
    }
    printf "| REGISTER with digest, each server at the higher of its two REGISTER rates | %s%s | %s%s | %s | | | | | |\n",
      rate(top[1]), how[1], rate(top[2]), how[2], ratio(top[2], top[1])
  }
  printf "| memory per registered contact (%s contacts), PSS | %s B | %s B | %s | | | | | |\n", fmt(nb[1] ? nb[1] : nb[2]), fmt(pss[1]), fmt(pss[2]), ratio(pss[2], pss[1])
  if (shm[1] > 0) printf "| memory per contact, Kamailio shm real_used | %s B | | | | | | | |\n", fmt(shm[1])
}' "$k" "$p"
echo
echo "Max rate: highest rate with under 0.1% failed calls and at least 95% of it achieved (10 s steps): run-bench.sh's search"
echo "(doubling, then two bisections), then bench/refine.sh's bisection between its highest passing and lowest failing rate"
echo "(within 5%, at most 3 steps), the same for both servers. The search alone is shown too."
echo "Parley / Kamailio above 1 = Parley faster; for memory, below 1 = Parley smaller. CPU per call: server CPU time"
echo "(user + system, all its processes) divided by the calls of the step at the highest rate both servers passed."
echo "The row from several SIPp clients (if any) is REGISTER again, with the same steps and pass rule but the load"
echo "split over that many SIPp processes, each with its own share of the users: one SIPp client thread can run"
echo "out of CPU before a fast server does (at 15,000-37,000 REGISTER calls/s, depending on the host's speed that"
echo "day; bench/clients.sh, bench/RESULTS.md). More clients cost more CPU in all, which a"
echo "CPU-bound server pays for, so the comparison is of each server at its best of the two."
