// RFC 3261 §17.2.1 / RFC 6026 server INVITE transaction, driven through the
// layer with a fake clock.
#include <gtest/gtest.h>

#include "scenario.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip::test {
namespace {

using State = ServerInviteTransaction::State;

Message invite() { return make_request(Method::Invite, "z9hG4bKsinv1", "192.0.2.10", 5060); }

// The ACK a UA sends for a non-2xx: same branch as the INVITE (§17.1.1.3).
Message ack_for(const Message& inv, const Message& response) {
  return build_ack_for_non2xx(inv, response);
}

State state_of(Scenario& s, TransactionId id) {
  return s.layer().find<ServerInviteTransaction>(id)->state();
}

TEST(ServerInvite, NewInviteGoesToTuAnd100TryingAfter200ms) {
  Scenario s;
  s.wire(invite(), udp_flow());
  TransactionId id = s.last_new();
  ASSERT_TRUE(id.valid());
  EXPECT_EQ(state_of(s, id), State::Proceeding);
  s.advance(Millis{199});
  EXPECT_EQ(s.take(), "0:NewRequest INVITE");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "200:Send 100");
  // A retransmitted INVITE is answered with the last provisional, not passed up.
  s.wire(invite(), udp_flow());
  EXPECT_EQ(s.take(), "200:Send 100");
  EXPECT_EQ(s.layer().stats().retransmissions_received, 1u);
}

TEST(ServerInvite, TryingIsBuiltFromTheInvite) {
  Scenario s;
  Message inv = invite();
  inv.vias.push_back(Via{"SIP/2.0", "UDP", "10.1.1.1", 5070, {}});
  inv.headers.push_back(Header{"Timestamp", "54"});
  s.wire(inv, udp_flow(9));
  s.advance(Millis{200});
  const Action* send = s.last(ActionKind::Send);
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->flow.id, 9u);
  const Message t = sent_message(*send);
  EXPECT_EQ(t.status_code, 100);
  EXPECT_EQ(t.vias.size(), 2u);
  EXPECT_EQ(top_branch(t), "z9hG4bKsinv1");
  EXPECT_EQ(to_tag(t), "");  // a 100 never adds a tag
  EXPECT_EQ(t.call_id, inv.call_id);
  EXPECT_EQ(t.cseq.method, Method::Invite);
  ASSERT_EQ(t.headers.size(), 1u);
  EXPECT_EQ(t.headers[0].value, "54");  // §8.2.6.1
}

TEST(ServerInvite, TuProvisionalWithin200msSuppressesTrying) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  s.advance(Millis{50});
  EXPECT_TRUE(s.tu_response(id, make_response(inv, 180)));
  s.advance(Millis{1000});
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 50:Send 180");
}

TEST(ServerInvite, TryingDelayIsConfigurableAndTuMayAskForItAtOnce) {
  TransactionConfig c;
  c.trying_delay = Millis{0};
  Scenario now100(c);
  now100.wire(invite(), udp_flow());
  EXPECT_EQ(now100.take(), "0:NewRequest INVITE | 0:Send 100");

  c.trying_delay = std::nullopt;
  Scenario never(c);
  never.wire(invite(), udp_flow());
  never.advance(Millis{5000});
  EXPECT_EQ(never.take(), "0:NewRequest INVITE");

  Scenario s;
  s.wire(invite(), udp_flow());
  s.advance(Millis{10});
  std::vector<Action> out;
  EXPECT_TRUE(s.layer().send_trying(s.last_new(), s.now(), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sent_message(out[0]).status_code, 100);
  s.advance(Millis{1000});
  EXPECT_EQ(s.take(), "0:NewRequest INVITE");  // the timer was stopped
}

TEST(ServerInvite, Non2xxRetransmittedByTimerGUntilTimerH) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  s.take();
  EXPECT_TRUE(s.tu_response(id, make_response(inv, 486)));
  EXPECT_EQ(state_of(s, id), State::Completed);
  s.advance(Millis{31999});
  // §17.2.1: G = T1, then doubling up to T2.
  EXPECT_EQ(s.take(),
            "0:Send 486 | 500:Send 486 | 1500:Send 486 | 3500:Send 486 | 7500:Send 486 | "
            "11500:Send 486 | 15500:Send 486 | 19500:Send 486 | 23500:Send 486 | "
            "27500:Send 486 | 31500:Send 486");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "32000:Timeout | 32000:Terminated");
  EXPECT_EQ(s.layer().timer_count(), 0u);
}

TEST(ServerInvite, AckForNon2xxIsAbsorbedAndTimerIRunsT4) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  Message busy = make_response(inv, 486, "srvtag");
  s.tu_response(id, busy);
  s.advance(Millis{600});
  // A retransmitted INVITE in Completed gets the final again.
  s.wire(inv, udp_flow());
  s.wire(ack_for(inv, busy), udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:Send 486 | 500:Send 486 | 600:Send 486");
  EXPECT_EQ(state_of(s, id), State::Confirmed);
  // Confirmed absorbs ACKs and INVITEs; the TU never sees them.
  s.wire(ack_for(inv, busy), udp_flow());
  s.wire(inv, udp_flow());
  s.advance(Millis{4999});
  EXPECT_EQ(s.take(), "");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "5600:Terminated");
}

TEST(ServerInvite, TcpHasNoTimerGAndTimerIIsZero) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, tcp_flow());
  TransactionId id = s.last_new();
  Message err = make_response(inv, 500, "t");
  s.tu_response(id, err);
  s.advance(Millis{1000});
  s.wire(ack_for(inv, err), tcp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:Send 500 | 1000:Terminated");
}

TEST(ServerInvite, TcpTimerHWithoutAck) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, tcp_flow());
  s.tu_response(s.last_new(), make_response(inv, 404));
  s.advance(Millis{32000});
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:Send 404 | 32000:Timeout | 32000:Terminated");
}

TEST(ServerInvite, TwoXxEntersAcceptedForTimerL) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  s.tu_response(id, make_response(inv, 180, "x"));
  Message ok = make_response(inv, 200, "x");
  s.advance(Millis{300});
  EXPECT_TRUE(s.tu_response(id, ok));
  EXPECT_EQ(state_of(s, id), State::Accepted);
  // RFC 6026 §7.1: INVITE retransmissions absorbed, TU 2xx retransmissions sent,
  // no retransmission of our own, non-2xx refused.
  s.wire(inv, udp_flow());
  s.advance(Millis{500});
  EXPECT_TRUE(s.tu_response(id, ok));
  EXPECT_FALSE(s.tu_response(id, make_response(inv, 486, "x")));
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:Send 180 | 300:Send 200 | 800:Send 200");
  s.advance(Millis{31499});
  EXPECT_EQ(s.take(), "");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "32300:Terminated");
}

TEST(ServerInvite, AckFor2xxIsAStrayAckForTheTu) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, udp_flow());
  Message ok = make_response(inv, 200, "x");
  s.tu_response(s.last_new(), ok);
  s.take();
  // §13.2.2.4: the ACK for a 2xx has a new branch: matches nothing.
  Message ack = build_ack_for_non2xx(inv, ok);
  ack.vias[0].params.all()[0].value = "z9hG4bKnewack";
  s.wire(ack, udp_flow());
  EXPECT_EQ(s.take(), "0:Ack ACK");
  EXPECT_EQ(s.layer().stats().stray_acks, 1u);
}

TEST(ServerInvite, SecondFinalIsRefusedAndUnknownIdFails) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  EXPECT_TRUE(s.tu_response(id, make_response(inv, 404)));
  EXPECT_FALSE(s.tu_response(id, make_response(inv, 200)));
  EXPECT_FALSE(s.tu_response(TransactionId{999}, make_response(inv, 200)));
}

TEST(ServerInvite, TransportErrorTerminates) {
  Scenario s;
  Message inv = invite();
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  s.tu_response(id, make_response(inv, 404));
  s.transport_error(id);
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:Send 404 | 0:TransportError | 0:Terminated");
  EXPECT_EQ(s.layer().timer_count(), 0u);
}

}  // namespace
}  // namespace parley::sip::test

namespace parley::sip::test {
namespace {

TEST(ServerInvite, RetransmissionBeforeAnyProvisionalIsAbsorbed) {
  TransactionConfig c;
  c.trying_delay = std::nullopt;
  Scenario s(c);
  Message inv = make_request(Method::Invite, "z9hG4bKearly");
  s.wire(inv, udp_flow());
  s.wire(inv, udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest INVITE");
}

TEST(ServerInvite, TwoXxOnTcpAlsoWaitsTimerL) {
  Scenario s;
  Message inv = make_request(Method::Invite, "z9hG4bKtcp2xx");
  s.wire(inv, tcp_flow());
  TransactionId id = s.last_new();
  s.tu_response(id, make_response(inv, 200));
  s.advance(Millis{32000});
  EXPECT_EQ(s.take(), "0:NewRequest INVITE | 0:Send 200 | 32000:Terminated");
}

TEST(ServerInvite, AckInAcceptedGoesToTheTransactionUser) {
  // An ACK matching the INVITE server transaction in Accepted (RFC 2543 peer,
  // or one reusing the INVITE branch) is passed to the TU (RFC 6026 §7.1).
  Scenario s;
  Message inv = make_request(Method::Invite, "z9hG4bKsamebranch");
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  Message ok = make_response(inv, 200, "ok-tag");
  s.tu_response(id, ok);
  s.take();
  s.wire(build_ack_for_non2xx(inv, ok), udp_flow());
  const Action* a = s.last(ActionKind::Ack);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->txn, id);
  EXPECT_EQ(s.layer().stats().stray_acks, 0u);
}

TEST(ServerInvite, InvalidStatusCodesAreRefused) {
  Scenario s;
  Message inv = make_request(Method::Invite, "z9hG4bKbadcode");
  s.wire(inv, udp_flow());
  TransactionId id = s.last_new();
  Message r = make_response(inv, 200);
  r.status_code = 99;
  EXPECT_FALSE(s.tu_response(id, r));
  r.status_code = 700;
  EXPECT_FALSE(s.tu_response(id, r));
  EXPECT_FALSE(s.tu_response(id, inv));  // a request is not a response
}

}  // namespace
}  // namespace parley::sip::test
