// Non-INVITE forking and the sender check (RFC 3261 §16, DESIGN.md "no open
// relay"): MESSAGE to a user with two registered accounts.
#include <gtest/gtest.h>

#include "proxy_harness.hpp"

namespace parley::sip::test {
namespace {

using namespace std::chrono_literals;

Req message_from_bob() {
  Req r;
  r.extra = {"Content-Type: text/plain"};
  r.body = "hello";
  return r;
}

class ProxyMessageTest : public ProxyTest {
 protected:
  void SetUp() override { register_cast(); }

  // Checks the two branches of a MESSAGE to alice and returns them (phone, desk).
  std::pair<Message, Message> expect_forked_to_alice(const std::vector<Sent>& sent,
                                                     const Req& original) {
    EXPECT_EQ(sent.size(), 2u);
    const Sent* phone = only_to(sent, alice_phone_);
    const Sent* desk = only_to(sent, alice_desk_);
    if (!phone || !desk) return {};
    EXPECT_EQ(phone->message.request_uri.to_string(), "sip:alice-phone@192.0.2.11:5060");
    EXPECT_EQ(desk->message.request_uri.to_string(), "sip:alice-desk@10.0.0.5:5060");
    EXPECT_EQ(desk->flow.transport, "UDP");
    for (const Sent* s : {phone, desk}) {
      const Message& m = s->message;
      EXPECT_EQ(m.method, Method::Message);
      EXPECT_EQ(m.vias.size(), 2u) << s->wire;
      if (m.vias.size() != 2) continue;
      EXPECT_EQ(m.vias[0].host, "127.0.0.1");
      EXPECT_EQ(m.vias[0].port, 5060);
      EXPECT_EQ(m.vias[0].branch().rfind("z9hG4bK", 0), 0u) << m.vias[0].branch();
      EXPECT_EQ(m.vias[1].branch(), original.branch);
      EXPECT_EQ(m.max_forwards.value_or(999),
                static_cast<std::uint32_t>(*original.max_forwards - 1));
      EXPECT_EQ(m.body, original.body);
      EXPECT_EQ(m.call_id, original.call_id);
      EXPECT_TRUE(m.record_routes.empty());  // MESSAGE creates no dialog
    }
    EXPECT_NE(phone->message.vias[0].branch(), desk->message.vias[0].branch());
    return {phone->message, desk->message};
  }
};

TEST_F(ProxyMessageTest, FromRegisteredSourceIsForkedToEveryAccountWithoutChallenge) {
  Req r = message_from_bob();
  auto sent = deliver(r, bob_);
  expect_forked_to_alice(sent, r);
  EXPECT_EQ(new_challenges(), 0u);
  EXPECT_TRUE(to_peer(sent, bob_).empty());  // no 100 for non-INVITE
}

TEST_F(ProxyMessageTest, First200GoesUpstreamExactlyOnce) {
  Req r = message_from_bob();
  auto [phone, desk] = expect_forked_to_alice(deliver(r, bob_), r);
  ASSERT_FALSE(phone.vias.empty());

  auto up = deliver(answer(phone, 200, "t-phone"), alice_phone_);
  const Sent* ok = only_to(up, bob_);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->message.status_code, 200);
  ASSERT_EQ(ok->message.vias.size(), 1u) << ok->wire;  // our Via removed (§16.7 step 3)
  EXPECT_EQ(ok->message.vias[0].branch(), r.branch);
  EXPECT_EQ(up.size(), 1u);

  // The other account also accepts: nothing more goes upstream.
  auto more = deliver(answer(desk, 200, "t-desk"), alice_desk_);
  EXPECT_TRUE(to_peer(more, bob_).empty()) << more.size();
  // Nor when the branches' transactions end.
  auto later = advance(40s);
  EXPECT_TRUE(to_peer(later, bob_).empty());
  EXPECT_EQ(proxy_->transactions().size(), 0u);
  EXPECT_FALSE(proxy_->next_deadline().has_value());
}

TEST_F(ProxyMessageTest, BestFailureGoesUpstreamWhenAllBranchesFail) {
  Req r = message_from_bob();
  auto [phone, desk] = expect_forked_to_alice(deliver(r, bob_), r);
  EXPECT_TRUE(deliver(answer(phone, 503, "t1"), alice_phone_).empty());
  auto up = deliver(answer(desk, 415, "t2"), alice_desk_);
  const Sent* s = only_to(up, bob_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->message.status_code, 415);
}

TEST_F(ProxyMessageTest, UnregisteredSourceIsChallengedWith407) {
  Req r = message_from_bob();
  r.via = "UDP 198.51.100.7:5060";
  auto sent = deliver(r, stranger_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].flow.host, stranger_.host);
  const Message& m = sent[0].message;
  EXPECT_EQ(m.status_code, 407);
  auto challenges = m.header_values("Proxy-Authenticate");
  ASSERT_EQ(challenges.size(), 2u) << sent[0].wire;
  EXPECT_NE(challenges[0].find("algorithm=SHA-256"), std::string_view::npos);
  EXPECT_NE(challenges[1].find("algorithm=MD5"), std::string_view::npos);
  EXPECT_FALSE(m.header("WWW-Authenticate"));
}

TEST_F(ProxyMessageTest, ValidProxyAuthorizationIsForwarded) {
  Req r = message_from_bob();
  r.via = "UDP 198.51.100.7:5060";
  auto challenge = deliver(r, stranger_);
  ASSERT_EQ(challenge.size(), 1u);
  r.cseq = 2;
  r.branch = "z9hG4bKclient2";
  r.extra.push_back(credentials(challenge[0].message, r, "bob", "pw-bob", auth::Algorithm::Sha256));
  auto sent = deliver(r, stranger_);
  expect_forked_to_alice(sent, r);
}

TEST_F(ProxyMessageTest, TrustedSourceIsForwardedWithoutChallenge) {
  Req r = message_from_bob();
  r.from = "sip:+15551234567@trunk.example";
  r.via = "UDP 10.9.9.9:5060";
  auto sent = deliver(r, trunk_);
  expect_forked_to_alice(sent, r);
  EXPECT_EQ(new_challenges(), 0u);
}

TEST_F(ProxyMessageTest, AuthenticatedAsAnotherUsersAccountIs403) {
  // Eve proves she is eve but claims to be bob.
  Req r = message_from_bob();
  r.via = "UDP 198.51.100.7:5060";
  auto challenge = deliver(r, stranger_);
  ASSERT_EQ(challenge.size(), 1u);
  r.cseq = 2;
  r.branch = "z9hG4bKclient2";
  r.extra.push_back(credentials(challenge[0].message, r, "eve", "pw-eve", auth::Algorithm::Md5));
  auto sent = deliver(r, stranger_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 403);
}

TEST_F(ProxyMessageTest, AnAccountOfTheFromUserMaySendAsTheUser) {
  // alice-desk authenticates and sends as sip:alice@localhost: allowed.
  Req r = message_from_bob();
  r.from = "sip:alice@localhost";
  r.ruri = "sip:bob@localhost";
  r.via = "UDP 198.51.100.7:5060";
  auto challenge = deliver(r, stranger_);
  ASSERT_EQ(challenge.size(), 1u);
  r.cseq = 2;
  r.branch = "z9hG4bKclient2";
  r.extra.push_back(credentials(challenge[0].message, r, "alice-desk", "pw-desk",
                                auth::Algorithm::Md5));
  auto sent = deliver(r, stranger_);
  const Sent* s = only_to(sent, bob_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->message.request_uri.to_string(), "sip:bob@192.0.2.20:5060");
}

TEST_F(ProxyMessageTest, RegisteredSourceOfAnotherUserIsChallenged) {
  // Bob's registered device sends as alice: being registered proves only bob.
  Req r = message_from_bob();
  r.from = "sip:alice@localhost";
  r.ruri = "sip:bob@localhost";
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 407);
}

TEST_F(ProxyMessageTest, UnknownUserIs404AndUserWithoutContactsIs480) {
  Req r = message_from_bob();
  r.ruri = "sip:nobody@localhost";
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 404);
  EXPECT_FALSE(sent[0].message.to.tag().empty());

  r.ruri = "sip:carol@localhost";
  r.call_id = "call-2@test";
  r.branch = "z9hG4bKclient2";
  sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 480);
}

TEST_F(ProxyMessageTest, UdpRetransmissionIsAbsorbedNotForwardedAgain) {
  Req r = message_from_bob();
  auto [phone, desk] = expect_forked_to_alice(deliver(r, bob_), r);
  EXPECT_TRUE(deliver(r, bob_).empty());  // still Trying: nothing to send
  auto up = deliver(answer(phone, 200, "t-phone"), alice_phone_);
  ASSERT_NE(only_to(up, bob_), nullptr);
  // After the final response, a retransmission gets that response again.
  auto again = deliver(r, bob_);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message.status_code, 200);
  EXPECT_EQ(again[0].flow.host, bob_.host);
  EXPECT_EQ(proxy_->stats().branches, 2u);
  EXPECT_EQ(directory_.locate_calls, 1);
}

TEST_F(ProxyMessageTest, BranchTimeoutGives408Upstream) {
  Req r = message_from_bob();
  expect_forked_to_alice(deliver(r, bob_), r);
  auto sent = advance(33s);  // Timer F = 64*T1
  std::vector<int> upstream;
  for (const Sent* s : to_peer(sent, bob_)) upstream.push_back(s->message.status_code);
  EXPECT_EQ(upstream, std::vector<int>{408});
  // Retransmissions of the branches went to the contacts meanwhile (Timer E).
  EXPECT_GT(to_peer(sent, alice_phone_).size(), 3u);
}

}  // namespace
}  // namespace parley::sip::test
