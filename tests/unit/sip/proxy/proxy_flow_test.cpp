// Where the proxy sends things: registered flows (TCP), two Record-Route
// entries when it bridges transports (RFC 5658), stray responses (RFC 3261
// §16.7, §18.1.2), ACKs of local failures, downstream challenges (§16.7 step 7).
#include <gtest/gtest.h>

#include "proxy_harness.hpp"

namespace parley::sip::test {
namespace {

using namespace std::chrono_literals;

Flow tcp(const std::string& host, std::uint16_t port, std::uint64_t id) {
  Flow f = udp(host, port);
  f.transport = "TCP";
  f.reliable = true;
  f.id = id;
  return f;
}

class ProxyFlowTest : public ProxyTest {
 protected:
  void SetUp() override { register_cast(); }
  const Flow carol_ = tcp("192.0.2.30", 50000, 42);
};

TEST_F(ProxyFlowTest, TcpContactIsReachedOverItsFlowWithTwoRecordRoutes) {
  ASSERT_EQ(register_account("carol", "pw-carol", "<sip:carol@192.0.2.30:50000;transport=tcp>",
                             carol_).status_code, 200);
  Req r;
  r.method = "INVITE";
  r.ruri = "sip:carol@localhost";
  r.extra = {"Contact: <sip:bob@192.0.2.20:5060>"};
  auto sent = deliver(r, bob_);
  const Sent* s = only_to(sent, carol_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->flow.id, 42u);
  EXPECT_EQ(s->flow.transport, "TCP");
  EXPECT_TRUE(s->flow.reliable);
  ASSERT_FALSE(s->message.vias.empty());
  EXPECT_EQ(s->message.vias[0].transport, "TCP");
  // RFC 5658: the entry facing the callee (TCP) on top, then the caller's (UDP).
  ASSERT_EQ(s->message.record_routes.size(), 2u) << s->wire;
  EXPECT_EQ(s->message.record_routes[0].uri.params.get("transport").value_or(""), "tcp");
  EXPECT_FALSE(s->message.record_routes[1].uri.params.has("transport"));
  EXPECT_TRUE(s->message.record_routes[0].uri.params.has("lr"));

  auto up = deliver(answer(s->message, 200, "t-carol", "<sip:carol@192.0.2.30:50000;transport=tcp>"),
                    carol_);
  const Sent* ok = only_to(up, bob_);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->message.status_code, 200);
  EXPECT_EQ(ok->flow.transport, "UDP");
}

TEST_F(ProxyFlowTest, StrayResponseForSomeoneElseIsDropped) {
  // RFC 3261 §18.1.2: a response whose top Via is not ours is discarded;
  // relaying it would reflect traffic at any address.
  std::string text =
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bKvictim\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
      "Call-ID: stray-1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  auto sent = deliver(parse(text), stranger_);
  EXPECT_TRUE(sent.empty()) << sent.size() << " sends, first to "
                            << (sent.empty() ? "" : sent[0].flow.host);
}

TEST_F(ProxyFlowTest, StrayResponseWithOurViaGoesToTheNextVia) {
  // A 2xx retransmission after the branch is gone is still relayed (§16.7 step 5).
  std::string text =
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKgone.abc\r\n"
      "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKcaller;rport=5070;received=192.0.2.21\r\n"
      "From: <sip:bob@localhost>;tag=1\r\nTo: <sip:alice@localhost>;tag=2\r\n"
      "Call-ID: stray-2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  auto sent = deliver(parse(text), alice_phone_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].flow.host, "192.0.2.21");
  EXPECT_EQ(sent[0].flow.port, 5070);
  ASSERT_EQ(sent[0].message.vias.size(), 1u);
  EXPECT_EQ(sent[0].message.vias[0].branch(), "z9hG4bKcaller");
}

TEST_F(ProxyFlowTest, AckOfALocalFailureIsAbsorbed) {
  Req r;
  r.method = "INVITE";
  r.via = "UDP 198.51.100.7:5060";
  auto challenge = deliver(r, stranger_);
  ASSERT_EQ(challenge.size(), 1u);
  ASSERT_EQ(challenge[0].message.status_code, 407);
  // §17.1.1.3: the ACK for a non-2xx has the INVITE's branch and the 407's To tag.
  Req ack = r;
  ack.method = "ACK";
  ack.to_tag = challenge[0].message.to.tag();
  auto sent = deliver(ack, stranger_);
  EXPECT_TRUE(sent.empty()) << sent.size() << " sends; first:\n" << (sent.empty() ? "" : sent[0].wire);
  // And the 407 is not retransmitted any more (Timer G stopped).
  auto later = advance(5s);
  EXPECT_TRUE(to_peer(later, stranger_).empty());
}

TEST_F(ProxyFlowTest, RequestWithoutMaxForwardsGets70) {
  Req r;
  r.max_forwards.reset();
  auto sent = deliver(r, bob_);
  const Sent* s = only_to(sent, alice_phone_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->message.max_forwards.value_or(0), 70u);
}

TEST_F(ProxyFlowTest, DownstreamChallengesAreMergedIntoOne407) {
  Req r;
  auto sent = deliver(r, bob_);
  const Sent* p = only_to(sent, alice_phone_);
  const Sent* d = only_to(sent, alice_desk_);
  ASSERT_TRUE(p && d);
  Message c1 = answer(p->message, 407, "t1");
  c1.add_header("Proxy-Authenticate", "Digest realm=\"phone\", nonce=\"n1\"");
  Message c2 = answer(d->message, 401, "t2");
  c2.add_header("WWW-Authenticate", "Digest realm=\"desk\", nonce=\"n2\"");
  EXPECT_TRUE(deliver(c1, alice_phone_).empty());
  auto up = deliver(c2, alice_desk_);
  const Sent* s = only_to(up, bob_);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->message.status_code == 401 || s->message.status_code == 407);
  EXPECT_EQ(s->message.header_values("Proxy-Authenticate").size() +
                s->message.header_values("WWW-Authenticate").size(),
            2u)
      << s->wire;
}

TEST_F(ProxyFlowTest, StaleNonceIsChallengedWithStaleTrue) {
  Req r;
  r.method = "REGISTER";
  r.ruri = "sip:localhost";
  r.from = r.to = "sip:bob@localhost";
  r.extra = {"Contact: <sip:bob@192.0.2.20:5060>"};
  auto challenge = deliver(r, bob_);
  ASSERT_EQ(challenge.size(), 1u);
  advance(10min);  // past the nonce lifetime
  r.cseq = 2;
  r.branch = "z9hG4bKstale2";
  r.extra.push_back(credentials(challenge[0].message, r, "bob", "pw-bob", auth::Algorithm::Md5));
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 401);
  auto values = sent[0].message.header_values("WWW-Authenticate");
  ASSERT_FALSE(values.empty());
  EXPECT_NE(values[0].find("stale=true"), std::string_view::npos) << values[0];
}

// In-dialog requests follow the Request-URI, the callee's Contact. A phone
// behind NAT puts its private address there (alice-desk: 10.0.0.5,
// registered from 192.0.2.12:40000); the flow token in our Record-Route
// sends the ACK and BYE where the phone really is.
TEST_F(ProxyFlowTest, InDialogRequestsReachANattedCalleeThroughItsFlow) {
  Req inv;
  inv.method = "INVITE";
  inv.extra = {"Contact: <sip:bob@192.0.2.20:5060>"};
  auto sent = deliver(inv, bob_);
  const Sent* d = only_to(sent, alice_desk_);
  ASSERT_NE(d, nullptr);
  ASSERT_FALSE(d->message.record_routes.empty());
  const std::string route = "Route: " + d->message.record_routes.front().to_string();
  EXPECT_NE(route.find("pflow="), std::string::npos) << route;
  deliver(answer(d->message, 200, "t-desk", "<sip:alice-desk@10.0.0.5:5060>"), alice_desk_);

  Req ack;
  ack.method = "ACK";
  ack.ruri = "sip:alice-desk@10.0.0.5:5060";
  ack.to = "sip:alice@localhost";
  ack.to_tag = "t-desk";
  ack.branch = "z9hG4bKnatack";
  ack.extra = {route};
  EXPECT_NE(only_to(deliver(ack, bob_), alice_desk_), nullptr);

  Req bye = ack;
  bye.method = "BYE";
  bye.cseq = 2;
  bye.branch = "z9hG4bKnatbye";
  EXPECT_NE(only_to(deliver(bye, bob_), alice_desk_), nullptr);

  // The callee's own BYE travels the other way: to the caller's Contact.
  Req back;
  back.method = "BYE";
  back.ruri = "sip:bob@192.0.2.20:5060";
  back.from = "sip:alice@localhost";
  back.from_tag = "t-desk";
  back.to = "sip:bob@localhost";
  back.to_tag = "ftag1";
  back.branch = "z9hG4bKnatbyeback";
  back.via = "UDP 10.0.0.5:5060";
  back.extra = {route};
  EXPECT_NE(only_to(deliver(back, alice_desk_), bob_), nullptr);
}

// A To tag alone does not make a request part of a dialog we route: a
// stranger cannot get a fake in-dialog request relayed out of our domain.
TEST_F(ProxyFlowTest, FakeInDialogRequestIsNotRelayed) {
  Req bye;
  bye.method = "BYE";
  bye.ruri = "sip:victim@198.51.100.7:5060";
  bye.from = "sip:someone@example.com";
  bye.to = "sip:victim@example.com";
  bye.to_tag = "forged";
  auto sent = deliver(bye, udp("203.0.113.9", 5060));
  for (const auto& s : sent) EXPECT_NE(s.flow.host, "198.51.100.7") << s.wire;
}

// A branch that cannot even be queued fails at once (RFC 3261 §18.4), and
// the caller hears 480 rather than waiting for Timer F.
TEST_F(ProxyFlowTest, SendFailureEndsTheBranchAtOnce) {
  sender_.fail_sends = true;
  Req msg;
  msg.ruri = "sip:bob@localhost";
  msg.from = "sip:alice@localhost";
  auto sent = deliver(msg, alice_phone_);
  bool got_480 = false;
  for (const auto& s : sent) {
    if (s.message.is_response() && s.message.status_code == 480) got_480 = true;
  }
  EXPECT_TRUE(got_480);
}

}  // namespace
}  // namespace parley::sip::test
