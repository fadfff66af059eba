#!/usr/bin/env python3
"""robust_slowloris_trickle: connections that never finish their headers but
send one byte every 0.5 s (well inside idle_timeout 2 s) must still be closed
in bounded time, otherwise MAX_CONNECTIONS of them lock every TCP client out.

The test fills all 20 connection slots with such trickling connections and
requires that within 10 s they are closed and a well-behaved TCP client is
served again. The plain idle case (partial headers, then silence) is in
robust_garbage_flood.

usage: test_slowloris_trickle.py PARLEY_BINARY
"""
import os
import socket
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402
from test_garbage_flood import tcp_options_ok  # noqa: E402

NAME = "robust_slowloris_trickle"
MAX_CONNECTIONS = 20
IDLE_TIMEOUT = 2
DEADLINE = 10.0
TRICKLE_EVERY = 0.5


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work, max_connections=MAX_CONNECTIONS,
                                       idle_timeout=IDLE_TIMEOUT))
        srv.start()
        head = (f"OPTIONS sip:localhost SIP/2.0\r\nVia: SIP/2.0/TCP {sk.HOST}:1;branch=z9hG4bKtr\r\n"
                "X-Slow: ").encode()
        conns = []
        c.add(lambda: [s.close() for s in conns])
        for _ in range(MAX_CONNECTIONS):
            s = socket.create_connection((sk.HOST, srv.sip_port), timeout=5)
            s.sendall(head)
            conns.append(s)
        sk.log(f"all {MAX_CONNECTIONS} slots taken; a new TCP client served now: {tcp_options_ok(srv)}")
        t0 = time.monotonic()
        open_ = list(conns)
        served = False
        while time.monotonic() - t0 < DEADLINE:
            tick = time.monotonic()
            for s in list(open_):
                if not sk.is_open_now(s):
                    open_.remove(s)
                    continue
                try:
                    s.sendall(b"a")
                except OSError:
                    open_.remove(s)
            if not open_ and tcp_options_ok(srv):
                served = True
                break
            left = TRICKLE_EVERY - (time.monotonic() - tick)
            if left > 0:
                time.sleep(left)  # the attacker's pace, not a synchronisation
        took = time.monotonic() - t0
        sk.log(f"after {took:.1f}s: {len(open_)} of {MAX_CONNECTIONS} trickling connections open")
        sk.check(srv.alive(), "server died")
        sk.check(not open_, f"{len(open_)} of {MAX_CONNECTIONS} connections sending one header "
                 f"byte every {TRICKLE_EVERY}s were still open after {DEADLINE:.0f}s "
                 f"(idle_timeout {IDLE_TIMEOUT}s): slowloris holds every connection slot")
        sk.check(served, "trickling connections closed, but a new TCP client is not served")
        return f"trickling connections closed after {took:.1f}s, TCP served again"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
