#!/usr/bin/env python3
"""robust_refresh_written_at_stop: a refresh that moves a binding's expiry by
less than a tenth of its interval is not written when it comes (the
registrar reports it later, BindingChange), so a clean stop (SIGTERM) must
write it: after the stop the database holds the refreshed expiry, not the
first registration's.

The refresh asks 640 s after a 600 s registration: 40 s later, under the
64 s that would be written at once. Without the write at stop the stored
expiry stays ~40 s short and the check fails.

usage: test_refresh_written_at_stop.py PARLEY_BINARY
"""
import os
import sqlite3
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_refresh_written_at_stop"


def stored_expiry(srv, user):
    """expires_at (unix seconds) of USER's registration in the database, or None."""
    db = sqlite3.connect(f"file:{os.path.join(srv.data, 'parley.db')}?mode=ro", uri=True,
                         timeout=5)
    try:
        row = db.execute("SELECT r.expires_at FROM registrations r JOIN sip_accounts a "
                         "ON a.id = r.account_id WHERE a.username = ?", (user,)).fetchone()
        return row[0] if row else None
    finally:
        db.close()


def wait_stored(srv, user, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = stored_expiry(srv, user)
        if value is not None:
            return value
        time.sleep(0.05)
    return None


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work))
        srv.add_sip_user("alice", "pw-alice-s")
        srv.start()
        alice = sk.UdpUA(srv.udp, "alice", "pw-alice-s")
        c.add(alice.close)

        t1 = time.time()
        _, ok = alice.register(expires=600)
        sk.check(ok.status == 200, f"REGISTER: {ok.status}, want 200")
        first = wait_stored(srv, "alice")
        sk.check(first is not None, "the registration never reached the database")
        sk.check(abs(first - (t1 + 600)) <= 3, f"stored expiry {first}, want ~{t1 + 600:.0f}")

        t2 = time.time()
        _, ok = alice.register(expires=640)
        sk.check(ok.status == 200, f"refresh: {ok.status}, want 200")
        sk.check("expires=640" in (ok.get("contact") or ""),
                 f"refresh answered with Contact {ok.get('contact')!r}, want expires=640")

        rc = srv.stop(grace=10)
        sk.check(rc == 0, f"parley serve exited {rc} after SIGTERM, want 0; log:\n{srv.log_tail()}")
        after = stored_expiry(srv, "alice")
        sk.check(after is not None, "the registration is gone from the database after the stop")
        sk.check(abs(after - (t2 + 640)) <= 3,
                 f"stored expiry after the stop {after} (first {first}), want ~{t2 + 640:.0f}: "
                 "the refresh was not written at stop")
        return f"stored expiry moved {after - first} s at stop (refresh asked +40 s)"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
