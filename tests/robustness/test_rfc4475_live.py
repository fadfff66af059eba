#!/usr/bin/env python3
"""robust_rfc4475_live: the 49 RFC 4475 torture messages, sent to a running
`parley serve` over UDP (all of them), TCP (the stream-sensitive ones and
those whose top Via says TCP) and TLS (bext01, whose Via says TLS).

The messages name hosts that do not exist (example.com, 192.0.2.x), and a
proxy answers to the top Via's sent-by port (5060, 5050, 5070) at the source
address. So the test runs in a network namespace of its own with only
loopback (`ip netns add parley-rt-PID`), where it may bind those ports to
catch every response, and where nothing can leak to a real network.

Checks: the status RFC 4475 (README.md next to the vectors) requires where
Parley, as a proxy/registrar for the domain "localhost", answers it; no
answer to invalid responses; accepted valid messages are never answered
400/505/513; the trailing INVITE of dblreq is ignored; stream framing errors
close the connection; afterwards the server is alive, logged no
inbound_exception, and a digest REGISTER still succeeds.

usage: test_rfc4475_live.py PARLEY_BINARY VECTOR_DIR
"""
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_rfc4475_live"
# Every sent-by port the vectors use, and 5080: mpart01 carries
# Route: <sip:127.0.0.1:5080>, so an open relay would forward it there.
VIA_PORTS = (5060, 5050, 5070, 5080)

# What Parley (proxy + registrar of "localhost"; every vector targets another
# domain) must answer over UDP. A set of allowed final statuses; None in the
# set means "no answer" is allowed too.
INVALID = {
    "badinv01": {400}, "clerr": {400}, "ncl": {400, None}, "scalar02": {400},
    "quotbal": {400}, "ltgtruri": {400}, "lwsruri": {400}, "baddn": {400},
    "badvers": {505}, "mismatch01": {400}, "mismatch02": {501, 400}, "insuf": {400},
    "unkscm": {416}, "novelsc": {416}, "multi01": {400},
    "mcl01": {400}, "zeromf": {483},
}
# Responses: a proxy drops the invalid ones; the valid ones are not for us
# (their next Via is not ours), so nothing may come back either.
DROPPED = {"scalarlg", "bigcode", "bcast", "unreason", "noreason"}
# Valid requests: parsed and answered, and never as a syntax error.
VALID = {"wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq",
         "semiuri", "transports", "mpart01", "invut", "regaut01", "cparam01", "cparam02",
         "regescrt", "sdp01", "inv2543"}
# RFC 4475 lets the element choose: reject, accept, or (carefully) repair.
# unksm2 (3.3.4) is for the registrar of example.com; Parley is not that
# registrar (its domain is localhost), so its 400/416 rule does not apply.
EITHER = {"lwsstart", "trws", "escruri", "baddate", "regbadct", "badaspec", "badbranch",
          "unksm2"}
SYNTAX_ERRORS = {400, 505, 513}
# Not checked over UDP: the Via says TLS, so the answer goes to a TLS port.
UDP_UNCHECKED = {"bext01"}

# Over TCP: name -> allowed statuses (None: no answer) and whether the
# connection must be closed by the server.
TCP_CASES = {
    "ncl": ({400, None}, True),        # RFC 4475 3.1.2.3: close over TCP
    "mcl01": ({400, None}, True),      # 3.3.9: close over TCP
    "esc02": ("valid", False), "intmeth": ("valid", False), "longreq": ("valid", False),
    "regaut01": ("valid", False), "wsinv": ("valid", False),
    "unkscm": ({416}, False), "novelsc": ({416}, False), "scalar02": ({400}, False),
    "scalarlg": ({None}, False), "trws": ("either", False),
}


def vector_keys(msg):
    """How responses to this vector are recognised: its Call-IDs, else its CSeq."""
    ids = set(msg.all("call-id"))
    return ids, (msg.cseq.strip() if not ids else None)


def matches(resp, keys):
    ids, cseq = keys
    if ids:
        return resp.call_id in ids
    return resp.call_id is None and resp.cseq.strip() == cseq


class Collector:
    """Every SIP message that reaches the test: on its UDP sockets, on TCP
    connections the server opens to the Via ports, and on the test's own
    connections to the server."""

    def __init__(self):
        self.udp = {}
        self.listeners = []
        self.streams = {}  # socket -> [label, StreamReader]
        self.got = []  # (label, Msg)
        self.closed = {}  # label -> monotonic time of the server's close
        for port in VIA_PORTS:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((sk.HOST, port))
            self.udp[port] = u
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((sk.HOST, port))
            t.listen(16)
            self.listeners.append(t)

    def close(self):
        for s in list(self.udp.values()) + self.listeners + list(self.streams):
            s.close()

    def add_stream(self, sock, label):
        self.streams[sock] = [label, sk.StreamReader()]

    def pump(self, timeout):
        socks = list(self.udp.values()) + self.listeners + list(self.streams)
        r, _, _ = select.select(socks, [], [], max(0.0, timeout))
        for s in r:
            if s in self.listeners:
                conn, peer = s.accept()
                self.add_stream(conn, f"tcp-in:{s.getsockname()[1]}")
            elif s in self.streams:
                label, reader = self.streams[s]
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self.closed.setdefault(label, time.monotonic())
                    del self.streams[s]
                    s.close()
                    continue
                for m in reader.feed(data):
                    self.got.append((label, m))
            else:
                data, _ = s.recvfrom(65535)
                m = sk.parse(data)
                if m is not None:
                    self.got.append((f"udp:{s.getsockname()[1]}", m))

    def wait(self, done, timeout):
        end = time.monotonic() + timeout
        while not done():
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.pump(min(left, 0.2))
        return True

    def finals(self, keys):
        return [m.status for _, m in self.got if m.is_response and m.status >= 200
                and matches(m, keys)]

    def anything(self, keys):
        return [m for _, m in self.got if matches(m, keys)]


def load_vectors(vdir):
    vectors = {}
    for f in sorted(os.listdir(vdir)):
        if f.endswith(".sip"):
            with open(os.path.join(vdir, f), "rb") as fh:
                raw = fh.read()
            vectors[f[:-4]] = (raw, sk.parse(raw))
    return vectors


def judge(name, allowed, finals, others, problems, where):
    """Appends a line to PROBLEMS when the answers to NAME break ALLOWED."""
    distinct = sorted(set(finals))
    if allowed == "valid":
        if not finals:
            problems.append(f"{where} {name}: valid message got no final response")
        elif set(finals) & SYNTAX_ERRORS:
            problems.append(f"{where} {name}: valid message answered {distinct}")
    elif allowed == "either":
        pass
    elif allowed == "drop":
        if others:
            problems.append(f"{where} {name}: must be dropped, got {[m.first for m in others]}")
    else:
        got = set(finals) if finals else {None}
        if not got <= allowed or len(distinct) > 1:
            problems.append(f"{where} {name}: want {sorted(allowed, key=str)}, got {distinct or 'nothing'}")


def transaction_key(msg):
    """RFC 3261 17.2.3: what makes a request a retransmission of another one
    (branch and sent-by of the top Via). Two vectors with one key in the same
    server run would be answered as one transaction (cparam01/cparam02 share
    it, as do escnull/regescrt and unkscm/novelsc), so they go to different
    rounds, with a server restart in between."""
    via = msg.get("via") or ""
    branch = re.search(r"branch=([^;,\s]*)", via, re.I)
    sent_by = re.match(r"\s*SIP\s*/\s*[\d.]+\s*/\s*\w+\s+([^;,\s]+)", via, re.I)
    if not branch:
        return ("no-branch", msg.call_id)
    return (branch.group(1).lower(), (sent_by.group(1) if sent_by else "").lower())


def plan_rounds(vectors):
    """Every (vector, transport) send, spread over as few rounds as possible."""
    sends = [(n, "udp") for n in vectors] + [(n, "tcp") for n in TCP_CASES] + \
        [("clerr", "tcp-hold"), ("bext01", "tls")]
    rounds = []
    for name, transport in sends:
        key = transaction_key(vectors[name][1])
        for r in rounds:
            if key not in r["keys"]:
                break
        else:
            r = {"keys": set(), "sends": []}
            rounds.append(r)
        r["keys"].add(key)
        r["sends"].append((name, transport))
    return [r["sends"] for r in rounds]


def udp_expectation(name, problems):
    if name in INVALID:
        return INVALID[name]
    if name in DROPPED:
        return "drop"
    if name in VALID:
        return "valid"
    if name in EITHER or name in UDP_UNCHECKED:
        return "either"
    problems.append(f"no expectation for vector {name}")
    return "either"


def tls_connect(srv):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the server's self-signed development certificate
    tcp = socket.create_connection((sk.HOST, srv.tls_port), timeout=5)
    return ctx.wrap_socket(tcp, server_hostname="localhost")


def run_round(col, srv, vectors, sends, problems, summary):
    """Sends one round's messages, waits for the answers they must get, judges."""
    mark = len(col.got)
    expect, must_close, held = {}, {}, None
    for name, transport in sends:
        raw = vectors[name][0]
        if transport == "udp":
            # Answers to a 5060 sent-by and to the source address meet here.
            col.udp[5060].sendto(raw, srv.udp)
            expect[(name, "udp")] = udp_expectation(name, problems)
        elif transport == "tcp":
            s = socket.create_connection((sk.HOST, srv.sip_port), timeout=5)
            s.sendall(raw)
            col.add_stream(s, f"tcp:{name}")
            allowed, close = TCP_CASES[name]
            expect[(name, "tcp")] = "drop" if allowed == {None} else allowed
            if close:
                must_close[name] = f"tcp:{name}"
        elif transport == "tcp-hold":
            # clerr (3.1.2.2): over a stream the server waits for the promised body.
            held = socket.create_connection((sk.HOST, srv.sip_port), timeout=5)
            held.sendall(raw)
            col.add_stream(held, "tcp:clerr")
        elif transport == "tls":
            s = tls_connect(srv)
            s.sendall(raw)
            col.add_stream(s, f"tls:{name}")
            expect[(name, "tls")] = {420}
        col.pump(0)

    def finals(name):
        return [m.status for _, m in col.got[mark:] if m.is_response and m.status >= 200
                and matches(m, vector_keys(vectors[name][1]))]

    def answered(item):
        (name, _), allowed = item
        if allowed == "valid" or (isinstance(allowed, set) and None not in allowed):
            return bool(finals(name))
        return True

    col.wait(lambda: all(answered(i) for i in expect.items()) and
             all(label in col.closed for label in must_close.values()), 5.0)
    col.pump(0.3)  # what may stay unanswered had as long as the rest, plus this
    for (name, where), allowed in expect.items():
        keys = vector_keys(vectors[name][1])
        got = [m for _, m in col.got[mark:] if matches(m, keys)]
        judge(name, allowed, finals(name), got, problems, where)
        summary.append(f"{where}:{name}={sorted(set(finals(name)), key=str) or '-'}")
    for name, label in must_close.items():
        if label not in col.closed:
            problems.append(f"tcp {name}: connection not closed after a framing error")
    for label, m in col.got[mark:]:
        if label == "tls:bext01" and m.is_response and m.status == 420:
            unsupported = " ".join(m.all("unsupported"))
            if "noProxiesSupportThis" not in unsupported or \
                    "norDoAnyProxiesSupportThis" not in unsupported:
                problems.append(f"tls bext01: 420 Unsupported is {unsupported!r}")
    # dblreq (3.1.1.8): the bytes after the REGISTER are never a request.
    if col.anything(({"dblreq.0ha0isnda977644900765@192.0.2.15"}, None)):
        problems.append("udp dblreq: the trailing INVITE was processed")
    # Nobody here authenticated, so no vector may be forwarded (no open relay):
    # a request reaching the test's sockets was relayed by the server.
    relayed = {(label, m.first) for label, m in col.got[mark:] if not m.is_response}
    for label, first in sorted(relayed):
        problems.append(f"{label}: the server forwarded an unauthenticated request: {first!r}")
    if held is not None:
        if any(l == "tcp:clerr" and m.is_response for l, m in col.got[mark:]):
            problems.append("tcp clerr: answered before the promised body arrived")
        if "tcp:clerr" in col.closed:
            problems.append("tcp clerr: closed at once; a stream must wait for the body")
        # The body never comes: the idle timeout (3 s) must close the connection.
        elif not col.wait(lambda: "tcp:clerr" in col.closed, 8.0):
            problems.append("tcp clerr: the incomplete message was never closed (idle_timeout 3 s)")


def inner(work):
    binary, vdir = sys.argv[2], sys.argv[3]
    vectors = load_vectors(vdir)
    sk.check(len(vectors) >= 49, f"only {len(vectors)} vectors in {vdir}")
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work, idle_timeout=3))
        srv.add_sip_user("rtuser", "pw-rtuser-4475")
        col = Collector()
        c.add(col.close)
        problems, summary = [], []
        rounds = plan_rounds(vectors)
        for i, sends in enumerate(rounds):
            if i > 0:
                rc = srv.stop(grace=10)
                sk.check(rc == 0, f"exit {rc} on SIGTERM after round {i}; log:\n{srv.log_tail()}")
            srv.start()
            run_round(col, srv, vectors, sends, problems, summary)
            sk.check(srv.alive(), f"server died in round {i + 1}; log:\n{srv.log_tail()}")
        sk.log("answers: " + " ".join(summary))
        exceptions = [l for l in srv.log_text().splitlines() if "inbound_exception" in l]
        if exceptions:
            problems.append(f"server logged {len(exceptions)} inbound_exception: {exceptions[:3]}")
        ua = sk.UdpUA(srv.udp, "rtuser", "pw-rtuser-4475")
        c.add(ua.close)
        first, final = ua.register()
        sk.check(first.status == 401 and final.status == 200,
                 f"digest REGISTER after the torture run: {first.status} then {final.status}")
        sk.check(srv.alive(), "server died")
        if problems:
            raise sk.TestFailure(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
        return f"{len(summary)} sends in {len(rounds)} rounds (udp, tcp, tls), all as RFC 4475 requires"


def outer():
    """Makes the namespace, runs this script inside it, always deletes it."""
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, vdir = sys.argv[1], sys.argv[2]
    if not os.path.isfile(os.path.join(vdir, "README.md")):
        print(f"SKIP {NAME}: RFC 4475 vectors not found at {vdir} "
              "(they live in the shared dir next to the checkout)", flush=True)
        return sk.SKIP_RC
    if not shutil.which("ip"):
        print(f"SKIP {NAME}: no `ip` command (iproute2) for a network namespace", flush=True)
        return sk.SKIP_RC
    ns = f"parley-rt-{os.getpid()}"
    r = subprocess.run(["ip", "netns", "add", ns], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=20)
    if r.returncode != 0:
        print(f"SKIP {NAME}: cannot create a network namespace (needs root/CAP_SYS_ADMIN): "
              f"{r.stdout.decode().strip()}", flush=True)
        return sk.SKIP_RC
    child = None

    def stop_child(signum, frame):
        raise KeyboardInterrupt()

    old = sk.signal.signal(sk.signal.SIGTERM, stop_child)
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True, timeout=20)
        child = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__),
                                  "--inner", binary, vdir], preexec_fn=sk._die_with_parent)
        return child.wait(timeout=float(os.environ.get("ROBUST_TIMEOUT", "80")))
    except (KeyboardInterrupt, subprocess.TimeoutExpired) as e:
        print(f"FAIL {NAME}: {type(e).__name__}", flush=True)
        return 1
    finally:
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        subprocess.run(["ip", "netns", "del", ns], timeout=20)
        sk.signal.signal(sk.signal.SIGTERM, old)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--inner":
        sys.exit(sk.run_test(NAME, inner))
    sys.exit(outer())
