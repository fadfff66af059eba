#!/usr/bin/env python3
"""robust_garbage_flood: a real `parley serve` (max_connections 50,
idle_timeout 2 s, max_message_size 4096) takes, in turn:

  1. a few thousand random datagrams (bytes, text, SIP-looking, mutated
     REGISTERs, keep-alives);
  2. every truncation of a valid request over UDP (a cut inside the body is
     answered 400: Content-Length larger than the datagram);
  3. an oversized UDP request with a Via (513), an oversized TCP request;
  4. a header-count bomb and a Via-list bomb;
  5. huge Content-Length values over TCP (the connection is closed);
  6. a forged response whose top Via names the test, not the server (it must
     be dropped, never reflected: RFC 3261 18.1.2);
  7. 80 TCP connections against a limit of 50 (the extra ones are closed,
     the server keeps answering UDP and the connections it kept; after they
     go, a new connection is served);
  8. TLS: garbage inside a session and plain text on the TLS port close
     the connection; a new TLS session is still answered;
  9. slowloris: connections that stop in the middle of the headers are
     closed by the idle timeout.

Then: the process is alive and idle (under 50% CPU over 1 s), alice's registration made before the flood still
routes a MESSAGE from bob to alice's socket, and a new REGISTER gets 200.
The random data is seeded (ROBUST_SEED, printed) so a failure can be replayed.

usage: test_garbage_flood.py PARLEY_BINARY
"""
import os
import random
import secrets
import socket
import ssl
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_garbage_flood"
MAX_CONNECTIONS = 50
IDLE_TIMEOUT = 2
MAX_MESSAGE = 4096
GARBAGE_COUNT = 3000
ERROR_STATUSES = {400, 413, 416, 420, 494, 505, 513}


def options(port, transport="UDP", extra_headers=(), body="", call_id=None):
    """An OPTIONS to the server itself (answered locally, no auth needed)."""
    call_id = call_id or secrets.token_hex(8) + "@flood"
    headers = [("Via", f"SIP/2.0/{transport} {sk.HOST}:{port};rport;branch={sk.new_branch()}"),
               ("Max-Forwards", "70"), ("From", f"<sip:flood@localhost>;tag={secrets.token_hex(3)}"),
               ("To", "<sip:localhost>"), ("Call-ID", call_id), ("CSeq", "1 OPTIONS"),
               *extra_headers]
    return call_id, sk.build_request("OPTIONS", "sip:localhost", headers, body)


def udp_probe(srv, problems, what):
    """An OPTIONS over UDP must be answered: the server is alive and responsive."""
    ua = sk.UdpUA(srv.udp, "probe", "x")
    try:
        call_id, data = options(ua.port)
        ua.send(data)
        r = ua.final_response(call_id, 1, 5.0)
        if r is None:
            problems.append(f"{what}: no answer to an OPTIONS over UDP")
        return r
    finally:
        ua.close()


def garbage(rng, template):
    kind = rng.randrange(6)
    n = rng.randrange(1, 1400)
    if kind == 0:
        return rng.randbytes(n)
    if kind == 1:
        return bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz:;,<>@\" \r\n\t=0123456789") for _ in range(n))
    if kind == 2:
        method = rng.choice([b"INVITE", b"REGISTER", b"OPTIONS", b"SIP/2.0", b"ACK", b"BYE", b"X"])
        return method + b" " + rng.randbytes(n)
    if kind == 3:  # a valid request with a few bytes flipped
        b = bytearray(template)
        for _ in range(rng.randrange(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 4:  # a valid request with a random slice spliced in
        i = rng.randrange(len(template))
        return template[:i] + rng.randbytes(rng.randrange(1, 64)) + template[i:]
    return rng.choice([b"\r\n\r\n", b"\r\n", b"\x00\x00\x00\x00", b" ", b""]) or b"\r\n"


def drain(sock):
    """Reads what is queued on SOCK (non-blocking); returns parsed messages."""
    out = []
    sock.setblocking(False)
    try:
        while True:
            data, _ = sock.recvfrom(65535)
            m = sk.parse(data)
            if m is not None:
                out.append(m)
    except BlockingIOError:
        pass
    finally:
        sock.setblocking(True)
    return out


def phase_garbage(srv, rng, problems):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sk.HOST, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    _, template = options(s.getsockname()[1], body="hello")
    answers = []
    for i in range(GARBAGE_COUNT):
        s.sendto(garbage(rng, template), srv.udp)
        if i % 200 == 199:
            answers += drain(s)
            if not srv.alive():
                problems.append(f"garbage: server died after {i + 1} datagrams")
                return
    answers += drain(s)
    s.close()
    bad = [m.first for m in answers if m.is_response and m.status < 400 and m.status != 200]
    sk.log(f"garbage: {GARBAGE_COUNT} datagrams, {len(answers)} answers")
    if bad:
        problems.append(f"garbage: odd answers {bad[:5]}")
    udp_probe(srv, problems, "after the garbage")


def phase_truncated(srv, problems):
    ua = sk.UdpUA(srv.udp, "trunc", "x")
    try:
        call_id, full = options(ua.port, extra_headers=[("Content-Type", "text/plain")],
                                body="0123456789" * 20)
        head_end = full.index(b"\r\n\r\n") + 4
        for cut in range(1, len(full), 3):
            ua.send(full[:cut])
        # A cut inside the body leaves a complete head whose Content-Length
        # promises more than the datagram holds: 400 (RFC 3261 18.3).
        ua.send(full[:head_end + 50])
        r = ua.wait_for(lambda m: m.is_response and m.call_id == call_id and m.status == 400, 5.0)
        if r is None:
            problems.append("truncated: a request cut inside its body was not answered 400")
        for m in ua.inbox:
            if m.is_response and m.call_id == call_id and m.status < 300:
                problems.append(f"truncated: a truncated request was accepted: {m.first}")
                break
    finally:
        ua.close()


def phase_oversized(srv, problems):
    ua = sk.UdpUA(srv.udp, "big", "x")
    try:
        call_id, big = options(ua.port, extra_headers=[("Content-Type", "text/plain")],
                               body="x" * (MAX_MESSAGE + 2000))
        ua.send(big)
        r = ua.final_response(call_id, 1, 5.0)
        if r is None or r.status != 513:
            problems.append(f"oversized UDP request: want 513, got {r and r.first}")
        # Header-count bomb: 550 tiny headers (small enough to fit the size limit).
        call_id, bomb = options(ua.port, extra_headers=[("X", str(i % 10)) for i in range(550)])
        if len(bomb) < MAX_MESSAGE:
            ua.send(bomb)
            r = ua.final_response(call_id, 1, 5.0)
            if r is None or r.status not in ERROR_STATUSES:
                problems.append(f"header-count bomb ({len(bomb)} bytes): want an error status, "
                                f"got {r and r.first}")
        else:
            problems.append(f"header-count bomb is {len(bomb)} bytes, over the size limit")
        # Via-list bomb: 150 Via values in one header.
        vias = ",".join(f"SIP/2.0/UDP 10.0.{i // 250}.{i % 250};branch=z9hG4bK{i}" for i in range(150))
        call_id, vb = options(ua.port, extra_headers=[("Via", vias)])
        if len(vb) < MAX_MESSAGE * 2:
            ua.send(vb)
            r = ua.final_response(call_id, 1, 3.0)
            if r is not None and r.status < 300:
                sk.log(f"via bomb accepted: {r.first}")
    finally:
        ua.close()
    # Oversized over TCP: a framing error, the connection is closed.
    with socket.create_connection((sk.HOST, srv.sip_port), timeout=5) as s:
        _, big = options(s.getsockname()[1], "TCP", [("Content-Type", "text/plain")],
                         "y" * (MAX_MESSAGE + 2000))
        try:
            s.sendall(big)
        except OSError:
            pass
        if not sk.wait_closed(s, 5.0):
            problems.append("oversized TCP request: connection not closed")


def phase_huge_content_length(srv, problems):
    for value in ("99999999999999999999999", "4294967296", "2000000000", str(MAX_MESSAGE * 4)):
        with socket.create_connection((sk.HOST, srv.sip_port), timeout=5) as s:
            call_id, req = options(s.getsockname()[1], "TCP")
            req = req.replace(b"Content-Length: 0", b"Content-Length: " + value.encode())
            s.sendall(req + b"short body")
            if not sk.wait_closed(s, 5.0):
                problems.append(f"TCP Content-Length {value}: connection not closed")
    if not srv.alive():
        problems.append("server died on a huge Content-Length")


def phase_reflection(srv, problems):
    """A response for nobody, whose top Via names the test's socket."""
    victim = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    victim.bind((sk.HOST, 0))
    vport = victim.getsockname()[1]
    attacker = sk.UdpUA(srv.udp, "attacker", "x")
    try:
        forged = (f"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP {sk.HOST}:{vport};branch={sk.new_branch()}\r\n"
                  f"From: <sip:a@localhost>;tag=1\r\nTo: <sip:b@localhost>;tag=2\r\n"
                  f"Call-ID: reflect-{secrets.token_hex(4)}\r\nCSeq: 1 MESSAGE\r\n"
                  f"Content-Length: 0\r\n\r\n").encode()
        attacker.send(forged)
        # The same socket asks a question afterwards: once its answer is in,
        # a relayed response would have been sent already (one core thread).
        call_id, probe = options(attacker.port)
        attacker.send(probe)
        attacker.final_response(call_id, 1, 5.0)
        victim.settimeout(0.3)
        try:
            data, _ = victim.recvfrom(65535)
            first_line = data.split(b"\r\n", 1)[0]
            problems.append(f"reflection: a response for nobody was relayed to its Via: "
                            f"{first_line!r}")
        except socket.timeout:
            pass
    finally:
        victim.close()
        attacker.close()


def phase_connection_limit(srv, problems):
    conns = []
    try:
        for _ in range(MAX_CONNECTIONS + 30):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(5)
            s.connect((sk.HOST, srv.sip_port))
            conns.append(s)
        end = time.monotonic() + 5.0
        closed = set()
        while time.monotonic() < end and len(closed) < 30:
            for i, s in enumerate(conns):
                if i not in closed and not sk.is_open_now(s):
                    closed.add(i)
            if len(closed) < 30:
                time.sleep(0.02)
        still_open = [s for i, s in enumerate(conns) if i not in closed and sk.is_open_now(s)]
        sk.log(f"connections: {len(conns)} opened, {len(closed)} refused, {len(still_open)} open")
        if len(closed) < 30:
            problems.append(f"connection limit {MAX_CONNECTIONS}: only {len(closed)} of "
                            f"{len(conns)} connections were refused")
        if len(still_open) > MAX_CONNECTIONS:
            problems.append(f"connection limit {MAX_CONNECTIONS}: {len(still_open)} stay open")
        udp_probe(srv, problems, "with all connections taken")
        # A kept connection still works.
        if still_open:
            s = still_open[0]
            call_id, req = options(s.getsockname()[1], "TCP")
            s.sendall(req)
            reader, got, end = sk.StreamReader(), None, time.monotonic() + 5
            while got is None and time.monotonic() < end:
                try:
                    data = s.recv(65536)
                except socket.timeout:
                    break
                if not data:
                    break
                for m in reader.feed(data):
                    if m.is_response and m.call_id == call_id:
                        got = m
            if got is None or got.status >= 300:
                problems.append(f"a connection inside the limit got no answer: {got and got.first}")
    finally:
        for s in conns:
            s.close()
    # The slots come back: a fresh connection is served (wait for the server to see the closes).
    end = time.monotonic() + 5
    while True:
        ok = tcp_options_ok(srv)
        if ok or time.monotonic() >= end:
            break
    if not ok:
        problems.append("after the connection flood, a new TCP connection is not served")


def tcp_options_ok(srv):
    try:
        with socket.create_connection((sk.HOST, srv.sip_port), timeout=2) as s:
            call_id, req = options(s.getsockname()[1], "TCP")
            s.sendall(req)
            reader, end = sk.StreamReader(), time.monotonic() + 2
            while time.monotonic() < end:
                data = s.recv(65536)
                if not data:
                    return False
                for m in reader.feed(data):
                    if m.is_response and m.call_id == call_id:
                        return m.status < 300
    except OSError:
        return False
    return False


def phase_tls_garbage(srv, rng, problems):
    """Garbage inside an established TLS session, then a valid OPTIONS on a new one."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the server's self-signed development certificate
    sessions = []
    try:
        # Both at once: neither completes a message, so the idle timeout may be what closes them.
        for payload in (rng.randbytes(3000), b"INVITE \x00\xff sip:\r\n\r\n" * 20):
            tcp = socket.create_connection((sk.HOST, srv.tls_port), timeout=5)
            s = ctx.wrap_socket(tcp, server_hostname="localhost")
            sessions.append(s)
            try:
                s.sendall(payload)
            except OSError:
                pass
        for s in sessions:
            if not sk.wait_closed(s, IDLE_TIMEOUT + 3.0):
                problems.append("TLS: garbage in a session did not close the connection")
    finally:
        for s in sessions:
            s.close()
    # Not TLS at all on the TLS port.
    with socket.create_connection((sk.HOST, srv.tls_port), timeout=5) as s:
        s.sendall(b"OPTIONS sip:localhost SIP/2.0\r\n\r\n" * 10)
        if not sk.wait_closed(s, 5.0):
            problems.append("TLS: plain text on the TLS port did not close the connection")
    with socket.create_connection((sk.HOST, srv.tls_port), timeout=5) as tcp:
        with ctx.wrap_socket(tcp, server_hostname="localhost") as s:
            call_id, req = options(s.getsockname()[1], "TLS")
            s.sendall(req)
            reader, got, end = sk.StreamReader(), None, time.monotonic() + 5
            while got is None and time.monotonic() < end:
                try:
                    data = s.recv(65536)
                except (socket.timeout, ssl.SSLError):
                    break
                if not data:
                    break
                got = next((m for m in reader.feed(data) if m.call_id == call_id), None)
            if got is None or got.status >= 300:
                problems.append(f"TLS: OPTIONS after the garbage got {got and got.first}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_idle_cpu(srv, problems):
    """After the flood the server must go idle (no busy loop on a dead socket)."""
    before, t0 = cpu_seconds(srv.proc.pid), time.monotonic()
    time.sleep(1.0)  # a measurement window, not a synchronisation
    used = cpu_seconds(srv.proc.pid) - before
    share = used / (time.monotonic() - t0)
    sk.log(f"idle CPU after the flood: {share:.0%}")
    if share > 0.5:
        problems.append(f"server busy after the flood: {share:.0%} CPU while idle")


def phase_slowloris(srv, problems):
    conns = []
    partial = (f"OPTIONS sip:localhost SIP/2.0\r\nVia: SIP/2.0/TCP {sk.HOST}:1;branch=z9hG4bKslow\r\n"
               f"From: <sip:slow@localhost>;tag=1\r\nTo: <sip:localhost>\r\nCall-ID: slow").encode()
    try:
        for _ in range(5):
            s = socket.create_connection((sk.HOST, srv.sip_port), timeout=5)
            s.sendall(partial)
            conns.append(s)
        t0 = time.monotonic()
        limit = IDLE_TIMEOUT + 4
        for i, s in enumerate(conns):
            if not sk.wait_closed(s, max(0.1, t0 + limit - time.monotonic())):
                problems.append(f"slowloris: connection {i} with partial headers still open "
                                f"after {limit} s (idle_timeout {IDLE_TIMEOUT} s)")
        took = time.monotonic() - t0
        sk.log(f"slowloris: partial-header connections closed after {took:.1f}s")
        if took < IDLE_TIMEOUT * 0.5:
            problems.append(f"slowloris: closed after {took:.1f}s, before the idle timeout")
    finally:
        for s in conns:
            s.close()


def body(work):
    binary = sys.argv[1]
    seed = int(os.environ.get("ROBUST_SEED", str(int(time.time()))))
    sk.log(f"seed {seed} (ROBUST_SEED={seed} replays it)")
    rng = random.Random(seed)
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work, max_connections=MAX_CONNECTIONS,
                                       idle_timeout=IDLE_TIMEOUT, max_message_size=MAX_MESSAGE))
        for name in ("alice", "bob", "carol"):
            srv.add_sip_user(name, f"pw-{name}-flood")
        srv.start()
        alice = sk.UdpUA(srv.udp, "alice", "pw-alice-flood")
        bob = sk.UdpUA(srv.udp, "bob", "pw-bob-flood")
        c.add(alice.close)
        c.add(bob.close)
        for ua in (alice, bob):
            _, ok = ua.register(expires=600)
            sk.check(ok.status == 200, f"REGISTER {ua.user} before the flood: {ok.status}")

        problems = []
        phases = [("garbage", lambda: phase_garbage(srv, rng, problems)),
                  ("truncated", lambda: phase_truncated(srv, problems)),
                  ("oversized", lambda: phase_oversized(srv, problems)),
                  ("content-length", lambda: phase_huge_content_length(srv, problems)),
                  ("reflection", lambda: phase_reflection(srv, problems)),
                  ("connections", lambda: phase_connection_limit(srv, problems)),
                  ("tls", lambda: phase_tls_garbage(srv, rng, problems)),
                  ("slowloris", lambda: phase_slowloris(srv, problems))]
        for name, run in phases:
            t0 = time.monotonic()
            run()
            sk.log(f"phase {name}: {time.monotonic() - t0:.1f}s")
            sk.check(srv.alive(), f"server died in phase {name}; log:\n{srv.log_tail()}")

        check_idle_cpu(srv, problems)
        # alice's binding from before the flood still routes bob's MESSAGE.
        text = "after-flood-" + secrets.token_hex(6)
        started = bob.start_message("alice", text)
        got = alice.expect_message(text)
        resp = bob.finish_message(started)
        if got is None:
            problems.append(f"MESSAGE bob->alice after the flood did not arrive (answer "
                            f"{resp and resp.first})")
        elif resp is None or resp.status != 200:
            problems.append(f"MESSAGE bob->alice after the flood: answer {resp and resp.first}")
        carol = sk.UdpUA(srv.udp, "carol", "pw-carol-flood")
        c.add(carol.close)
        first, final = carol.register()
        if (first.status, final.status) != (401, 200):
            problems.append(f"new REGISTER after the flood: {first.status} then {final.status}")
        exceptions = [l for l in srv.log_text().splitlines() if "inbound_exception" in l]
        if exceptions:
            problems.append(f"server logged {len(exceptions)} inbound_exception: {exceptions[:3]}")
        sk.check(srv.alive(), "server died")
        if problems:
            raise sk.TestFailure(f"{len(problems)} problem(s) (seed {seed}):\n  " +
                                 "\n  ".join(problems))
        return f"seed {seed}: all phases survived, registration kept, new REGISTER ok"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
