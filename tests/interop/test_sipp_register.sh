#!/usr/bin/env bash
# interop_sipp_register: COUNT users (default 1000) imported with
# `parley user import`, each REGISTERed by SIPp with digest authentication
# (sipp/register_digest.xml, credentials from an injection CSV). Every call
# must succeed: SIPp exits 0 and its statistics show COUNT successful and 0
# failed calls.
# usage: test_sipp_register.sh PARLEY_BIN [COUNT] [RATE]
PARLEY_BIN=${1:-${PARLEY_BIN:-}}
COUNT=${2:-1000}
RATE=${3:-200}
. "$(dirname "$0")/lib/harness.sh"
it_begin interop_sipp_register

it_server_config
# one line per user: name,web_password,sip_username,sip_password; the web
# password is left empty (skipped), the SIP account shares the user's name
{
	echo SEQUENTIAL
	for ((i = 1; i <= COUNT; i++)); do
		u=$(printf 'sippuser%04d' "$i")
		echo "$u;[authentication username=$u password=$(it_password "$u")]"
	done
} >"$IT_WORK/sipp_users.csv"
for ((i = 1; i <= COUNT; i++)); do
	u=$(printf 'sippuser%04d' "$i")
	echo "$u,,$u,$(it_password "$u")"
done >"$IT_WORK/users.csv"
if [ "$IT_SERVER_KIND" = parley ]; then
	t0=$(date +%s%N)
	timeout 120 "$PARLEY_BIN" --data "$IT_WORK/data" --config "$IT_WORK/parley.toml" \
		user import "$IT_WORK/users.csv" >"$IT_WORK/import.log" 2>&1 ||
		it_fail "parley user import of $COUNT users failed: $(tail -3 "$IT_WORK/import.log" | tr '\n' ' ')"
	it_log "imported $COUNT users in $(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s"
fi
it_server_start
# The binary built with mimalloc (PARLEY_MIMALLOC) must really run on it.
if [ "$IT_SERVER_KIND" = parley ] && [ -n "${PARLEY_EXPECT_ALLOCATOR:-}" ]; then
	grep -q "event=ready.*allocator=\"$PARLEY_EXPECT_ALLOCATOR" "$IT_SERVER_LOG" ||
		it_fail "expected allocator $PARLEY_EXPECT_ALLOCATOR: $(grep -o 'allocator=.*' "$IT_SERVER_LOG")"
fi

cp "$IT_DIR/sipp/register_digest.xml" "$IT_WORK/"
sipp_port=$(it_ports 1) || it_fail "no free port for SIPp"
# SIPp writes its files relative to the scenario: run it inside the work dir.
# -auth_uri (SIPp writes uri="sip:VALUE"): SIPp's digest uri defaults to the
# server's address, not the Request-URI (sip:DOMAIN) it sends, and the
# registrar checks that they match (RFC 2617 §3.2.2.5).
(
	cd "$IT_WORK" &&
		exec timeout -k 5 100 sipp "$IT_PROXY" -sf register_digest.xml -inf sipp_users.csv \
			-key domain "$IT_DOMAIN" -auth_uri "$IT_DOMAIN" -i 127.0.0.1 -p "$sipp_port" -t u1 \
			-m "$COUNT" -r "$RATE" -l 200 -recv_timeout 10000 -timeout 90 -timeout_error \
			-nostdin -trace_stat -stf stats.csv -fd 1 -trace_err -error_file errors.log \
			-trace_screen -screen_file screen.log
) >"$IT_WORK/sipp.out" 2>&1
rc=$?

# the last statistics row holds the cumulative counters
read -r ok failed < <(awk -F';' '
	NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "SuccessfulCall(C)") s = i; if ($i == "FailedCall(C)") f = i }; next }
	s && f { ok = $s; failed = $f }
	END { print (ok == "" ? "?" : ok), (failed == "" ? "?" : failed) }' "$IT_WORK/stats.csv" 2>/dev/null)
it_log "sipp exit $rc, successful $ok, failed $failed"
if [ "$rc" != 0 ] || [ "$ok" != "$COUNT" ] || [ "$failed" != 0 ]; then
	# errors.log: a banner line, then "date time epoch: what happened"
	why=$(grep -a -v 'following events occurred' "$IT_WORK/errors.log" 2>/dev/null | head -3 |
		sed -E 's/^[0-9-]+\s+[0-9:.]+\s+[0-9.]+: //; s/\s{2,}.*$//' | tr '\n' ' ')
	[ -n "$why" ] || why=$(tail -3 "$IT_WORK/sipp.out" | tr '\n' ' ')
	it_fail "SIPp exit $rc: $ok/$COUNT REGISTERs succeeded, $failed failed; $why"
fi

# The server's own count, as an operator's scraper reads it (GET /metrics):
# every REGISTER was answered without leaving a transaction behind.
if [ "$IT_SERVER_KIND" = parley ]; then
	metrics=$(curl -sf --max-time 5 "http://127.0.0.1:$IT_HTTP_PORT/metrics") ||
		it_fail "GET /metrics failed"
	bindings=$(echo "$metrics" | awk '$1 == "parley_sip_registrar_bindings" {print $2}')
	registered=$(echo "$metrics" | awk '$1 == "parley_sip_proxy_events_total{event=\"register_ok\"}" {print $2}')
	it_log "metrics: bindings=$bindings register_ok=$registered"
	[ "$bindings" = "$COUNT" ] || it_fail "/metrics shows $bindings bindings, expected $COUNT"
	# (a REGISTER retransmitted under load is accepted again: at least COUNT)
	[ "${registered:-0}" -ge "$COUNT" ] || it_fail "/metrics shows $registered REGISTERs accepted, expected $COUNT"
fi

it_pass "$COUNT users registered with digest auth by SIPp at $RATE/s: $ok successful, 0 failed"
