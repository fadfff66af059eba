#!/usr/bin/env python3
"""robust_totag_bypass: a To tag is not a credential.

An unauthenticated sender (an unregistered socket, From a foreign domain)
puts `;tag=...` on the To header of a new request, as if it were inside a
dialog, with no Route naming the server. The server must not:

  1. deliver a MESSAGE to a local user (alice) that way;
  2. relay a MESSAGE to a foreign target by Request-URI (open relay);
  3. relay it to a foreign target by a preloaded Route.

Without the tag the same requests get 407 (so the tag alone is what opens the
door). Control, which must keep working after a fix: a real dialog
(bob INVITEs alice through the server, 200, ACK), then alice hangs up with a
BYE sent from a *different, unregistered* socket but carrying the server's
Record-Route as Route; it reaches bob and the 200 comes back.

usage: test_totag_bypass.py PARLEY_BINARY
"""
import os
import re
import secrets
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_totag_bypass"


def request(ua, method, ruri, to, frm, call_id, cseq, routes=(), body="", extra=()):
    headers = [("Via", f"SIP/2.0/UDP {sk.HOST}:{ua.port};rport;branch={sk.new_branch()}")]
    headers += [("Route", r) for r in routes]
    headers += [("Max-Forwards", "70"), ("From", frm), ("To", to), ("Call-ID", call_id),
                ("CSeq", f"{cseq} {method}"), *extra]
    if body:
        headers.append(("Content-Type", "text/plain"))
    return sk.build_request(method, ruri, headers, body)


def split_uris(values):
    """Header values with comma-separated name-addrs -> one entry each."""
    out = []
    for v in values:
        out += [p.strip() for p in re.split(r",(?=\s*<)", v) if p.strip()]
    return out


def attack(eve, target, ruri, to_tag, routes=()):
    """One unauthenticated MESSAGE; returns (delivered?, final answer)."""
    eve.cseq += 1
    call_id, text = secrets.token_hex(8) + "@eve", "spam-" + secrets.token_hex(6)
    eve.send(request(eve, "MESSAGE", ruri, f"<{ruri}>{to_tag}",
                     "<sip:mallory@evil.example>;tag=m1", call_id, eve.cseq, routes, text))
    got = target.expect_message(text, 1.0)
    return got is not None, eve.final_response(call_id, eve.cseq, 5.0)


def dialog_control(srv, alice, bob):
    """bob -> alice INVITE dialog; alice's BYE from another socket reaches bob."""
    call_id, ftag = secrets.token_hex(8) + "@bob", secrets.token_hex(4)
    bob.cseq += 1
    bob_contact = f"<sip:bob@{sk.HOST}:{bob.port}>"
    bob.send(request(bob, "INVITE", "sip:alice@localhost", "<sip:alice@localhost>",
                     f"<sip:bob@localhost>;tag={ftag}", call_id, bob.cseq,
                     extra=[("Contact", bob_contact)]))
    inv = alice.wait_for(lambda m: not m.is_response and m.method == "INVITE" and
                         m.call_id == call_id, 5.0)
    sk.check(inv is not None, "control: bob's INVITE did not reach alice")
    rr = split_uris(inv.all("record-route"))
    sk.check(rr, "control: the forwarded INVITE has no Record-Route")
    ttag = secrets.token_hex(4)
    ok = sk.make_response(inv, 200, "OK", ttag).replace(
        b"Content-Length: 0", ("Contact: <sip:alice@%s:%d>\r\n" % (sk.HOST, alice.port) +
                               "".join(f"Record-Route: {r}\r\n" for r in rr) +
                               "Content-Length: 0").encode())
    alice.send(ok, sk.parse_via_target(inv.get("via")))
    final = bob.final_response(call_id, bob.cseq, 5.0)
    sk.check(final is not None and final.status == 200,
             f"control: bob got {final and final.first!r} for his INVITE, want 200")
    to_hdr = final.get("to")
    # RFC 3261 12.1.2: the UAC's route set is the Record-Route in reverse.
    bob_routes = list(reversed(split_uris(final.all("record-route"))))
    bob.send(request(bob, "ACK", f"sip:alice@{sk.HOST}:{alice.port}", to_hdr,
                     f"<sip:bob@localhost>;tag={ftag}", call_id, bob.cseq, bob_routes))
    ack = alice.wait_for(lambda m: not m.is_response and m.method == "ACK" and
                         m.call_id == call_id, 5.0)
    sk.check(ack is not None, "control: bob's ACK did not reach alice")
    # RFC 3261 12.1.1: the UAS's route set is the Record-Route in order.
    other = sk.UdpUA(srv.udp, "alice-2nd-socket", "x")
    try:
        other.send(request(other, "BYE", bob_contact.strip("<>"), f"<sip:bob@localhost>;tag={ftag}",
                           f"<sip:alice@localhost>;tag={ttag}", call_id, 1, rr))
        bye = bob.wait_for(lambda m: not m.is_response and m.method == "BYE" and
                           m.call_id == call_id, 5.0)
        sk.check(bye is not None, "control: an in-dialog BYE with the server's Route did not "
                 "reach bob")
        bob.send(sk.make_response(bye, 200), sk.parse_via_target(bye.get("via")))
        done = other.final_response(call_id, 1, 5.0)
        sk.check(done is not None and done.status == 200,
                 f"control: the BYE got {done and done.first!r}, want 200")
    finally:
        other.close()


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work))
        srv.add_sip_user("alice", "pw-alice-tt")
        srv.add_sip_user("bob", "pw-bob-tt")
        srv.start()
        alice = sk.UdpUA(srv.udp, "alice", "pw-alice-tt")
        bob = sk.UdpUA(srv.udp, "bob", "pw-bob-tt")
        eve = sk.UdpUA(srv.udp, "eve", "x")
        victim = sk.UdpUA(srv.udp, "victim", "x")
        for ua in (alice, bob, eve, victim):
            c.add(ua.close)
        for ua in (alice, bob):
            _, ok = ua.register(expires=600)
            sk.check(ok.status == 200, f"REGISTER {ua.user}: {ok.status}")

        dialog_control(srv, alice, bob)

        foreign = f"sip:victim@{sk.HOST}:{victim.port}"
        cases = [("to local user alice", alice, "sip:alice@localhost", ()),
                 ("relay by Request-URI", victim, foreign, ()),
                 ("relay by preloaded Route", victim, "sip:victim@203.0.113.9",
                  (f"<sip:{sk.HOST}:{victim.port};lr>",))]
        problems = []
        for what, target, ruri, routes in cases:
            delivered, answer = attack(eve, target, ruri, "", routes)
            sk.check(not delivered and answer is not None and answer.status == 407,
                     f"{what} without a To tag: delivered={delivered}, answer "
                     f"{answer and answer.first!r} (want 407, not delivered)")
            delivered, answer = attack(eve, target, ruri, ";tag=forged1", routes)
            if delivered or (answer is not None and answer.status < 300):
                problems.append(f"{what} with a forged To tag: delivered={delivered}, answer "
                                f"{answer and answer.first!r}")
        sk.check(srv.alive(), "server died")
        if problems:
            raise sk.TestFailure("unauthenticated requests pass with a forged To tag:\n  " +
                                 "\n  ".join(problems))
        return "forged To tags do not bypass the sender check; real in-dialog BYE still routed"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
