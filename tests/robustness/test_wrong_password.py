#!/usr/bin/env python3
"""robust_wrong_password: a REGISTER answered with a wrong password gets a new
401 challenge (never a 2xx), for both digest algorithms the server offers;
then the right password gets 200 and the binding is listed in the 200.
Also never 2xx: right credentials for another account's AOR (403), a digest
uri that is not the Request-URI, a foreign realm, and a replayed
Authorization (same nonce and nc) in a new request; a retransmission of the
accepted request itself gets its 200 again. The debug log never holds a password or
a digest response.

usage: test_wrong_password.py PARLEY_BINARY
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_wrong_password"


def attempt(ua, password, algorithm, auth_user=None, digest_uri="sip:localhost", realm=None,
            sent=None):
    """One challenge/response round; returns the answer to the credentials."""
    ua.send(ua.register_request())
    first = ua.final_response(ua.call_id, ua.cseq)
    sk.check(first is not None, "no answer to REGISTER")
    sk.check(first.status == 401, f"REGISTER without credentials got {first.status}, want 401")
    algos = [sk.parse_challenge(v).get("algorithm", "MD5").upper()
             for v in first.all("www-authenticate")]
    sk.check(algorithm in algos, f"no {algorithm} challenge in the 401 (got {algos})")
    chal = sk.pick_challenge(first, prefer=algorithm)
    sk.check(chal.get("qop", "").find("auth") >= 0, f"challenge without qop=auth: {chal}")
    if realm:
        chal = dict(chal, realm=realm)
    auth = sk.digest_authorization(chal, "REGISTER", digest_uri, auth_user or ua.user, password)
    if sent is not None:
        sent.append(auth)
    ua.send(ua.register_request(authorization=auth))
    second = ua.final_response(ua.call_id, ua.cseq)
    sk.check(second is not None, "no answer to REGISTER with credentials")
    return second


def check_retransmission(ua):
    """The 200 to an accepted REGISTER can be lost; the phone then sends the
    same request again (same branch, CSeq and credentials, RFC 3261 17.1.2).
    REGISTER is answered without a server transaction, so the retransmission
    reaches the authenticator again: it must get the same 200, not a stale
    challenge for a "replayed" nonce count."""
    ua.send(ua.register_request())
    first = ua.final_response(ua.call_id, ua.cseq)
    sk.check(first is not None and first.status == 401, "no challenge to REGISTER")
    chal = sk.pick_challenge(first, prefer="MD5")
    auth = sk.digest_authorization(chal, "REGISTER", "sip:localhost", ua.user, "right-pw-carol")
    request = ua.register_request(authorization=auth)
    for attempt_no in (1, 2, 3):
        ua.send(request)
        resp = ua.final_response(ua.call_id, ua.cseq)
        sk.check(resp is not None and resp.status == 200,
                 f"authenticated REGISTER, copy {attempt_no}: got {resp and resp.first!r}, want 200")


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work, log_level="debug"))
        srv.add_sip_user("carol", "right-pw-carol")
        srv.add_sip_user("dave", "right-pw-dave")
        srv.start()
        ua = sk.UdpUA(srv.udp, "carol", "right-pw-carol")
        c.add(ua.close)
        seen = []
        for algorithm in ("SHA-256", "MD5"):
            for wrong in ("wrong-pw", "", "right-pw-caro", "right-pw-carol "):
                resp = attempt(ua, wrong, algorithm)
                seen.append(resp.status)
                sk.check(resp.status == 401,
                         f"{algorithm} wrong password {wrong!r}: got {resp.status}, want 401")
                sk.check(resp.all("www-authenticate"), "the second 401 has no new challenge")
        # Right password, but something else is off: never a 2xx.
        odd = [("carol's credentials for dave's AOR", dict(auth_user="carol"), {403}),
               ("digest uri is not the Request-URI", dict(digest_uri="sip:evil.example"), {401, 400}),
               ("foreign realm", dict(realm="evil.example"), {401, 400})]
        sent = []
        for what, kw, want in odd:
            ua.user = "dave" if "dave" in what else "carol"
            password = "right-pw-carol"
            resp = attempt(ua, password, "MD5", sent=sent, **kw)
            sk.check(resp.status in want, f"{what}: got {resp.first!r}, want {sorted(want)}")
        ua.user = "carol"
        for algorithm in ("SHA-256", "MD5"):
            resp = attempt(ua, "right-pw-carol", algorithm, sent=sent)
            sk.check(resp.status == 200,
                     f"{algorithm} right password: got {resp.status} {resp.first!r}, want 200")
            contacts = " ".join(resp.all("contact"))
            sk.check(f"{sk.HOST}:{ua.port}" in contacts,
                     f"the 200 does not list our contact: {contacts!r}")
        check_retransmission(ua)
        # A replay of the accepted Authorization (same nonce, same nc) in a new
        # transaction is not a new proof of the password (RFC 7616 3.4.5).
        ua.send(ua.register_request(authorization=sent[-1]))
        replay = ua.final_response(ua.call_id, ua.cseq)
        sk.check(replay is not None and replay.status in (401, 403),
                 f"replayed Authorization: got {replay and replay.first!r}, want 401")
        logged = srv.log_text()
        for secret in ["right-pw-carol", "right-pw-dave", "wrong-pw"] + \
                [sk.parse_challenge(a)["response"] for a in sent]:
            sk.check(secret not in logged, f"the server log holds a secret: {secret!r}")
        sk.check(srv.alive(), "server died")
        return ("8 wrong passwords -> 401, cross-account -> 403, bad uri/realm/replay -> 401, "
                "right password -> 200 (SHA-256 and MD5), its retransmissions -> 200, "
                "no secret in the log")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
