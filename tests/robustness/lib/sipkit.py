"""Small SIP toolkit for the robustness tests (Python 3 standard library only).

It runs a real `parley serve` (ParleyServer), speaks SIP over plain sockets
(UdpUA, parse, build_request, make_response), computes digest credentials
itself (digest_authorization) and frames SIP over TCP (StreamReader).

Every wait in here is bounded by an explicit timeout and waits for an event
(a log line, a datagram, a closed socket), never for a fixed time.
"""

import ctypes
import hashlib
import os
import re
import secrets
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

SKIP_RC = 77  # CTest SKIP_RETURN_CODE of every robustness test
HOST = "127.0.0.1"


class TestFailure(Exception):
    """A check failed: the test prints FAIL and exits 1."""


class TestSkip(Exception):
    """The test cannot run here (missing vectors, no netns): exit SKIP_RC."""


def log(msg):
    print(f"[robust] {msg}", file=sys.stderr, flush=True)


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


# ------------------------------------------------------------------ ports ---

def free_ports(count, avoid=(5050, 5060, 5061, 5070)):
    """COUNT distinct ports free for both UDP and TCP on 127.0.0.1."""
    held, ports = [], []
    try:
        for _ in range(500):
            if len(ports) == count:
                break
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.bind((HOST, 0))
            port = probe.getsockname()[1]
            probe.close()
            if port in avoid or port in ports:
                continue
            pair = []
            try:
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    s = socket.socket(socket.AF_INET, kind)
                    pair.append(s)
                    s.bind((HOST, port))
            except OSError:
                for s in pair:
                    s.close()
                continue
            held.extend(pair)
            ports.append(port)
    finally:
        for s in held:
            s.close()
    if len(ports) != count:
        raise TestFailure("could not find free ports")
    return ports


# ----------------------------------------------------------------- server ---

def _die_with_parent():
    """preexec_fn: the child gets SIGTERM when the test driver dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class ParleyServer:
    """One `parley serve` on free ports, with its data dir under WORK."""

    def __init__(self, binary, work, *, max_connections=100, idle_timeout=30,
                 max_message_size=65535, trusted=(), log_level=None, with_tls=True):
        self.binary = binary
        self.work = work
        self.data = os.path.join(work, "data")
        self.config = os.path.join(work, "parley.toml")
        self.log_path = os.path.join(work, "server.log")
        os.makedirs(self.data, exist_ok=True)
        self.sip_port, self.tls_port, self.http_port = free_ports(3)
        self.proc = None
        self.log_level = log_level or os.environ.get("ROBUST_LOG_LEVEL", "info")
        listen = [f'"udp:{HOST}:{self.sip_port}"', f'"tcp:{HOST}:{self.sip_port}"']
        if with_tls:
            listen.append(f'"tls:{HOST}:{self.tls_port}"')
        trusted_list = ", ".join(f'"{t}"' for t in trusted)
        with open(self.config, "w") as f:
            f.write(f"""# written by tests/robustness/lib/sipkit.py
[sip]
domain = "localhost"
listen = [{", ".join(listen)}]
trusted = [{trusted_list}]
max_connections = {max_connections}
idle_timeout = {idle_timeout}
max_message_size = {max_message_size}

[http]
listen = "{HOST}:{self.http_port}"

[log]
level = "{self.log_level}"
""")

    @property
    def udp(self):
        return (HOST, self.sip_port)

    def cli(self, *args):
        r = subprocess.run([self.binary, "--data", self.data, "--config", self.config, *args],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        if r.returncode != 0:
            raise TestFailure(f"parley {' '.join(args[:3])} failed: {r.stdout.decode()[-400:]}")

    def add_sip_user(self, name, password):
        """User NAME with a SIP account NAME (digest password PASSWORD)."""
        self.cli("user", "add", name, "--password", "web-" + secrets.token_hex(8))
        self.cli("identity", "add", name, "sip", name, "--password", password)

    def start(self, timeout=15.0):
        mark = self.log_size()
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--data", self.data, "serve", "--config", self.config],
            stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, preexec_fn=_die_with_parent)
        logf.close()
        if not self.wait_log("event=ready", timeout, mark):
            rc = self.proc.poll()
            why = f"exited {rc} during start-up" if rc is not None else f"not ready in {timeout}s"
            raise TestFailure(f"parley serve {why}; log tail:\n{self.log_tail()}")
        log(f"server up pid={self.proc.pid} sip={self.sip_port} tls={self.tls_port}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace=5.0):
        """SIGTERM, wait up to GRACE seconds; returns the exit code or 'killed'."""
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        if proc.poll() is not None:
            return proc.returncode
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
            return "killed"

    def log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def log_text(self, mark=0):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(mark)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines=20):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_log(self, needle, timeout, mark=0):
        end = time.monotonic() + timeout
        while True:
            if needle in self.log_text(mark):
                return True
            if self.proc is not None and self.proc.poll() is not None:
                return needle in self.log_text(mark)
            if time.monotonic() >= end:
                return False
            time.sleep(0.05)


# ---------------------------------------------------------------- message ---

COMPACT = {"v": "via", "i": "call-id", "f": "from", "t": "to", "m": "contact",
           "l": "content-length", "c": "content-type", "k": "supported", "s": "subject"}


class Msg:
    """A parsed SIP message: start line, (lower-cased name, value) headers, body."""

    def __init__(self, first, headers, body, raw):
        self.first, self.headers, self.body, self.raw = first, headers, body, raw
        parts = first.split(" ", 2)
        self.is_response = parts[0].startswith("SIP/")
        self.status = int(parts[1]) if self.is_response and parts[1].isdigit() else 0
        self.method = None if self.is_response else parts[0]
        self.uri = None if self.is_response else (parts[1] if len(parts) > 1 else "")

    def get(self, name):
        name = name.lower()
        for n, v in self.headers:
            if n == name:
                return v
        return None

    def all(self, name):
        name = name.lower()
        return [v for n, v in self.headers if n == name]

    @property
    def call_id(self):
        return self.get("call-id")

    @property
    def cseq(self):
        return self.get("cseq") or ""

    def __repr__(self):
        return f"<{self.first!r} call-id={self.call_id!r}>"


def parse(data):
    """Parses one SIP message (bytes); returns Msg or None when it is not SIP."""
    text = data.decode("utf-8", "replace")
    head, sep, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    while lines and lines[0] == "":
        lines.pop(0)
    if not lines or " " not in lines[0]:
        return None
    headers = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            headers[-1] = (headers[-1][0], headers[-1][1] + " " + line.strip())
            continue
        name, colon, value = line.partition(":")
        if not colon:
            continue
        name = name.strip().lower()
        headers.append((COMPACT.get(name, name), value.strip()))
    return Msg(lines[0], headers, body, data)


def build_request(method, uri, headers, body=""):
    lines = [f"{method} {uri} SIP/2.0"] + [f"{n}: {v}" for n, v in headers]
    lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def make_response(req, status, reason="OK", to_tag=None):
    """A response to REQ copying Via, From, To, Call-ID and CSeq (RFC 3261 8.2.6)."""
    lines = [f"SIP/2.0 {status} {reason}"]
    for v in req.all("via"):
        lines.append(f"Via: {v}")
    to = req.get("to") or ""
    if to_tag and ";tag=" not in to:
        to += f";tag={to_tag}"
    lines += [f"From: {req.get('from')}", f"To: {to}", f"Call-ID: {req.call_id}",
              f"CSeq: {req.cseq}", "Content-Length: 0"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def new_branch():
    return "z9hG4bK-rt" + secrets.token_hex(8)


# ----------------------------------------------------------------- digest ---

def parse_challenge(value):
    """'Digest realm="x", nonce="y", ...' -> dict (lower-case keys)."""
    scheme, _, rest = value.strip().partition(" ")
    params = {"scheme": scheme}
    for m in re.finditer(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))', rest):
        params[m.group(1).lower()] = m.group(2) if m.group(2) is not None else m.group(3)
    return params


def pick_challenge(resp, header="www-authenticate", prefer="MD5"):
    """The challenge of RESP with algorithm PREFER, else the first one."""
    chals = [parse_challenge(v) for v in resp.all(header)]
    check(chals, f"{resp.status} without {header}")
    for c in chals:
        if c.get("algorithm", "MD5").upper() == prefer.upper():
            return c
    return chals[0]


def digest_authorization(chal, method, uri, user, password, nc=1, cnonce=None):
    """The Authorization value answering CHAL (RFC 7616 / RFC 2617, qop=auth)."""
    algo = chal.get("algorithm", "MD5")
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algo.upper()]

    def hx(s):
        return h(s.encode()).hexdigest()

    realm, nonce = chal["realm"], chal["nonce"]
    cnonce = cnonce or secrets.token_hex(8)
    nc_text = f"{nc:08x}"
    ha1 = hx(f"{user}:{realm}:{password}")
    ha2 = hx(f"{method}:{uri}")
    if "qop" in chal:
        qop = "auth"
        response = hx(f"{ha1}:{nonce}:{nc_text}:{cnonce}:{qop}:{ha2}")
        tail = f', qop={qop}, nc={nc_text}, cnonce="{cnonce}"'
    else:
        response = hx(f"{ha1}:{nonce}:{ha2}")
        tail = ""
    value = (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
             f'response="{response}", algorithm={algo}{tail}')
    if "opaque" in chal:
        value += f', opaque="{chal["opaque"]}"'
    return value


# --------------------------------------------------------------------- UA ---

class UdpUA:
    """A SIP user agent on one UDP socket: it registers, sends and answers."""

    def __init__(self, server_addr, user, password, domain="localhost", user_agent="parley-robust"):
        self.server = server_addr
        self.user, self.password, self.domain = user, password, domain
        self.user_agent = user_agent
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.port = self.sock.getsockname()[1]
        self.inbox = []
        self.call_id = secrets.token_hex(10) + "@robust"
        self.cseq = 0
        self.tag = secrets.token_hex(4)

    def close(self):
        self.sock.close()

    def send(self, data, to=None):
        self.sock.sendto(data, to or self.server)

    def _receive(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return None
        data, _ = self.sock.recvfrom(65535)
        return parse(data)

    def wait_for(self, pred, timeout):
        """The first message (queued or arriving within TIMEOUT s) matching PRED."""
        for i, m in enumerate(self.inbox):
            if pred(m):
                return self.inbox.pop(i)
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            m = self._receive(left)
            if m is None:
                continue
            if pred(m):
                return m
            self.inbox.append(m)

    def final_response(self, call_id, cseq, timeout=5.0):
        return self.wait_for(lambda m: m.is_response and m.status >= 200 and m.call_id == call_id
                             and m.cseq.split()[:1] == [str(cseq)], timeout)

    def register_request(self, expires=3600, authorization=None):
        self.cseq += 1
        uri = f"sip:{self.domain}"
        aor = f"sip:{self.user}@{self.domain}"
        headers = [("Via", f"SIP/2.0/UDP {HOST}:{self.port};rport;branch={new_branch()}"),
                   ("Max-Forwards", "70"), ("From", f"<{aor}>;tag={self.tag}"), ("To", f"<{aor}>"),
                   ("Call-ID", self.call_id), ("CSeq", f"{self.cseq} REGISTER"),
                   ("Contact", f"<sip:{self.user}@{HOST}:{self.port}>"),
                   ("Expires", str(expires)), ("User-Agent", self.user_agent)]
        if authorization:
            headers.append(("Authorization", authorization))
        return build_request("REGISTER", uri, headers)

    def register(self, password=None, expires=3600, timeout=5.0):
        """REGISTER, answer the 401 once; returns (first response, final response)."""
        password = self.password if password is None else password
        self.send(self.register_request(expires))
        first = self.final_response(self.call_id, self.cseq, timeout)
        check(first is not None, f"no answer to REGISTER of {self.user} in {timeout}s")
        if first.status != 401:
            return first, first
        chal = pick_challenge(first)
        auth = digest_authorization(chal, "REGISTER", f"sip:{self.domain}", self.user, password)
        self.send(self.register_request(expires, auth))
        second = self.final_response(self.call_id, self.cseq, timeout)
        check(second is not None, f"no answer to the authenticated REGISTER of {self.user}")
        return first, second

    def message_request(self, to_user, text, call_id=None):
        self.cseq += 1
        call_id = call_id or secrets.token_hex(10) + "@robust"
        headers = [("Via", f"SIP/2.0/UDP {HOST}:{self.port};rport;branch={new_branch()}"),
                   ("Max-Forwards", "70"),
                   ("From", f"<sip:{self.user}@{self.domain}>;tag={secrets.token_hex(4)}"),
                   ("To", f"<sip:{to_user}@{self.domain}>"), ("Call-ID", call_id),
                   ("CSeq", f"{self.cseq} MESSAGE"), ("Content-Type", "text/plain"),
                   ("User-Agent", self.user_agent)]
        return call_id, build_request("MESSAGE", f"sip:{to_user}@{self.domain}", headers, text)

    def send_message(self, to_user, text, timeout=5.0):
        """MESSAGE to sip:TO_USER@domain; returns the final response (or None).
        Use start_message + finish_message when the target answers on this thread."""
        return self.finish_message(self.start_message(to_user, text), timeout)

    def start_message(self, to_user, text):
        call_id, data = self.message_request(to_user, text)
        self.send(data)
        return call_id, self.cseq

    def finish_message(self, started, timeout=5.0):
        return self.final_response(started[0], started[1], timeout)

    def expect_message(self, text, timeout=5.0):
        """Waits for a MESSAGE whose body holds TEXT, answers it 200; returns it."""
        m = self.wait_for(lambda m: not m.is_response and m.method == "MESSAGE" and text in m.body,
                          timeout)
        if m is not None:
            via = parse_via_target(m.get("via") or "")
            self.send(make_response(m, 200, "OK", secrets.token_hex(4)), via or self.server)
        return m


def parse_via_target(via):
    """(host, port) a response to a request with top Via VIA goes to (RFC 3581)."""
    m = re.match(r"SIP/2\.0/\w+\s+([^;:\s]+)(?::(\d+))?(.*)", via)
    if not m:
        return None
    host, port, params = m.group(1), int(m.group(2) or 5060), m.group(3)
    rec = re.search(r";received=([^;,\s]+)", params)
    rport = re.search(r";rport=(\d+)", params)
    return (rec.group(1) if rec else host, int(rport.group(1)) if rport else port)


# ---------------------------------------------------------------- streams ---

class StreamReader:
    """Frames SIP messages out of a byte stream by Content-Length."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        out = []
        while True:
            self.buf = self.buf.lstrip(b"\r\n")
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return out
            head = self.buf[:end].decode("utf-8", "replace")
            m = re.search(r"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
            length = int(m.group(1)) if m else 0
            total = end + 4 + length
            if len(self.buf) < total:
                return out
            msg = parse(self.buf[:total])
            self.buf = self.buf[total:]
            if msg is not None:
                out.append(msg)


def wait_closed(sock, timeout):
    """True when the peer closes SOCK (EOF or reset) within TIMEOUT s; drains data."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            continue
        try:
            if not sock.recv(65536):
                return True
        except (BlockingIOError, socket.timeout, ssl.SSLWantReadError):
            continue
        except OSError:  # reset, aborted, or a TLS error on a dying session
            return True


def is_open_now(sock):
    """True when SOCK has not been closed by the peer (no EOF pending)."""
    r, _, _ = select.select([sock], [], [], 0)
    if not r:
        return True
    try:
        return sock.recv(65536, socket.MSG_PEEK) != b""
    except OSError:
        return False


# ------------------------------------------------------------------ runner ---

def run_test(name, body):
    """Runs BODY(work) in a fresh temp work dir; prints one PASS/FAIL/SKIP line."""
    t0 = time.monotonic()
    parent = os.environ.get("ROBUST_RUN_DIR") or tempfile.gettempdir()
    work = tempfile.mkdtemp(prefix=name + ".", dir=parent)
    rc = 1
    try:
        detail = body(work) or ""
        print(f"PASS {name} ({time.monotonic() - t0:.1f}s) {detail}", flush=True)
        rc = 0
    except TestSkip as e:
        print(f"SKIP {name}: {e}", flush=True)
        rc = SKIP_RC
    except TestFailure as e:
        print(f"FAIL {name} ({time.monotonic() - t0:.1f}s) {e} [work: {work}]", flush=True)
    except KeyboardInterrupt:
        print(f"FAIL {name} interrupted [work: {work}]", flush=True)
    finally:
        if rc != 1 and os.environ.get("ROBUST_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    return rc


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


class Cleanup:
    """Context manager that stops servers and closes sockets, last added first."""

    def __init__(self):
        self.items = []
        self.server_notes = []

    def add(self, fn):
        self.items.append(fn)
        return fn

    def server(self, srv):
        """Stops SRV at the end; a dead server or a non-zero exit is a failure."""
        def stop():
            if srv.proc is None:
                return
            dead = srv.proc.poll() is not None
            rc = srv.stop()
            if dead:
                self.server_notes.append(f"parley serve died during the test (exit {rc})")
            elif rc != 0:
                self.server_notes.append(f"parley serve exited {rc} after SIGTERM (want 0)")
        self.items.append(stop)
        return srv

    def __enter__(self):
        signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, exc_type, exc, tb):
        for fn in reversed(self.items):
            try:
                fn()
            except Exception as e:  # cleanup must go on
                log(f"cleanup: {e}")
        if exc_type is None and self.server_notes:
            raise TestFailure("; ".join(self.server_notes))
        return False
