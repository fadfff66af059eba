#!/usr/bin/env python3
"""robust_room_post_retransmit (FINDINGS.md F4): a UDP retransmission of a
room post whose 200 was lost must get the 200 again, not be posted twice.

alice sends a MESSAGE to sip:~lobby@localhost (trusted source), gets 200, and
sends the very same datagram again, as a UA does when the 200 is lost (same
branch, Call-ID and CSeq: RFC 3261 §17.1.2.2 Timer E). RFC 3261 §17.2.2: the
server transaction absorbs it and sends the 200 again. bob, the other member,
must get the post once. Control: a new post (new branch and CSeq) does reach
bob, so "once" is not "never".

usage: test_room_post_retransmit.py PARLEY_BINARY
"""
import os
import secrets
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_room_post_retransmit"


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work, trusted=["127.0.0.1/32"], with_tls=False))
        srv.add_sip_user("alice", "pw-alice-p")
        srv.add_sip_user("bob", "pw-bob-p")
        srv.cli("room", "add", "lobby", "--owner", "alice")
        srv.cli("room", "member", "add", "lobby", "bob")
        srv.start()
        alice = sk.UdpUA(srv.udp, "alice", "pw-alice-p")
        c.add(alice.close)
        bob = sk.UdpUA(srv.udp, "bob", "pw-bob-p")
        c.add(bob.close)
        _, ok = bob.register(expires=600)
        sk.check(ok.status == 200, f"REGISTER bob: {ok.first!r}")

        text = "once-" + secrets.token_hex(6)
        call_id, datagram = alice.message_request("~lobby", text)
        alice.send(datagram)
        first = alice.final_response(call_id, alice.cseq)
        sk.check(first is not None and first.status == 200, f"room post: {first and first.first!r}")
        sk.check(bob.expect_message(text) is not None, "bob did not get the post")

        alice.send(datagram)  # the 200 was "lost": the UA retransmits
        again = alice.final_response(call_id, alice.cseq)
        sk.check(again is not None and again.status == 200,
                 f"retransmitted post: {again and again.first!r}, want the 200 again")

        # Control: a new post reaches bob; it is behind any duplicate of the first.
        control = "control-" + secrets.token_hex(6)
        resp = alice.send_message("~lobby", control)
        sk.check(resp is not None and resp.status == 200, f"control post: {resp and resp.first!r}")
        sk.check(bob.expect_message(control) is not None, "bob did not get the control post")
        dup = {m.call_id for m in bob.inbox if m.method == "MESSAGE" and text in m.body}
        sk.check(not dup, f"the retransmitted post was posted again: bob got it {1 + len(dup)} "
                          f"times (as Call-IDs {sorted(dup)})")
        return "a retransmitted room post is answered again, not posted twice"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
