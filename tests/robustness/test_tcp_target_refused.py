#!/usr/bin/env python3
"""robust_tcp_target_refused: when the server cannot even connect to a TCP
target (connection refused), the request fails at once (RFC 3261 17.1.4:
a transport failure is reported to the transaction user at once, which
treats it as a 503 from that branch), not after Timer F (32 s).

  1. a trusted peer MESSAGEs sip:nobody@127.0.0.1:CLOSED;transport=tcp
     (a port nobody listens on);
  2. alice registers over TCP, the server restarts (the binding is restored,
     its connection is gone and her port is closed), a trusted peer
     MESSAGEs alice.

Each must get a final response (>= 400) within 8 s.

usage: test_tcp_target_refused.py PARLEY_BINARY
"""
import os
import secrets
import socket
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_tcp_target_refused"
PROMPT = 8.0


def closed_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((sk.HOST, 0))
    port = s.getsockname()[1]
    s.close()  # bound, never listening, now released: connect is refused
    return port


def tcp_register(srv, user, password):
    """REGISTER over a TCP connection (digest); returns the open socket."""
    s = socket.create_connection((sk.HOST, srv.sip_port), timeout=5)
    port, reader, call_id, auth = s.getsockname()[1], sk.StreamReader(), secrets.token_hex(6), None
    for cseq in (1, 2):
        headers = [("Via", f"SIP/2.0/TCP {sk.HOST}:{port};rport;branch={sk.new_branch()}"),
                   ("Max-Forwards", "70"), ("From", f"<sip:{user}@localhost>;tag=t{cseq}"),
                   ("To", f"<sip:{user}@localhost>"), ("Call-ID", call_id),
                   ("CSeq", f"{cseq} REGISTER"),
                   ("Contact", f"<sip:{user}@{sk.HOST}:{port};transport=tcp>"), ("Expires", "600")]
        if auth:
            headers.append(("Authorization", auth))
        s.sendall(sk.build_request("REGISTER", "sip:localhost", headers))
        final, end = None, time.monotonic() + 5
        while final is None and time.monotonic() < end:
            data = s.recv(65536)
            sk.check(data, "server closed the TCP connection during REGISTER")
            final = next((m for m in reader.feed(data) if m.is_response and m.status >= 200), None)
        sk.check(final is not None, "no answer to REGISTER over TCP")
        if final.status == 200:
            return s
        sk.check(final.status == 401 and auth is None, f"REGISTER over TCP: {final.first}")
        auth = sk.digest_authorization(sk.pick_challenge(final), "REGISTER", "sip:localhost",
                                       user, password)
    raise sk.TestFailure("REGISTER over TCP did not succeed")


def timed_message(peer, ruri_user, ruri):
    """MESSAGE to RURI; returns (final response or None, seconds)."""
    peer.cseq += 1
    call_id = secrets.token_hex(8) + "@trunk"
    headers = [("Via", f"SIP/2.0/UDP {sk.HOST}:{peer.port};rport;branch={sk.new_branch()}"),
               ("Max-Forwards", "70"), ("From", f"<sip:trunk@localhost>;tag={secrets.token_hex(3)}"),
               ("To", f"<{ruri}>"), ("Call-ID", call_id), ("CSeq", f"{peer.cseq} MESSAGE"),
               ("Content-Type", "text/plain")]
    t0 = time.monotonic()
    peer.send(sk.build_request("MESSAGE", ruri, headers, "hello " + ruri_user))
    r = peer.final_response(call_id, peer.cseq, PROMPT)
    return r, time.monotonic() - t0


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work, trusted=["127.0.0.1/32"]))
        srv.add_sip_user("alice", "pw-alice-tcp")
        srv.start()
        peer = sk.UdpUA(srv.udp, "trunk", "x")
        c.add(peer.close)
        problems = []

        ruri = f"sip:nobody@{sk.HOST}:{closed_port()};transport=tcp"
        r, took = timed_message(peer, "nobody", ruri)
        sk.log(f"to a refused TCP port: {r and r.first!r} after {took:.1f}s")
        if r is None or r.status < 400:
            problems.append(f"MESSAGE to {ruri}: {r and r.first!r} after {took:.1f}s, want a "
                            f"final error within {PROMPT:.0f}s (connection refused)")

        s = tcp_register(srv, "alice", "pw-alice-tcp")
        rc = srv.stop(grace=10)
        sk.check(rc == 0, f"exit {rc} on SIGTERM")
        s.close()  # her port is closed now: a new connection to it is refused
        srv.start()
        r, took = timed_message(peer, "alice", "sip:alice@localhost")
        sk.log(f"to alice's restored TCP binding: {r and r.first!r} after {took:.1f}s")
        if r is None or r.status < 400:
            problems.append(f"MESSAGE to alice (restored TCP binding, connection refused): "
                            f"{r and r.first!r} after {took:.1f}s, want a final error within "
                            f"{PROMPT:.0f}s")
        sk.check(srv.alive(), "server died")
        if problems:
            raise sk.TestFailure("\n  ".join([""] + problems))
        return "refused TCP targets fail at once"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
