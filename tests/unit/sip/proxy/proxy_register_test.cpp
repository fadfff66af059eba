// The registrar front of the proxy (RFC 3261 §10.3): challenge, credentials,
// bindings in the 200, 423, 420.
#include <gtest/gtest.h>

#include "proxy_harness.hpp"

namespace parley::sip::test {
namespace {

using namespace std::chrono_literals;

Req register_req(const std::string& account, const Flow& from, std::string contact) {
  Req r;
  r.method = "REGISTER";
  r.ruri = "sip:localhost";
  r.from = r.to = "sip:" + account + "@localhost";
  r.call_id = "reg-call@" + from.host;
  r.branch = "z9hG4bKr1";
  r.via = "UDP " + from.host + ":" + std::to_string(from.port);
  r.extra = {"Contact: " + std::move(contact)};
  return r;
}

TEST_F(ProxyTest, RegisterWithoutCredentialsIsChallengedSha256ThenMd5) {
  auto sent = deliver(register_req("bob", bob_, "<sip:bob@192.0.2.20>"), bob_);
  ASSERT_EQ(sent.size(), 1u);
  const Message& m = sent[0].message;
  EXPECT_EQ(m.status_code, 401);
  EXPECT_EQ(sent[0].flow.host, bob_.host);
  EXPECT_EQ(sent[0].flow.port, bob_.port);
  EXPECT_FALSE(m.to.tag().empty());
  auto challenges = m.header_values("WWW-Authenticate");
  ASSERT_EQ(challenges.size(), 2u) << sent[0].wire;
  // RFC 8760 §2.4: strongest first.
  EXPECT_NE(challenges[0].find("algorithm=SHA-256"), std::string_view::npos);
  EXPECT_NE(challenges[1].find("algorithm=MD5"), std::string_view::npos);
  for (auto c : challenges) {
    EXPECT_EQ(digest_param(c, "realm"), "localhost");
    EXPECT_FALSE(digest_param(c, "nonce").empty());
    EXPECT_NE(c.find("qop=\"auth\""), std::string_view::npos);
  }
  EXPECT_FALSE(m.header("Proxy-Authenticate"));
  EXPECT_EQ(registrar_.binding_count(), 0u);
  EXPECT_EQ(proxy_->stats().challenges, 1u);
}

class RegisterAlgorithm : public ProxyTest,
                          public ::testing::WithParamInterface<auth::Algorithm> {};

TEST_P(RegisterAlgorithm, CorrectCredentialsGive200WithContactAndExpires) {
  Req r = register_req("bob", bob_, "<sip:bob@192.0.2.20:5060>");
  r.extra.push_back("Expires: 600");
  auto challenge = deliver(r, bob_);
  ASSERT_EQ(challenge.size(), 1u);
  r.cseq = 2;
  r.branch = "z9hG4bKr2";
  r.extra.push_back(credentials(challenge[0].message, r, "bob", "pw-bob", GetParam()));
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  const Message& ok = sent[0].message;
  ASSERT_EQ(ok.status_code, 200) << sent[0].wire;
  ASSERT_EQ(ok.contacts.size(), 1u);
  EXPECT_EQ(ok.contacts[0].uri.to_string(), "sip:bob@192.0.2.20:5060");
  EXPECT_EQ(ok.contacts[0].params.get("expires").value_or(""), "600");
  EXPECT_NE(sent[0].wire.find("Contact: <sip:bob@192.0.2.20:5060>;expires=600"), std::string::npos)
      << sent[0].wire;
  EXPECT_EQ(ok.call_id, r.call_id);
  EXPECT_EQ(ok.cseq.number, 2u);
  ASSERT_EQ(observer_.changes.size(), 1u);
  EXPECT_EQ(observer_.changes[0].kind, registrar::BindingChange::Kind::Added);
  EXPECT_EQ(observer_.changes[0].binding.source.ip, bob_.host);
  EXPECT_TRUE(registrar_.is_registered_source("bob", "UDP", bob_.host, bob_.port));
  EXPECT_EQ(proxy_->stats().registers_ok, 1u);
}

INSTANTIATE_TEST_SUITE_P(Digest, RegisterAlgorithm,
                         ::testing::Values(auth::Algorithm::Md5, auth::Algorithm::Sha256));

TEST_F(ProxyTest, RegisterWithWrongPasswordIsChallengedAgain) {
  Req r = register_req("bob", bob_, "<sip:bob@192.0.2.20>");
  auto challenge = deliver(r, bob_);
  ASSERT_EQ(challenge.size(), 1u);
  r.cseq = 2;
  r.branch = "z9hG4bKr2";
  r.extra.push_back(credentials(challenge[0].message, r, "bob", "not-the-password",
                                auth::Algorithm::Md5));
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 401);
  EXPECT_EQ(sent[0].message.header_values("WWW-Authenticate").size(), 2u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
  EXPECT_EQ(proxy_->stats().auth_failures, 1u);
  EXPECT_TRUE(observer_.changes.empty());
}

TEST_F(ProxyTest, RegisterForAnotherAccountIsRefused) {
  // Authenticated as eve, registering bob's AOR: the registrar answers 403.
  Req r = register_req("bob", stranger_, "<sip:eve@198.51.100.7>");
  auto challenge = deliver(r, stranger_);
  ASSERT_EQ(challenge.size(), 1u);
  r.cseq = 2;
  r.branch = "z9hG4bKr2";
  r.extra.push_back(credentials(challenge[0].message, r, "eve", "pw-eve", auth::Algorithm::Md5));
  auto sent = deliver(r, stranger_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 403);
  EXPECT_EQ(registrar_.binding_count(), 0u);
}

TEST_F(ProxyTest, RegisterWithTooShortExpiresGets423WithMinExpires) {
  Message m = register_account("bob", "pw-bob", "<sip:bob@192.0.2.20>", bob_, {"Expires: 10"});
  EXPECT_EQ(m.status_code, 423);
  EXPECT_EQ(m.header("Min-Expires").value_or(""), "60");
  EXPECT_EQ(registrar_.binding_count(), 0u);
}

TEST_F(ProxyTest, RegisterRequiringUnknownExtensionGets420) {
  Req r = register_req("bob", bob_, "<sip:bob@192.0.2.20>");
  r.extra.push_back("Require: foo, path");
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 420);
  EXPECT_EQ(sent[0].message.header("Unsupported").value_or(""), "foo");
  EXPECT_EQ(proxy_->stats().challenges, 0u);  // §10.3: step 2 comes before authentication
}

TEST_F(ProxyTest, RegisterWithZeroExpiresRemovesTheBinding) {
  register_cast();
  ASSERT_EQ(registrar_.contacts("bob", now_).size(), 1u);
  Message m = register_account("bob", "pw-bob", "<sip:bob@192.0.2.20:5060>", bob_,
                               {"Expires: 0"});
  EXPECT_EQ(m.status_code, 200);
  EXPECT_TRUE(m.contacts.empty());
  EXPECT_TRUE(registrar_.contacts("bob", now_).empty());
}

TEST_F(ProxyTest, TrustedSourceStillAuthenticatesRegister) {
  auto sent = deliver(register_req("bob", trunk_, "<sip:bob@10.9.9.9>"), trunk_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 401);
}

// REGISTER is answered statelessly (RFC 3261 §8.2.7): no transaction is
// kept for 32 s, and a retransmission is simply answered again.
TEST_F(ProxyTest, RegisterRetransmissionIsAnsweredAgainStatelessly) {
  Req r = register_req("bob", bob_, "<sip:bob@192.0.2.20>");
  auto first = deliver(r, bob_);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(proxy_->transactions().size(), 0u);
  auto again = deliver(r, bob_);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message.status_code, 401);
  EXPECT_EQ(proxy_->transactions().size(), 0u);
}

// A REGISTER we answer ourselves never enters the transaction layer: the
// challenge and the 200 are sent straight to the source.
TEST_F(ProxyTest, LocalRegisterCreatesNoServerTransaction) {
  Message ok = register_account("bob", "pw-bob", "<sip:bob@192.0.2.20:5060>", bob_);
  EXPECT_EQ(ok.status_code, 200);
  EXPECT_EQ(proxy_->transactions().stats().server_created, 0u);
  EXPECT_EQ(proxy_->stats().requests, 2u);
}

// Checks that come before the registrar still answer without a transaction.
TEST_F(ProxyTest, LocalRegisterWithMaxForwardsZeroGets483) {
  Req r = register_req("bob", bob_, "<sip:bob@192.0.2.20>");
  r.max_forwards = 0;
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 483);
  EXPECT_EQ(sent[0].flow.host, bob_.host);
  EXPECT_EQ(proxy_->transactions().stats().server_created, 0u);
}

TEST_F(ProxyTest, OptionsToUsIsAnsweredWithoutTransaction) {
  Req r;
  r.method = "OPTIONS";
  r.ruri = "sip:localhost";
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 200);
  EXPECT_TRUE(sent[0].message.header("Allow"));
  EXPECT_EQ(proxy_->transactions().stats().server_created, 0u);
}

// A REGISTER for another domain is relayed (by an allowed sender), which
// takes a server transaction as every forwarded request does.
TEST_F(ProxyTest, RegisterForForeignDomainStillGetsATransaction) {
  Req r = register_req("bob", trunk_, "<sip:bob@10.9.9.9>");
  r.ruri = "sip:example.org";
  r.from = r.to = "sip:bob@example.org";
  deliver(r, trunk_);
  EXPECT_EQ(proxy_->transactions().stats().server_created, 1u);
}

}  // namespace
}  // namespace parley::sip::test
