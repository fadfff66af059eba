# shellcheck shell=bash
# One-shot SIPp runs for what the real phones cannot do (rich presence
# PUBLISH). Each run is a single call (-m 1) from a fixed local port per
# name, so several runs look like one device. Source after harness.sh.
#
# sp_publish NAME USER ACTIVITIES NOTE [ETAG] -- PUBLISH presence for
#   sip:USER@DOMAIN with credentials it_password USER. ACTIVITIES is RPID
#   XML (e.g. "<rpid:away/>"); with ETAG it modifies that publication.
#   Leaves the new SIP-ETag in SP_ETAG; fails the test unless the PUBLISH
#   got 200. (Not for $(...): it_fail must run in the test's shell.)
# sp_unpublish NAME USER ETAG -- removes the publication (Expires: 0).

declare -A SP_PORT=()
SP_ETAG=""

# The digest uri (-auth_uri) is the Request-URI, sip:USER@DOMAIN.
# sp_run NAME TAG SCENARIO ARGS... -- runs SIPp in $IT_WORK/sipp-NAME (SIPp
# writes its logs next to the scenario); exit status of SIPp
sp_run() {
	local name=$1 tag=$2 sf=$3 wd=$IT_WORK/sipp-$1
	shift 3
	mkdir -p "$wd"
	[ -n "${SP_PORT[$name]:-}" ] || SP_PORT[$name]=$(it_ports 1) || it_fail "no free port for SIPp $name"
	cp "$IT_DIR/sipp/$sf" "$wd/$sf"
	(cd "$wd" && exec timeout -k 5 30 sipp "$IT_PROXY" -sf "$sf" -key domain "$IT_DOMAIN" \
		-i 127.0.0.1 -p "${SP_PORT[$name]}" -t u1 -m 1 \
		-recv_timeout 5000 -timeout 20 -timeout_error -nostdin \
		-trace_logs -log_file "$tag.log" -trace_err -error_file "$tag.err" -trace_msg -message_file "$tag.msg" \
		"$@") >"$wd/$tag.out" 2>&1
}

sp_publish() {
	local name=$1 user=$2 tag ifmatch="X-Interop: initial"
	tag=publish-$(date +%s%N)
	[ -n "${5:-}" ] && ifmatch="SIP-If-Match: $5"
	sp_run "$name" "$tag" publish_pidf.xml -key user "$user" -key activities "$3" -key note "$4" \
		-key ifmatch "$ifmatch" -key expires 600 -au "$user" -ap "$(it_password "$user")" -auth_uri "$user@$IT_DOMAIN" ||
		it_fail "SIPp PUBLISH ($3) for $user failed: $(sp_why "$name" "$tag")"
	SP_ETAG=$(sed -n 's/.*ETAG=\([^ ]*\).*/\1/p' "$IT_WORK/sipp-$name/$tag.log" | tail -1)
	[ -n "$SP_ETAG" ] || it_fail "SIPp PUBLISH for $user: 200 without a SIP-ETag"
}

sp_unpublish() {
	local tag
	tag=unpublish-$(date +%s%N)
	sp_run "$1" "$tag" unpublish.xml -key user "$2" -key etag "$3" -au "$2" -ap "$(it_password "$2")" -auth_uri "$2@$IT_DOMAIN" ||
		it_fail "SIPp un-PUBLISH for $2 failed: $(sp_why "$1" "$tag")"
}

# sp_why NAME TAG -- the first error SIPp reported, or the last response
sp_why() {
	local wd=$IT_WORK/sipp-$1 why
	why=$(grep -a -v 'following events occurred' "$wd/$2.err" 2>/dev/null | head -2 |
		sed -E 's/^[0-9-]+\s+[0-9:.]+\s+[0-9.]+: //; s/\s{2,}.*$//' | tr '\n' ' ')
	[ -n "$why" ] || why=$(grep -a '^SIP/2.0 ' "$wd/$2.msg" 2>/dev/null | tail -1)
	[ -n "$why" ] || why=$(tail -2 "$wd/$2.out" | tr '\n' ' ')
	printf '%s' "$why"
}
