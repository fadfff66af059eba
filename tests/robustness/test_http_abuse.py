#!/usr/bin/env python3
"""robust_http_abuse: the web port under hostile input. Random garbage,
malformed request lines, oversized headers and bodies, broken and foreign
WebSocket upgrades, junk logins and a connection flood beyond
http.max_connections must each get their HTTP error (400/401/403/413/431/503
with a JSON body) or a closed connection, never take the server down, and
leave it answering ordinary requests afterwards.

usage: test_http_abuse.py PARLEY_BINARY
"""
import json
import os
import random
import socket
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_http_abuse"
MAX_CONNECTIONS = 40


def exchange(port, data, timeout=5.0):
    """Sends DATA on a fresh connection; returns (status or None, body bytes)."""
    s = socket.create_connection((sk.HOST, port), timeout=timeout)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    if not out.startswith(b"HTTP/1.1 "):
        return None, out
    head, _, body = out.partition(b"\r\n\r\n")
    return int(head[9:12]), body


def expect_error(port, data, statuses, code=None):
    status, body = exchange(port, data)
    sk.check(status in statuses, f"{data[:60]!r}...: status {status}, wanted one of {statuses}")
    if code is not None:
        err = json.loads(body.decode())["error"]
        sk.check(err["code"] == code, f"{data[:60]!r}: error code {err['code']}, wanted {code}")


def version_ok(port):
    status, body = exchange(port, b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return status == 200 and json.loads(body.decode()).get("api") == 1


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = sk.ParleyServer(binary, work, with_tls=False)
        with open(srv.config) as f:
            text = f.read()
        with open(srv.config, "w") as f:
            f.write(text.replace("[http]\n", f"[http]\nmax_connections = {MAX_CONNECTIONS}\n"))
        c.server(srv)
        srv.start()
        port = srv.http_port
        sk.check(version_ok(port), "server does not answer before the abuse")

        rng = random.Random(4475)
        for _ in range(150):
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
            exchange(port, junk + b"\r\n\r\n", timeout=3)
        sk.check(srv.alive(), "server died on random bytes")

        expect_error(port, b"GARBAGE\r\n\r\n", {400}, "bad_request")
        expect_error(port, b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", {400, 505})
        expect_error(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n",
                     {431}, "too_large")
        expect_error(port, b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n",
                     {413}, "too_large")
        expect_error(port, b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{\"user\":[",
                     {400}, "bad_request")
        expect_error(port, b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", {400, 404})
        upgrade = (b"GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                   b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                   b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
        expect_error(port, upgrade + b"Origin: http://evil.example\r\n\r\n", {403}, "bad_origin")
        own = f"Origin: http://127.0.0.1:{port}\r\n".encode()
        expect_error(port, upgrade.replace(b"Host: 127.0.0.1", f"Host: 127.0.0.1:{port}".encode())
                     + own + b"\r\n", {401}, "missing_signature")
        sk.check(srv.alive(), "server died on malformed requests")

        # A flood past the connection limit: the extra ones are refused, and
        # once the flood is gone ordinary requests are served again.
        flood = []
        c.add(lambda: [s.close() for s in flood])
        for _ in range(MAX_CONNECTIONS + 20):
            try:
                flood.append(socket.create_connection((sk.HOST, port), timeout=2))
            except OSError:
                break
        refused = 0
        for s in flood[MAX_CONNECTIONS:]:
            if not sk.is_open_now(s) or sk.wait_closed(s, 3.0):
                refused += 1
        sk.log(f"{len(flood)} connections opened, {refused} of the extra ones refused or closed")
        sk.check(refused >= 15, f"only {refused} of 20 connections over max_connections were refused")
        for s in flood:
            s.close()
        flood.clear()
        served = any(version_ok(port) for _ in range(20))
        sk.check(srv.alive(), "server died under the connection flood")
        sk.check(served, "ordinary requests not served after the flood")
        return "every abuse answered with its error or closed; server alive and serving"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
