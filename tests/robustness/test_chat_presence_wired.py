#!/usr/bin/env python3
"""robust_chat_presence_wired: the gateway's chat and presence services behind
a real `parley serve`, over raw UDP (issue 4; commit a877752).

Cast (provisioned with the CLI): room lobby = alice (owner) + bob; room
staff = carol (owner) + dave. MESSAGE, SUBSCRIBE and PUBLISH come from a
trusted source (127.0.0.1/32), so no proxy challenge; every REGISTER is
challenged and answered with a digest computed here.

Checks:
  rooms     alice -> sip:~lobby: 200, bob gets MESSAGE From sip:~lobby@localhost
            "alice: TEXT" (alice not); carol (not a member) -> 403; sip:~nosuch -> 404;
            "/who" -> 200 and a MESSAGE from the room listing alice and bob.
  offline   two private MESSAGEs to dave (never registered) -> 202 each; dave
            REGISTERs -> both arrive, in order, "[YYYY-MM-DD HH:MM UTC] TEXT";
            dave unregisters, a third -> 202, dave registers again -> the third
            arrives first (the two delivered ones are not sent again).
  presence  bob SUBSCRIBEs to alice (room mate) -> 200 + NOTIFY basic open;
            carol to dave (room mate, offline) -> 200 + NOTIFY basic closed, and
            an open one once dave registers; carol to alice (stranger) -> 403.
            alice PUBLISHes away -> 200 + SIP-ETag, bob's next NOTIFY says away.
  dnd       alice PUBLISHes do-not-disturb -> bob's NOTIFY says it; bob's INVITE
            to alice -> 486 with a Reason; bob's private MESSAGE -> 480.

usage: test_chat_presence_wired.py PARLEY_BINARY
"""
import os
import re
import secrets
import sqlite3
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import sipkit as sk  # noqa: E402

NAME = "robust_chat_presence_wired"
DOMAIN = "localhost"
LATE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] (.*)$", re.S)


def pidf(entity, activity=None, other=None):
    person = ""
    if activity or other:
        acts = (f"<rpid:{activity}/>" if activity else "") + \
               (f"<rpid:other>{other}</rpid:other>" if other else "")
        person = f'<dm:person id="p1"><rpid:activities>{acts}</rpid:activities></dm:person>\n'
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
            'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" '
            f'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="{entity}">\n'
            '<tuple id="t1"><status><basic>open</basic></status></tuple>\n' + person +
            '</presence>\n')


class Peer(sk.UdpUA):
    """A UdpUA that also sends SUBSCRIBE, PUBLISH and INVITE and answers NOTIFY."""

    def request(self, method, to_uri, extra=(), body="", call_id=None, to_tag=None, cseq=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        call_id = call_id or secrets.token_hex(10) + "@wired"
        to = f"<{to_uri}>" + (f";tag={to_tag}" if to_tag else "")
        headers = [("Via", f"SIP/2.0/UDP {sk.HOST}:{self.port};rport;branch={sk.new_branch()}"),
                   ("Max-Forwards", "70"),
                   ("From", f"<sip:{self.user}@{DOMAIN}>;tag={self.tag}"), ("To", to),
                   ("Call-ID", call_id), ("CSeq", f"{cseq} {method}"),
                   ("User-Agent", self.user_agent), *extra]
        self.send(sk.build_request(method, to_uri, headers, body))
        return call_id, cseq

    def final(self, started, timeout=5.0):
        return self.final_response(started[0], started[1], timeout)

    def message_to(self, uri, text):
        started = self.request("MESSAGE", uri, [("Content-Type", "text/plain")], text)
        return self.final(started)

    def subscribe(self, user):
        started = self.request("SUBSCRIBE", f"sip:{user}@{DOMAIN}", [
            ("Event", "presence"), ("Accept", "application/pidf+xml"), ("Expires", "600"),
            ("Contact", f"<sip:{self.user}@{sk.HOST}:{self.port}>")])
        return started[0], self.final(started)

    def publish(self, body, etag=None):
        extra = [("Event", "presence"), ("Expires", "600"),
                 ("Content-Type", "application/pidf+xml")]
        if etag:
            extra.append(("SIP-If-Match", etag))
        return self.final(self.request("PUBLISH", f"sip:{self.user}@{DOMAIN}", extra, body))

    def answer(self, m, status=200):
        target = sk.parse_via_target(m.get("via") or "") or self.server
        self.send(sk.make_response(m, status, "OK", secrets.token_hex(4)), target)

    def notify(self, call_id, timeout=5.0):
        """The next NOTIFY of the subscription CALL_ID, answered 200."""
        m = self.wait_for(lambda m: not m.is_response and m.method == "NOTIFY"
                          and m.call_id == call_id, timeout)
        sk.check(m is not None, f"{self.user}: no NOTIFY for {call_id} in {timeout}s")
        self.answer(m)
        return m

    def message_in(self, pred, what, timeout=5.0):
        """The next MESSAGE matching PRED, answered 200."""
        m = self.wait_for(lambda m: not m.is_response and m.method == "MESSAGE" and pred(m),
                          timeout)
        sk.check(m is not None, f"{self.user}: no MESSAGE {what} in {timeout}s")
        self.answer(m)
        return m


def expect_status(resp, want, what):
    sk.check(resp is not None, f"{what}: no final response")
    sk.check(resp.status == want, f"{what}: {resp.first!r}, want {want}")
    return resp


def check_rooms(alice, bob, carol):
    text = "post-" + secrets.token_hex(6)
    expect_status(alice.message_to(f"sip:~lobby@{DOMAIN}", text), 200, "room post by a member")
    got = bob.message_in(lambda m: text in m.body, "with the room post")
    sk.check(f"sip:~lobby@{DOMAIN}" in (got.get("from") or ""),
             f"room post From {got.get('from')!r}, want sip:~lobby@{DOMAIN}")
    sk.check(got.body == f"alice: {text}", f"room post body {got.body!r}, want 'alice: {text}'")

    expect_status(carol.message_to(f"sip:~lobby@{DOMAIN}", "let me in"), 403,
                  "room post by a non-member")
    expect_status(alice.message_to(f"sip:~nosuch@{DOMAIN}", "anyone?"), 404,
                  "post to an unknown room")

    expect_status(alice.message_to(f"sip:~lobby@{DOMAIN}", "/who"), 200, "/who")
    who = alice.message_in(lambda m: "in ~lobby" in m.body, "answering /who")
    sk.check(f"sip:~lobby@{DOMAIN}" in (who.get("from") or ""), f"/who reply From {who.get('from')!r}")
    sk.check(who.body.startswith("2 in ~lobby") and "alice" in who.body and "bob" in who.body,
             f"/who reply {who.body!r}, want '2 in ~lobby: alice, bob'")
    return text


def late_messages(dave, count, seen):
    """COUNT queued MESSAGEs as they arrive, their bodies; SEEN holds the
    Call-IDs already taken (a retransmission of one is not a new delivery)."""
    bodies = []
    while len(bodies) < count:
        m = dave.message_in(lambda m: m.call_id not in seen, f"number {len(bodies) + 1} of the queue")
        seen.add(m.call_id)
        late = LATE.match(m.body)
        sk.check(late is not None, f"late MESSAGE body {m.body!r} lacks '[YYYY-MM-DD HH:MM UTC] '")
        bodies.append(late.group(1))
    return bodies


def check_offline(srv, alice, carol):
    first, second = "first-" + secrets.token_hex(4), "second-" + secrets.token_hex(4)
    for text in (first, second):
        expect_status(alice.message_to(f"sip:dave@{DOMAIN}", text), 202,
                      "private MESSAGE to a user with nothing reachable")

    sub_id, resp = carol.subscribe("dave")
    expect_status(resp, 200, "SUBSCRIBE carol -> dave (room mates in staff)")
    n = carol.notify(sub_id)
    sk.check("<basic>closed</basic>" in n.body, f"NOTIFY for offline dave: {n.body!r}")

    dave = Peer(srv.udp, "dave", "pw-dave-w")
    try:
        _, ok = dave.register(expires=600)
        expect_status(ok, 200, "REGISTER dave")
        seen = set()
        got = late_messages(dave, 2, seen)
        sk.check(got == [first, second], f"queued messages arrived as {got}, want [{first}, {second}]")
        n = carol.notify(sub_id)
        sk.check("<basic>open</basic>" in n.body, f"NOTIFY after dave registered: {n.body!r}")

        # Gone again: a third is queued; back again, the third comes first,
        # so the two acknowledged ones left the queue (delivered once).
        _, bye = dave.register(expires=0)
        expect_status(bye, 200, "REGISTER dave expires=0")
        n = carol.notify(sub_id)
        sk.check("<basic>closed</basic>" in n.body, f"NOTIFY after dave left: {n.body!r}")
        third = "third-" + secrets.token_hex(4)
        expect_status(alice.message_to(f"sip:dave@{DOMAIN}", third), 202, "MESSAGE to dave, gone")
        _, ok = dave.register(expires=600)
        expect_status(ok, 200, "REGISTER dave again")
        got = late_messages(dave, 1, seen)
        sk.check(got == [third], f"after coming back again dave got {got}, want [{third}] "
                                 f"(an earlier message delivered twice?)")
        stale = [m for m in dave.inbox if m.method == "MESSAGE" and m.call_id not in seen
                 and (first in m.body or second in m.body)]
        sk.check(not stale, f"an acknowledged message came again: {stale}")
    finally:
        dave.close()


def check_presence(alice, bob, carol):
    sub_id, resp = bob.subscribe("alice")
    expect_status(resp, 200, "SUBSCRIBE bob -> alice (room mates)")
    n = bob.notify(sub_id)
    sk.check((n.get("content-type") or "").startswith("application/pidf+xml"),
             f"NOTIFY Content-Type {n.get('content-type')!r}")
    sk.check("<basic>open</basic>" in n.body, f"NOTIFY for registered alice: {n.body!r}")
    sk.check("active" in (n.get("subscription-state") or ""),
             f"Subscription-State {n.get('subscription-state')!r}")

    _, resp = carol.subscribe("alice")
    expect_status(resp, 403, "SUBSCRIBE carol -> alice (no shared room, no buddy)")

    entity = f"sip:alice@{DOMAIN}"
    resp = expect_status(alice.publish(pidf(entity, "away")), 200, "PUBLISH away")
    etag = resp.get("sip-etag")
    sk.check(etag, "PUBLISH 200 without SIP-ETag")
    n = bob.notify(sub_id)
    sk.check("<rpid:away/>" in n.body and "<basic>open</basic>" in n.body,
             f"NOTIFY after PUBLISH away: {n.body!r}")
    return sub_id, etag


def check_dnd(alice, bob, sub_id, etag):
    entity = f"sip:alice@{DOMAIN}"
    resp = expect_status(alice.publish(pidf(entity, None, "do-not-disturb"), etag), 200,
                         "PUBLISH do-not-disturb")
    sk.check(resp.get("sip-etag"), "PUBLISH 200 without SIP-ETag")
    n = bob.notify(sub_id)
    sk.check("<rpid:other>do-not-disturb</rpid:other>" in n.body,
             f"NOTIFY after PUBLISH dnd: {n.body!r}")

    sdp = ("v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio 4000 RTP/AVP 0\r\n")
    call_id, cseq = bob.request("INVITE", f"sip:alice@{DOMAIN}", [
        ("Contact", f"<sip:bob@{sk.HOST}:{bob.port}>"), ("Content-Type", "application/sdp")], sdp)
    resp = expect_status(bob.final_response(call_id, cseq), 486, "INVITE to alice in dnd")
    reason = resp.get("reason") or ""
    sk.check("cause=486" in reason, f"486 Reason {reason!r}, want SIP;cause=486;text=...")
    # ACK the failure (RFC 3261 §17.1.1.3) so the server stops retransmitting.
    via = resp.get("via")
    ack = [("Via", via), ("Max-Forwards", "70"), ("From", resp.get("from")),
           ("To", resp.get("to")), ("Call-ID", call_id), ("CSeq", f"{cseq} ACK")]
    bob.send(sk.build_request("ACK", f"sip:alice@{DOMAIN}", ack))

    expect_status(bob.message_to(f"sip:alice@{DOMAIN}", "are you there?"), 480,
                  "private MESSAGE to alice in dnd")


def queued_for(srv, text):
    db = sqlite3.connect(os.path.join(srv.data, "parley.db"))
    try:
        return sorted(r[0] for r in db.execute(
            "SELECT q.identity FROM offline_queue q JOIN messages m ON m.id = q.message_id "
            "WHERE m.body = ?", (text,)))
    finally:
        db.close()


def check_web_queue(srv, bob, carol):
    """A message to a user with nothing reachable is queued for its SIP
    account, and for its browser only if it has a web password (erin has
    none, so no browser can ever collect it)."""
    text = "for erin " + secrets.token_hex(4)
    expect_status(carol.message_to(f"sip:erin@{DOMAIN}", text), 202, "MESSAGE to erin (no web login)")
    queues = queued_for(srv, text)
    sk.check(len(queues) == 1 and queues[0].startswith("acct:"),
             f"erin's message queued for {queues}, want only her SIP account")
    text = "for carol " + secrets.token_hex(4)
    expect_status(bob.message_to(f"sip:carol@{DOMAIN}", text), 202, "MESSAGE to carol")
    queues = queued_for(srv, text)
    sk.check(any(q.startswith("web:") for q in queues) and any(q.startswith("acct:") for q in queues),
             f"carol's message queued for {queues}, want her SIP account and her browser")


def check_indexed_on_stop(srv):
    """Messages are indexed for search in batches, not in their own commit;
    a clean stop indexes what the batches left."""
    sk.check(srv.stop() == 0, "parley serve did not stop cleanly")
    db = sqlite3.connect(os.path.join(srv.data, "parley.db"))
    try:
        upto, newest = db.execute(
            "SELECT indexed_upto, (SELECT max(id) FROM messages) FROM fts_progress").fetchone()
        hits = db.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'erin'").fetchone()[0]
    finally:
        db.close()
    sk.check(newest is not None and upto == newest,
             f"search index stops at message {upto}, newest stored is {newest}")
    sk.check(hits >= 1, "the message for erin is not in the search index")


def body(work):
    binary = sys.argv[1]
    with sk.Cleanup() as c:
        srv = c.server(sk.ParleyServer(binary, work, trusted=["127.0.0.1/32"], with_tls=False))
        for user in ("alice", "bob", "carol", "dave"):
            srv.add_sip_user(user, f"pw-{user}-w")
        srv.cli("room", "add", "lobby", "--owner", "alice")
        srv.cli("room", "member", "add", "lobby", "bob")
        srv.cli("room", "add", "staff", "--owner", "carol")
        srv.cli("room", "member", "add", "staff", "dave")
        users_csv = os.path.join(work, "erin.csv")
        with open(users_csv, "w") as f:
            f.write("erin,,erin,pw-erin\n")  # a SIP-only user: no web password
        srv.cli("user", "import", users_csv)
        srv.start()
        alice = Peer(srv.udp, "alice", "pw-alice-w")
        c.add(alice.close)
        bob = Peer(srv.udp, "bob", "pw-bob-w")
        c.add(bob.close)
        carol = Peer(srv.udp, "carol", "unused")  # never registers: trusted source only
        c.add(carol.close)
        for ua in (alice, bob):
            first, ok = ua.register(expires=600)
            sk.check(first.status == 401, f"REGISTER {ua.user} not challenged: {first.first!r}")
            expect_status(ok, 200, f"REGISTER {ua.user}")

        post = check_rooms(alice, bob, carol)
        check_offline(srv, alice, carol)
        check_web_queue(srv, bob, carol)
        sub_id, etag = check_presence(alice, bob, carol)
        check_dnd(alice, bob, sub_id, etag)

        own = [m for m in alice.inbox if m.method == "MESSAGE" and post in m.body]
        sk.check(not own, "alice got her own room post back")
        sk.check(srv.alive(), "server died")
        check_indexed_on_stop(srv)
        return "rooms, offline queue, SUBSCRIBE/NOTIFY, PUBLISH and dnd over UDP"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(sk.run_test(NAME, body))
