#!/usr/bin/env python3
"""Print COUNT free local port numbers on 127.0.0.1, one per line.

usage: freeports.py COUNT [--span N]

Each printed port P is free for both UDP and TCP, and so are P+1 .. P+N-1
(--span 2 is what baresip 1.0.0 needs: it binds SIP/TLS on P+1 too).
All the sockets are held until every port is chosen, so the ports printed
are distinct; they are released on exit, so there is a short window in which
another process could take one: callers check their peers started.
"""
import socket
import sys

HOST = "127.0.0.1"


def try_hold(port, span):
    """Bind UDP and TCP on port..port+span-1; return the sockets or None."""
    held = []
    try:
        for p in range(port, port + span):
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(socket.AF_INET, kind)
                held.append(s)
                s.bind((HOST, p))
        return held
    except OSError:
        for s in held:
            s.close()
        return None


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    count = int(sys.argv[1])
    span = 1
    if len(sys.argv) >= 4 and sys.argv[2] == "--span":
        span = int(sys.argv[3])
    held, ports = [], []
    attempts = 0
    while len(ports) < count and attempts < 500:
        attempts += 1
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.bind((HOST, 0))
        base = probe.getsockname()[1]
        probe.close()
        if base + span > 65535:
            continue
        got = try_hold(base, span)
        if got is None:
            continue
        held.extend(got)
        ports.append(base)
    if len(ports) < count:
        print("freeports: could not find %d free ports" % count, file=sys.stderr)
        return 1
    print("\n".join(str(p) for p in ports))
    for s in held:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
