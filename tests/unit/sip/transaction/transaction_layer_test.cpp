// TransactionLayer: matching (RFC 3261 §17.1.3, §17.2.3 and the RFC 2543
// fallback), CANCEL lookup (§9.2), the RFC 4475 badbranch, the transaction
// limit, malformed input and branch generation.
#include <fstream>
#include <sstream>
#include <unordered_set>

#include <gtest/gtest.h>

#include "scenario.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip::test {
namespace {

TEST(TransactionLayer, SameBranchDifferentSentByIsAnotherTransaction) {
  Scenario s;
  s.wire(make_request(Method::Options, "z9hG4bKdup", "192.0.2.1", 5060), udp_flow());
  s.wire(make_request(Method::Options, "z9hG4bKdup", "192.0.2.2", 5060), udp_flow());
  s.wire(make_request(Method::Options, "z9hG4bKdup", "192.0.2.1", 5062), udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest OPTIONS | 0:NewRequest OPTIONS | 0:NewRequest OPTIONS");
  EXPECT_EQ(s.layer().size(), 3u);
}

TEST(TransactionLayer, SentByDefaultPortAndHostCaseMatch) {
  Scenario s;
  s.wire(make_request(Method::Options, "z9hG4bKport", "Host.Example.com", 0), udp_flow());
  s.wire(make_request(Method::Options, "z9hG4bKport", "host.example.COM", 5060), udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest OPTIONS");
  EXPECT_EQ(s.layer().stats().retransmissions_received, 1u);
}

TEST(TransactionLayer, CancelIsItsOwnTransactionAndFindsTheInvite) {
  Scenario s;
  Message inv = make_request(Method::Invite, "z9hG4bKcan1");
  s.wire(inv, udp_flow());
  TransactionId inv_id = s.last_new();
  Message cancel = build_cancel(inv);
  EXPECT_EQ(s.layer().find_invite_for_cancel(cancel), inv_id);
  s.take();
  s.wire(cancel, udp_flow());
  const Action* a = s.last(ActionKind::NewRequest);
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->txn, inv_id);
  EXPECT_EQ(a->related, inv_id);  // §9.2, handed to the TU with the CANCEL
  TransactionId cancel_id = a->txn;
  EXPECT_NE(s.layer().find<ServerNonInviteTransaction>(cancel_id), nullptr);
  // The TU answers 200 to the CANCEL and 487 to the INVITE: two transactions.
  EXPECT_TRUE(s.tu_response(cancel_id, make_response(cancel, 200)));
  EXPECT_TRUE(s.tu_response(inv_id, make_response(inv, 487)));
  EXPECT_EQ(s.take(), "0:NewRequest CANCEL | 0:Send 200 | 0:Send 487");
  // A CANCEL for an unknown INVITE finds nothing (the TU answers 481).
  Message stray = build_cancel(make_request(Method::Invite, "z9hG4bKnone"));
  EXPECT_EQ(s.layer().find_invite_for_cancel(stray), std::nullopt);
  s.wire(stray, udp_flow());
  EXPECT_FALSE(s.last(ActionKind::NewRequest)->related.valid());
}

TEST(TransactionLayer, CancelDoesNotFindANonInviteTransaction) {
  Scenario s;
  Message opt = make_request(Method::Options, "z9hG4bKopt");
  s.wire(opt, udp_flow());
  EXPECT_EQ(s.layer().find_invite_for_cancel(build_cancel(opt)), std::nullopt);
}

TEST(TransactionLayer, Rfc2543RequestsMatchByDialogFieldsAndAckByResponseTag) {
  Scenario s;
  Message inv = make_request(Method::Invite, "");  // no branch: RFC 2543
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  ASSERT_TRUE(id.valid());
  s.wire(inv, udp_flow());  // retransmission: same fields
  Message other = inv;
  other.cseq.number = 2;
  s.wire(other, udp_flow());  // another CSeq: new transaction
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:NewRequest INVITE");
  // A CANCEL finds it by the same fields (§9.2).
  EXPECT_EQ(s.layer().find_invite_for_cancel(build_cancel(inv)), id);
  // Final response with a To tag; the ACK carries it and matches (§17.2.3).
  Message busy = make_response(inv, 486, "t2543");
  s.tu_response(id, busy);
  Message ack = build_ack_for_non2xx(inv, busy);
  Message wrong_tag = ack;
  wrong_tag.to.params.all()[0].value = "other";
  s.wire(wrong_tag, udp_flow());
  EXPECT_EQ(s.take(), "0:Send 486 | 0:Ack ACK");  // no match: up to the TU
  s.wire(ack, udp_flow());
  EXPECT_EQ(s.take(), "");
  EXPECT_EQ(s.layer().find<ServerInviteTransaction>(id)->state(),
            ServerInviteTransaction::State::Confirmed);
  s.advance(Millis{5000});
  // Timer I ends it; the 100 is the CSeq 2 INVITE's own transaction.
  EXPECT_EQ(s.take(), "200:Send 100 | 5000:Terminated");
  EXPECT_EQ(s.layer().size(), 1u);  // the CSeq 2 INVITE is still there
}

TEST(TransactionLayer, Rfc2543NonInviteRetransmissionAnsweredWithLastResponse) {
  Scenario s;
  Message r = make_request(Method::Register, "1234-old-branch");  // no magic cookie
  s.wire(r, udp_flow());
  s.tu_response(s.last_new(), make_response(r, 200));
  s.wire(r, udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER | 0:Send 200 | 0:Send 200");
}

TEST(TransactionLayer, BadBranchFallsBackToRfc2543Matching) {
  // RFC 4475 §3.2.1: "branch=z9hG4bK" with nothing after the cookie.
  Scenario s;
  Message r = make_request(Method::Options, "z9hG4bK");
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  ASSERT_TRUE(id.valid());
  s.wire(r, udp_flow());
  Message other = r;
  other.call_id = "another-call";
  s.wire(other, udp_flow());  // same bare branch, other call: not a retransmission
  EXPECT_EQ(s.take(), "0:NewRequest OPTIONS | 0:NewRequest OPTIONS");
}

TEST(TransactionLayer, BadBranchVectorParsesAndDoesNotCrash) {
  const std::string path = std::string(PARLEY_SHARED_DIR) + "/vectors/sip/rfc4475/badbranch.sip";
  std::ifstream f(path, std::ios::binary);
  if (!f) GTEST_SKIP() << "vector absent: " << path;
  std::stringstream ss;
  ss << f.rdbuf();
  auto msg = parse_message(ss.str(), Framing::Datagram);
  ASSERT_TRUE(msg.ok()) << msg.error().reason;
  Scenario s;
  s.wire(*msg, udp_flow());
  s.wire(*msg, udp_flow());
  TransactionId id = s.last_new();
  EXPECT_EQ(s.take(), "0:NewRequest OPTIONS");
  EXPECT_TRUE(s.tu_response(id, make_response(*msg, 200)));
  s.advance(Millis{32000});
  EXPECT_EQ(s.layer().size(), 0u);
}

TEST(TransactionLayer, RequestWithoutViaIsRefusedAsMalformed) {
  Scenario s;
  Message r = make_request(Method::Options, "z9hG4bKx");
  r.vias.clear();
  s.wire(r, udp_flow());
  Message ack = make_request(Method::Ack, "z9hG4bKx");
  ack.vias.clear();
  s.wire(ack, udp_flow());
  EXPECT_EQ(s.take(), "0:Refused malformed | 0:Refused malformed");
  Message resp = make_response(make_request(Method::Options, "z9hG4bKx"), 200);
  resp.vias.clear();
  s.wire(resp, udp_flow());
  EXPECT_EQ(s.take(), "0:StrayResponse 200");
  EXPECT_EQ(s.layer().size(), 0u);
}

TEST(TransactionLayer, LimitRefusesNewServerTransactionsWithOverload) {
  TransactionConfig c;
  c.max_transactions = 2;
  Scenario s(c);
  Message a = make_request(Method::Options, "z9hG4bKl1");
  s.wire(a, udp_flow());
  TransactionId first = s.last_new();
  s.wire(make_request(Method::Options, "z9hG4bKl2"), udp_flow());
  s.wire(make_request(Method::Options, "z9hG4bKl3"), udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest OPTIONS | 0:NewRequest OPTIONS | 0:Refused overload");
  EXPECT_EQ(s.layer().stats().refused_overload, 1u);
  // Retransmissions of live transactions are still answered.
  s.wire(a, udp_flow());
  EXPECT_EQ(s.take(), "");
  // Once one ends, new ones are taken again.
  s.tu_response(first, make_response(a, 200));
  s.advance(Millis{32000});
  s.wire(make_request(Method::Options, "z9hG4bKl4"), udp_flow());
  EXPECT_EQ(s.take(), "0:Send 200 | 32000:Terminated | 32000:NewRequest OPTIONS");
}

TEST(TransactionLayer, RefusedMessageIsHandedBackForAStateless503) {
  TransactionConfig c;
  c.max_transactions = 0;
  Scenario s(c);
  s.wire(make_request(Method::Invite, "z9hG4bKover"), udp_flow(5));
  const Action* a = s.last(ActionKind::Refused);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->refusal, Refusal::Overload);
  EXPECT_EQ(a->message.method, Method::Invite);
  EXPECT_EQ(a->flow.id, 5u);
  EXPECT_FALSE(a->txn.valid());
}

TEST(TransactionLayer, AbandonRemovesTransactionAndItsTimers) {
  Scenario s;
  TransactionId id = s.tu_request(make_request(Method::Invite, "z9hG4bKab"), udp_flow());
  EXPECT_GT(s.layer().timer_count(), 0u);
  std::vector<Action> out;
  s.layer().abandon(id, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, ActionKind::Terminated);
  EXPECT_EQ(s.layer().timer_count(), 0u);
  EXPECT_EQ(s.layer().next_deadline(), std::nullopt);
  EXPECT_EQ(s.layer().client_request(id), nullptr);
}

TEST(TransactionLayer, ClientRequestIsKeptForBuildingCancel) {
  Scenario s;
  Message inv = make_request(Method::Invite, generate_branch());
  TransactionId id = s.tu_request(inv, udp_flow());
  const Message* kept = s.layer().client_request(id);
  ASSERT_NE(kept, nullptr);
  Message cancel = build_cancel(*kept);
  EXPECT_EQ(top_branch(cancel), top_branch(inv));
  EXPECT_EQ(cancel.cseq.method, Method::Cancel);
  EXPECT_EQ(cancel.cseq.number, inv.cseq.number);
  TransactionId cid = s.tu_request(cancel, udp_flow());
  EXPECT_TRUE(cid.valid());
  EXPECT_NE(cid, id);
}

TEST(TransactionLayer, ClientRequestIsDroppedOnceNothingCanCancelIt) {
  for (int status : {200, 486}) {
    Scenario s;
    Message inv = make_request(Method::Invite, generate_branch());
    TransactionId id = s.tu_request(inv, udp_flow());
    s.wire(make_response(inv, 180), udp_flow());
    EXPECT_NE(s.layer().client_request(id), nullptr);  // Proceeding: a CANCEL may follow
    s.wire(make_response(inv, status), udp_flow());
    EXPECT_TRUE(s.layer().contains(id));  // Timer M or D
    EXPECT_EQ(s.layer().client_request(id), nullptr) << status;
  }
  Scenario s;
  TransactionId id = s.tu_request(make_request(Method::Message, generate_branch()), udp_flow());
  EXPECT_EQ(s.layer().client_request(id), nullptr);  // only an INVITE is ever cancelled
}

TEST(TransactionLayer, UdpRetransmissionsAreTheBytesFirstSent) {
  Scenario s;
  Message msg = make_request(Method::Message, generate_branch());
  msg.body = "hello";
  s.tu_request(msg, udp_flow());
  s.advance(Millis{500});
  s.advance(Millis{1000});
  std::vector<std::string> sent;
  for (const Action& a : s.actions()) {
    if (a.kind == ActionKind::Send) sent.push_back(a.wire);
  }
  ASSERT_EQ(sent.size(), 3u);  // at 0, Timer E 500 ms, then 1 s later
  EXPECT_EQ(sent[0], serialize(msg));
  EXPECT_EQ(sent[1], sent[0]);
  EXPECT_EQ(sent[2], sent[0]);
}

TEST(TransactionLayer, NextDeadlineIsTheEarliestTimer) {
  Scenario s;
  EXPECT_EQ(s.layer().next_deadline(), std::nullopt);
  s.tu_request(make_request(Method::Options, "z9hG4bKnd"), udp_flow());
  EXPECT_EQ(s.layer().next_deadline(), s.now() + Millis{500});
  s.wire(make_request(Method::Invite, "z9hG4bKnd2"), udp_flow());
  EXPECT_EQ(s.layer().next_deadline(), s.now() + Millis{200});
}

TEST(BranchGeneration, HasMagicCookieAndIsUnique) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 100000; ++i) {
    std::string b = generate_branch();
    ASSERT_TRUE(is_rfc3261_branch(b)) << b;
    ASSERT_EQ(b.size(), 23u);
    ASSERT_TRUE(seen.insert(b).second) << "duplicate " << b;
  }
}

TEST(BranchGeneration, MagicCookieRules) {
  EXPECT_TRUE(is_rfc3261_branch("z9hG4bKa"));
  EXPECT_FALSE(is_rfc3261_branch("z9hG4bK"));
  EXPECT_FALSE(is_rfc3261_branch("z9hg4bkabc"));  // the cookie is case-sensitive
  EXPECT_FALSE(is_rfc3261_branch(""));
}

}  // namespace
}  // namespace parley::sip::test

namespace parley::sip::test {
namespace {

Message parse(std::string_view text) {
  auto m = parse_message(text, Framing::Datagram);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason);
  return m.ok() ? *m : Message{};
}

TEST(TransactionLayer, ParsedInviteAndAckGoThroughTheServerMachine) {
  const std::string invite =
      "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
      "Max-Forwards: 70\r\n"
      "To: Bob <sip:bob@biloxi.example.com>\r\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
      "Call-ID: a84b4c76e66710\r\n"
      "CSeq: 314159 INVITE\r\n"
      "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
      "Content-Length: 0\r\n\r\n";
  const std::string ack =
      "ACK sip:bob@biloxi.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
      "Max-Forwards: 70\r\n"
      "To: Bob <sip:bob@biloxi.example.com>;tag=busy1\r\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
      "Call-ID: a84b4c76e66710\r\n"
      "CSeq: 314159 ACK\r\n"
      "Content-Length: 0\r\n\r\n";
  Scenario s;
  Message inv = parse(invite);
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  ASSERT_TRUE(id.valid());
  s.wire(parse(invite), udp_flow());  // retransmission
  s.tu_response(id, make_response(inv, 486, "busy1"));
  s.wire(parse(ack), udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:Send 486");
  EXPECT_EQ(s.layer().find<ServerInviteTransaction>(id)->state(),
            ServerInviteTransaction::State::Confirmed);
}

TEST(TransactionLayer, GeneratedAckSerializesAsRfc3261Says) {
  Message inv = make_request(Method::Invite, "z9hG4bKser");
  Message ack = build_ack_for_non2xx(inv, make_response(inv, 404, "t404"));
  std::string wire = serialize(ack);
  EXPECT_EQ(wire.rfind("ACK sip:bob@example.com SIP/2.0\r\n", 0), 0u) << wire;
  EXPECT_NE(wire.find("branch=z9hG4bKser"), std::string::npos) << wire;
  EXPECT_NE(wire.find("tag=t404"), std::string::npos) << wire;
  EXPECT_NE(wire.find("CSeq: 1 ACK"), std::string::npos) << wire;
  // And it parses back.
  auto back = parse_message(wire, Framing::Datagram);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(back->method, Method::Ack);
}

}  // namespace
}  // namespace parley::sip::test
