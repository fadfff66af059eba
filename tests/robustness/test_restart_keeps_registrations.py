#!/usr/bin/env python3
"""robust_restart_keeps_registrations: a contact registered before a clean
restart (SIGTERM, exit 0, start again on the same data dir) still receives a
MESSAGE sent to its user afterwards (200 from the device). A lost
registration would get 202: stored for later delivery, nothing reachable.

Control: a user who never registered gets 202 after the restart, so the
MESSAGE path itself is proven to tell "registered" from "not registered".

usage: test_restart_keeps_registrations.py PARLEY_BINARY
"""
import os
import secrets
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_restart_keeps_registrations"


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        # The MESSAGE comes from a trusted peer, so no proxy challenge is involved.
        srv = c.server(sk.ParleyServer(binary, work, trusted=["127.0.0.1/32"]))
        srv.add_sip_user("alice", "pw-alice-r")
        srv.add_sip_user("nobody", "pw-nobody-r")
        srv.start()
        alice = sk.UdpUA(srv.udp, "alice", "pw-alice-r")
        c.add(alice.close)
        peer = sk.UdpUA(srv.udp, "trunk", "unused")
        c.add(peer.close)

        _, ok = alice.register(expires=600)
        sk.check(ok.status == 200, f"REGISTER before the restart: {ok.status}, want 200")

        # Before the restart the route works (so a failure later is the restart's fault).
        text = "before-" + secrets.token_hex(6)
        started = peer.start_message("alice", text)
        got = alice.expect_message(text)
        resp = peer.finish_message(started)
        sk.check(got is not None, "MESSAGE before the restart did not reach alice's socket")
        sk.check(resp is not None and resp.status == 200,
                 f"MESSAGE before the restart: {resp and resp.status}, want 200")

        rc = srv.stop(grace=10)
        sk.check(rc == 0, f"parley serve exited {rc} after SIGTERM, want 0; log:\n{srv.log_tail()}")
        mark = srv.log_size()
        srv.start()
        restored = [l for l in srv.log_text(mark).splitlines() if "registrations-restored" in l]
        sk.log(f"after restart: {restored[:1]}")

        text = "after-" + secrets.token_hex(6)
        started = peer.start_message("alice", text)
        got = alice.expect_message(text)
        resp = peer.finish_message(started)
        sk.check(got is not None,
                 f"MESSAGE after the restart did not reach alice's registered socket "
                 f"(answer: {resp and resp.first!r}); log:\n{srv.log_tail()}")
        sk.check(resp is not None and resp.status == 200,
                 f"MESSAGE after the restart: {resp and resp.first!r}, want 200")
        sk.check(got.uri.startswith(f"sip:alice@{sk.HOST}:{alice.port}"),
                 f"delivered to {got.uri}, want the registered contact")

        # Control: a user that never registered has nothing reachable: the
        # message is stored for later (202), not delivered (200).
        resp = peer.send_message("nobody", "control-" + secrets.token_hex(4))
        sk.check(resp is not None and resp.status == 202,
                 f"MESSAGE to an unregistered user: {resp and resp.first!r}, want 202")
        sk.check(srv.alive(), "server died")
        return "registration survived SIGTERM + restart; unregistered user -> 202 (stored)"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
