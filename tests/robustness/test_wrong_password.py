#!/usr/bin/env python3
"""robust_wrong_password: a REGISTER answered with a wrong password gets a new
401 challenge (never a 2xx), for both digest algorithms the server offers;
then the right password gets 200 and the binding is listed in the 200.

usage: test_wrong_password.py PARLEY_BINARY
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_wrong_password"


def attempt(ua, password, algorithm):
    """One challenge/response round; returns the status of the answer to the credentials."""
    ua.send(ua.register_request())
    first = ua.final_response(ua.call_id, ua.cseq)
    sk.check(first is not None, "no answer to REGISTER")
    sk.check(first.status == 401, f"REGISTER without credentials got {first.status}, want 401")
    algos = [sk.parse_challenge(v).get("algorithm", "MD5").upper()
             for v in first.all("www-authenticate")]
    sk.check(algorithm in algos, f"no {algorithm} challenge in the 401 (got {algos})")
    chal = sk.pick_challenge(first, prefer=algorithm)
    sk.check(chal.get("qop", "").find("auth") >= 0, f"challenge without qop=auth: {chal}")
    auth = sk.digest_authorization(chal, "REGISTER", "sip:localhost", ua.user, password)
    ua.send(ua.register_request(authorization=auth))
    second = ua.final_response(ua.call_id, ua.cseq)
    sk.check(second is not None, "no answer to REGISTER with credentials")
    return second


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work))
        srv.add_sip_user("carol", "right-pw-carol")
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
        for algorithm in ("SHA-256", "MD5"):
            resp = attempt(ua, "right-pw-carol", algorithm)
            sk.check(resp.status == 200,
                     f"{algorithm} right password: got {resp.status} {resp.first!r}, want 200")
            contacts = " ".join(resp.all("contact"))
            sk.check(f"{sk.HOST}:{ua.port}" in contacts,
                     f"the 200 does not list our contact: {contacts!r}")
        sk.check(srv.alive(), "server died")
        return f"8 wrong passwords -> 401 each, right password -> 200 (SHA-256 and MD5)"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
