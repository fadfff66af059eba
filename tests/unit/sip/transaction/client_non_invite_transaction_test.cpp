// RFC 3261 §17.1.2 client non-INVITE transaction, driven through the layer
// with a fake clock.
#include <gtest/gtest.h>

#include "scenario.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip::test {
namespace {

using State = ClientNonInviteTransaction::State;

Message options(std::string_view branch = "z9hG4bKcnon1") {
  return make_request(Method::Options, branch, "198.51.100.7", 5060);
}

State state_of(Scenario& s, TransactionId id) {
  return s.layer().find<ClientNonInviteTransaction>(id)->state();
}

TEST(ClientNonInvite, TimerEDoublesUpToT2AndTimerFTimesOutOnUdp) {
  Scenario s;
  TransactionId id = s.tu_request(options(), udp_flow());
  EXPECT_EQ(state_of(s, id), State::Trying);
  s.advance(Millis{31999});
  // §17.1.2.2: intervals 0.5, 1, 2, 4, 4, 4 ... s.
  EXPECT_EQ(s.take(),
            "0:Send OPTIONS | 500:Send OPTIONS | 1500:Send OPTIONS | 3500:Send OPTIONS | "
            "7500:Send OPTIONS | 11500:Send OPTIONS | 15500:Send OPTIONS | 19500:Send OPTIONS | "
            "23500:Send OPTIONS | 27500:Send OPTIONS | 31500:Send OPTIONS");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "32000:Timeout | 32000:Terminated");
  EXPECT_EQ(s.layer().timer_count(), 0u);
}

TEST(ClientNonInvite, TcpSendsOnceAndTimesOutWithTimerF) {
  Scenario s;
  s.tu_request(options(), tcp_flow());
  s.advance(Millis{40000});
  EXPECT_EQ(s.take(), "0:Send OPTIONS | 32000:Timeout | 32000:Terminated");
}

TEST(ClientNonInvite, ProceedingRetransmitsEveryT2) {
  Scenario s;
  Message req = options();
  TransactionId id = s.tu_request(req, udp_flow());
  s.advance(Millis{600});
  s.wire(make_response(req, 100, ""), udp_flow());
  EXPECT_EQ(state_of(s, id), State::Proceeding);
  s.advance(Millis{15000});
  // Timer E was armed for 1500 (interval 1000) in Trying; in Proceeding it is reset to T2.
  EXPECT_EQ(s.take(),
            "0:Send OPTIONS | 500:Send OPTIONS | 600:Response 100 | 1500:Send OPTIONS | "
            "5500:Send OPTIONS | 9500:Send OPTIONS | 13500:Send OPTIONS");
  s.advance(Millis{17000});
  EXPECT_EQ(s.take(),
            "17500:Send OPTIONS | 21500:Send OPTIONS | 25500:Send OPTIONS | 29500:Send OPTIONS | "
            "32000:Timeout | 32000:Terminated");
}

TEST(ClientNonInvite, FinalResponseThenTimerKIsT4OnUdp) {
  Scenario s;
  Message req = options();
  TransactionId id = s.tu_request(req, udp_flow());
  s.advance(Millis{100});
  s.wire(make_response(req, 200), udp_flow());
  EXPECT_EQ(s.take(), "0:Send OPTIONS | 100:Response 200");
  EXPECT_EQ(state_of(s, id), State::Completed);
  // Completed absorbs retransmitted finals.
  s.wire(make_response(req, 200), udp_flow());
  s.advance(Millis{4999});
  EXPECT_EQ(s.take(), "");
  s.advance(Millis{1});
  EXPECT_EQ(s.take(), "5100:Terminated");
}

TEST(ClientNonInvite, FinalResponseOnTcpTerminatesAtOnce) {
  Scenario s;
  Message req = options();
  s.tu_request(req, tcp_flow());
  s.wire(make_response(req, 100, ""), tcp_flow());
  s.wire(make_response(req, 404), tcp_flow());
  EXPECT_EQ(s.take(), "0:Send OPTIONS | 0:Response 100 | 0:Response 404 | 0:Terminated");
  EXPECT_EQ(s.layer().size(), 0u);
}

TEST(ClientNonInvite, TransportErrorInTryingAndProceeding) {
  Scenario s;
  Message req = options();
  TransactionId id = s.tu_request(req, udp_flow());
  s.transport_error(id);
  EXPECT_EQ(s.take(), "0:Send OPTIONS | 0:TransportError | 0:Terminated");

  Message req2 = options("z9hG4bKcnon2");
  id = s.tu_request(req2, udp_flow());
  s.wire(make_response(req2, 180), udp_flow());
  s.transport_error(id);
  EXPECT_EQ(s.take(), "0:Send OPTIONS | 0:Response 180 | 0:TransportError | 0:Terminated");
  // A late report for a dead transaction is a failed lookup.
  s.transport_error(id);
  EXPECT_EQ(s.take(), "");
}

TEST(ClientNonInvite, RefusesBadRequests) {
  Scenario s;
  std::vector<Action> out;
  TransactionLayer& layer = s.layer();
  auto r = layer.send_request(options("nocookie"), udp_flow(), s.now(), out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), StartError::NoBranch);
  r = layer.send_request(options("z9hG4bK"), udp_flow(), s.now(), out);
  EXPECT_EQ(r.error(), StartError::NoBranch);
  r = layer.send_request(make_request(Method::Ack, "z9hG4bKack"), udp_flow(), s.now(), out);
  EXPECT_EQ(r.error(), StartError::AckNotAllowed);
  r = layer.send_request(make_response(options(), 200), udp_flow(), s.now(), out);
  EXPECT_EQ(r.error(), StartError::NotARequest);
  ASSERT_TRUE(layer.send_request(options(), udp_flow(), s.now(), out).ok());
  r = layer.send_request(options(), udp_flow(), s.now(), out);
  EXPECT_EQ(r.error(), StartError::DuplicateBranch);
  EXPECT_EQ(layer.size(), 1u);
}

TEST(ClientNonInvite, ResponseMatchesByBranchAndCSeqMethod) {
  Scenario s;
  Message inv = make_request(Method::Invite, "z9hG4bKsame");
  Message cancel = build_cancel(inv);
  TransactionId inv_id = s.tu_request(inv, udp_flow());
  TransactionId cancel_id = s.tu_request(cancel, udp_flow());
  ASSERT_TRUE(cancel_id.valid());
  s.take();
  // §17.1.3: the 200 to the CANCEL goes to the CANCEL transaction only.
  s.wire(make_response(cancel, 200), udp_flow());
  ASSERT_NE(s.last(ActionKind::Response), nullptr);
  EXPECT_EQ(s.last(ActionKind::Response)->txn, cancel_id);
  s.take();
  s.wire(make_response(inv, 487), udp_flow());
  ASSERT_NE(s.last(ActionKind::Response), nullptr);
  EXPECT_EQ(s.last(ActionKind::Response)->txn, inv_id);
  // A response with another branch is stray.
  Message other = make_response(make_request(Method::Options, "z9hG4bKunknown"), 200);
  s.take();
  s.wire(other, udp_flow());
  EXPECT_EQ(s.take(), "0:StrayResponse 200");
  EXPECT_EQ(s.layer().stats().stray_responses, 1u);
}

}  // namespace
}  // namespace parley::sip::test
