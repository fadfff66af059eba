// RFC 3261 §17.1.1 / RFC 6026 client INVITE transaction, driven through the
// layer with a fake clock.
#include <gtest/gtest.h>

#include "scenario.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip::test {
namespace {

using State = ClientInviteTransaction::State;

Message invite(std::string_view branch = "z9hG4bKcinv1") {
  Message m = make_request(Method::Invite, branch, "198.51.100.7", 5060);
  NameAddr route;
  route.uri.scheme = "sip";
  route.uri.host = "proxy.example.net";
  route.uri.params.all().push_back(Param{"lr", "", false});
  m.routes.push_back(route);
  m.body = "v=0\r\n";
  m.content_type = "application/sdp";
  return m;
}

State state_of(Scenario& s, TransactionId id) {
  return s.layer().find<ClientInviteTransaction>(id)->state();
}

TEST(ClientInvite, TimerARetransmitsDoublingAndTimerBTimesOutAt64T1OnUdp) {
  Scenario s;
  TransactionId id = s.tu_request(invite(), udp_flow());
  ASSERT_TRUE(id.valid());
  EXPECT_EQ(s.take(), "0:Send INVITE");
  EXPECT_EQ(state_of(s, id), State::Calling);
  s.advance(Millis{31999});
  // §17.1.1.2: A doubles without the T2 cap: 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s.
  EXPECT_EQ(s.take(),
            "500:Send INVITE | 1500:Send INVITE | 3500:Send INVITE | 7500:Send INVITE | "
            "15500:Send INVITE | 31500:Send INVITE");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "32000:Timeout | 32000:Terminated");
  EXPECT_FALSE(s.layer().contains(id));
  EXPECT_EQ(s.layer().timer_count(), 0u);
}

TEST(ClientInvite, NoRetransmissionOnTcpButTimerBStill) {
  Scenario s;
  TransactionId id = s.tu_request(invite(), tcp_flow());
  s.advance(Millis{32000});
  EXPECT_EQ(s.take(), "0:Send INVITE | 32000:Timeout | 32000:Terminated");
  EXPECT_FALSE(s.layer().contains(id));
}

TEST(ClientInvite, ProvisionalStopsRetransmissionsAndTimerB) {
  Scenario s;
  Message inv = invite();
  TransactionId id = s.tu_request(inv, udp_flow());
  s.advance(Millis{700});
  s.wire(make_response(inv, 100, ""), udp_flow());
  s.wire(make_response(inv, 180), udp_flow());
  EXPECT_EQ(s.take(), "0:Send INVITE | 500:Send INVITE | 700:Response 100 | 700:Response 180");
  EXPECT_EQ(state_of(s, id), State::Proceeding);
  s.advance(Millis{120000});
  EXPECT_EQ(s.take(), "");  // Proceeding has no timer: the TU's Timer C decides
  EXPECT_EQ(state_of(s, id), State::Proceeding);
}

TEST(ClientInvite, Non2xxIsAcknowledgedByTheTransactionThenTimerD32sOnUdp) {
  Scenario s;
  Message inv = invite();
  TransactionId id = s.tu_request(inv, udp_flow());
  s.wire(make_response(inv, 180), udp_flow());
  s.advance(Millis{1000});
  s.wire(make_response(inv, 486, "busytag"), udp_flow());
  EXPECT_EQ(s.take(), "0:Send INVITE | 0:Response 180 | 1000:Send ACK | 1000:Response 486");
  EXPECT_EQ(state_of(s, id), State::Completed);
  // Retransmitted final: ACK again, not passed to the TU.
  s.advance(Millis{500});
  s.wire(make_response(inv, 486, "busytag"), udp_flow());
  EXPECT_EQ(s.take(), "1500:Send ACK");
  s.advance(Millis{31499});
  EXPECT_EQ(s.take(), "");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "33000:Terminated");
}

TEST(ClientInvite, AckForNon2xxIsBuiltFromTheInvite) {
  Scenario s;
  Message inv = invite();
  inv.vias.push_back(Via{"SIP/2.0", "UDP", "10.0.0.1", 5060, {}});
  s.tu_request(inv, udp_flow());
  s.wire(make_response(inv, 404, "nf-tag"), udp_flow());
  const Action* send_ack = nullptr;
  for (const Action& a : s.actions()) {
    if (a.kind == ActionKind::Send && sent_message(a).method == Method::Ack) send_ack = &a;
  }
  ASSERT_NE(send_ack, nullptr);
  const Message ack = sent_message(*send_ack);
  EXPECT_EQ(ack.method_text, "ACK");
  EXPECT_EQ(ack.request_uri.user, "bob");
  EXPECT_EQ(ack.request_uri.host, "example.com");
  ASSERT_EQ(ack.vias.size(), 1u);  // §17.1.1.3: the top Via only
  EXPECT_EQ(top_branch(ack), "z9hG4bKcinv1");
  EXPECT_EQ(ack.vias[0].host, "198.51.100.7");
  EXPECT_EQ(to_tag(ack), "nf-tag");
  EXPECT_EQ(from_tag(ack), "fromtag1");
  EXPECT_EQ(ack.call_id, inv.call_id);
  EXPECT_EQ(ack.cseq.number, inv.cseq.number);
  EXPECT_EQ(ack.cseq.method, Method::Ack);
  EXPECT_EQ(ack.cseq.method_text, "ACK");
  ASSERT_EQ(ack.routes.size(), 1u);
  EXPECT_EQ(ack.routes[0].uri.host, "proxy.example.net");
  EXPECT_TRUE(ack.body.empty());
  EXPECT_EQ(send_ack->flow.id, udp_flow().id);
}

TEST(ClientInvite, Non2xxOnTcpTerminatesAtOnce) {
  Scenario s;
  Message inv = invite();
  TransactionId id = s.tu_request(inv, tcp_flow());
  s.wire(make_response(inv, 603), tcp_flow());
  EXPECT_EQ(s.take(), "0:Send INVITE | 0:Send ACK | 0:Response 603 | 0:Terminated");
  EXPECT_FALSE(s.layer().contains(id));
  // A late retransmission is now a stray response.
  s.wire(make_response(inv, 603), tcp_flow());
  EXPECT_EQ(s.take(), "0:StrayResponse 603");
}

TEST(ClientInvite, TwoXxGoesToTuAndAcceptedAbsorbsForTimerM) {
  Scenario s;
  Message inv = invite();
  TransactionId id = s.tu_request(inv, udp_flow());
  s.advance(Millis{600});
  s.wire(make_response(inv, 200, "a"), udp_flow());
  EXPECT_EQ(s.take(), "0:Send INVITE | 500:Send INVITE | 600:Response 200");
  EXPECT_EQ(state_of(s, id), State::Accepted);
  // RFC 6026 §8.4: retransmitted 2xx and 2xx of other forks go to the TU; no ACK from us.
  s.wire(make_response(inv, 200, "a"), udp_flow());
  s.wire(make_response(inv, 200, "b"), udp_flow());
  s.wire(make_response(inv, 180, "c"), udp_flow());  // ignored in Accepted
  EXPECT_EQ(s.take(), "600:Response 200 | 600:Response 200");
  s.advance(Millis{31999});
  EXPECT_EQ(s.take(), "");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "32600:Terminated");  // Timer M = 64*T1
}

TEST(ClientInvite, TwoXxInCallingOnTcpAlsoWaitsTimerM) {
  Scenario s;
  Message inv = invite();
  s.tu_request(inv, tcp_flow());
  s.wire(make_response(inv, 200), tcp_flow());
  s.advance(Millis{32000});
  EXPECT_EQ(s.take(), "0:Send INVITE | 0:Response 200 | 32000:Terminated");
}

TEST(ClientInvite, TransportErrorInformsTuAndTerminates) {
  Scenario s;
  TransactionId id = s.tu_request(invite(), udp_flow());
  s.transport_error(id);
  EXPECT_EQ(s.take(), "0:Send INVITE | 0:TransportError | 0:Terminated");
  EXPECT_EQ(s.layer().timer_count(), 0u);
}

TEST(ClientInvite, CustomTimersAreHonoured) {
  TransactionConfig c;
  c.t1 = Millis{100};
  c.timer_d = Millis{1000};
  Scenario s(c);
  Message inv = invite();
  s.tu_request(inv, udp_flow());
  s.advance(Millis{6400});
  EXPECT_EQ(s.take(),
            "0:Send INVITE | 100:Send INVITE | 300:Send INVITE | 700:Send INVITE | "
            "1500:Send INVITE | 3100:Send INVITE | 6300:Send INVITE | 6400:Timeout | 6400:Terminated");
}

}  // namespace
}  // namespace parley::sip::test

namespace parley::sip::test {
namespace {

TEST(ClientInvite, TransportErrorForTheAckInCompletedTerminates) {
  Scenario s;
  Message inv = make_request(Method::Invite, "z9hG4bKackerr");
  TransactionId id = s.tu_request(inv, udp_flow());
  s.wire(make_response(inv, 480), udp_flow());
  s.transport_error(id);
  EXPECT_EQ(s.take(), "0:Send INVITE | 0:Send ACK | 0:Response 480 | 0:TransportError | 0:Terminated");
}

TEST(ClientInvite, FinalWithoutProvisionalFromCalling) {
  Scenario s;
  Message inv = make_request(Method::Invite, "z9hG4bKdirect");
  TransactionId id = s.tu_request(inv, udp_flow());
  s.advance(Millis{1600});
  s.wire(make_response(inv, 302), udp_flow());
  EXPECT_EQ(s.take(), "0:Send INVITE | 500:Send INVITE | 1500:Send INVITE | 1600:Send ACK | "
                      "1600:Response 302");
  EXPECT_EQ(s.layer().find<ClientInviteTransaction>(id)->state(),
            ClientInviteTransaction::State::Completed);
  s.advance(Millis{32000});
  EXPECT_EQ(s.take(), "33600:Terminated");
}

}  // namespace
}  // namespace parley::sip::test
