// RFC 3261 §17.2.2 server non-INVITE transaction, driven through the layer
// with a fake clock.
#include <gtest/gtest.h>

#include "scenario.hpp"

namespace parley::sip::test {
namespace {

using State = ServerNonInviteTransaction::State;

Message reg() { return make_request(Method::Register, "z9hG4bKsreg1", "192.0.2.20", 5060); }

State state_of(Scenario& s, TransactionId id) {
  return s.layer().find<ServerNonInviteTransaction>(id)->state();
}

TEST(ServerNonInvite, TryingAbsorbsRetransmissions) {
  Scenario s;
  s.wire(reg(), udp_flow());
  TransactionId id = s.last_new();
  EXPECT_EQ(state_of(s, id), State::Trying);
  s.advance(Millis{500});
  s.wire(reg(), udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER");
}

TEST(ServerNonInvite, ProceedingAnswersWithLastProvisional) {
  Scenario s;
  Message r = reg();
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  s.tu_response(id, make_response(r, 100, ""));
  EXPECT_EQ(state_of(s, id), State::Proceeding);
  s.wire(r, udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER | 0:Send 100 | 0:Send 100");
}

TEST(ServerNonInvite, CompletedAnswersWithFinalUntilTimerJ) {
  Scenario s;
  Message r = reg();
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  s.advance(Millis{10});
  EXPECT_TRUE(s.tu_response(id, make_response(r, 403)));
  EXPECT_EQ(state_of(s, id), State::Completed);
  s.advance(Millis{1000});
  s.wire(r, udp_flow());
  // §17.2.2: later finals from the TU are discarded.
  EXPECT_FALSE(s.tu_response(id, make_response(r, 200)));
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER | 10:Send 403 | 1010:Send 403");
  s.advance(Millis{30999});
  EXPECT_EQ(s.take(), "");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "32010:Terminated");  // Timer J = 64*T1 after the final
  // After Terminated the same request is a new transaction.
  s.wire(r, udp_flow());
  EXPECT_EQ(s.take(), "32010:NewRequest REGISTER");
}

TEST(ServerNonInvite, TcpTimerJIsZero) {
  Scenario s;
  Message r = reg();
  s.wire(r, tcp_flow());
  s.tu_response(s.last_new(), make_response(r, 200));
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER | 0:Send 200 | 0:Terminated");
  EXPECT_EQ(s.layer().size(), 0u);
}

TEST(ServerNonInvite, TransportErrorTerminates) {
  Scenario s;
  Message r = reg();
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  s.tu_response(id, make_response(r, 200));
  s.transport_error(id);
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER | 0:Send 200 | 0:TransportError | 0:Terminated");
}

TEST(ServerNonInvite, ResponseIsSentOverTheRequestFlow) {
  Scenario s;
  Message r = reg();
  s.wire(r, tcp_flow(77));
  s.tu_response(s.last_new(), make_response(r, 200));
  const Action* send = s.last(ActionKind::Send);
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->flow.id, 77u);
  EXPECT_TRUE(send->flow.reliable);
}

}  // namespace
}  // namespace parley::sip::test

namespace parley::sip::test {
namespace {

TEST(ServerNonInvite, ProvisionalThenFinalOnTcp) {
  Scenario s;
  Message r = make_request(Method::Subscribe, "z9hG4bKsubtcp");
  s.wire(r, tcp_flow());
  TransactionId id = s.last_new();
  s.tu_response(id, make_response(r, 100, ""));
  EXPECT_EQ(s.layer().find<ServerNonInviteTransaction>(id)->state(),
            ServerNonInviteTransaction::State::Proceeding);
  s.tu_response(id, make_response(r, 202));
  EXPECT_EQ(s.take(), "0:NewRequest SUBSCRIBE | 0:Send 100 | 0:Send 202 | 0:Terminated");
}

TEST(ServerNonInvite, UnknownMethodIsANonInviteTransaction) {
  Scenario s;
  Message r = make_request(Method::Unknown, "z9hG4bKodd");
  r.method_text = "FOO";
  r.cseq.method_text = "FOO";
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  EXPECT_NE(s.layer().find<ServerNonInviteTransaction>(id), nullptr);
  Message other = r;
  other.method_text = "BAR";
  s.wire(other, udp_flow());  // another method with the same branch: another transaction
  EXPECT_EQ(s.layer().size(), 2u);
}

TEST(ServerNonInvite, KeptResponseIsResentWhole) {
  Scenario s;
  Message r = reg();
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  Message ok = make_response(r, 200);
  ok.add_header("Server", "Parley");
  s.tu_response(id, ok);
  EXPECT_FALSE(s.layer().find<ServerNonInviteTransaction>(id)->last_response_bytes().empty());
  s.take();
  s.wire(r, udp_flow());
  const auto& out = s.actions();
  ASSERT_FALSE(out.empty());
  ASSERT_EQ(out.back().kind, ActionKind::Send);
  const Message again = sent_message(out.back());
  EXPECT_EQ(again.status_code, 200);
  EXPECT_EQ(again.call_id, ok.call_id);
  EXPECT_EQ(again.cseq.number, ok.cseq.number);
  EXPECT_EQ(again.header("Server").value_or(""), "Parley");
}

TEST(ServerNonInvite, ChallengeIsStateless) {
  // RFC 3261 §8.2.7: a 401/407 ends the transaction at once; a retransmitted
  // request is a new transaction and earns a new challenge.
  Scenario s;
  Message r = reg();
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  EXPECT_TRUE(s.tu_response(id, make_response(r, 401)));
  EXPECT_EQ(s.layer().find<ServerNonInviteTransaction>(id), nullptr);
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER | 0:Send 401 | 0:Terminated");
  s.wire(r, udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER");
}

TEST(ServerNonInvite, ChallengeKeptWhenConfigured) {
  TransactionConfig c;
  c.stateless_challenges = false;
  Scenario s(c);
  Message r = reg();
  s.wire(r, udp_flow());
  TransactionId id = s.last_new();
  EXPECT_TRUE(s.tu_response(id, make_response(r, 407)));
  EXPECT_EQ(state_of(s, id), State::Completed);
  s.wire(r, udp_flow());
  EXPECT_EQ(s.take(), "0:NewRequest REGISTER | 0:Send 407 | 0:Send 407");
}

}  // namespace
}  // namespace parley::sip::test
