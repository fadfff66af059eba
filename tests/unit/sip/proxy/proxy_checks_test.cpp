// Request checks of RFC 3261 §16.3 (Max-Forwards, loops, Proxy-Require,
// scheme), OPTIONS to the server, relaying outside our domain, and the RFC
// 4475 messages whose outcome is the proxy's decision.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "proxy_harness.hpp"

namespace parley::sip::test {
namespace {

class ProxyChecksTest : public ProxyTest {
 protected:
  void SetUp() override { register_cast(); }
  // The single response sent back to `peer`, or 0.
  int status_of(const std::vector<Sent>& sent, const Flow& peer) {
    const Sent* s = only_to(sent, peer);
    return s && s->message.is_response() ? s->message.status_code : 0;
  }
};

TEST_F(ProxyChecksTest, MaxForwardsZeroIs483) {
  Req r;
  r.max_forwards = 0;
  auto sent = deliver(r, bob_);
  EXPECT_EQ(status_of(sent, bob_), 483);
  EXPECT_TRUE(to_peer(sent, alice_phone_).empty());
}

TEST_F(ProxyChecksTest, MaxForwardsOneIsForwardedWithZero) {
  Req r;
  r.max_forwards = 1;
  auto sent = deliver(r, bob_);
  const Sent* s = only_to(sent, alice_phone_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->message.max_forwards.value_or(99), 0u);
}

TEST_F(ProxyChecksTest, OptionsToTheServerIsAnsweredWithAllow) {
  for (int mf : {70, 0}) {
    Req r;
    r.method = "OPTIONS";
    r.ruri = "sip:localhost";
    r.max_forwards = mf;
    r.branch = "z9hG4bKopt" + std::to_string(mf);
    auto sent = deliver(r, stranger_);
    ASSERT_EQ(sent.size(), 1u);
    const Message& m = sent[0].message;
    EXPECT_EQ(m.status_code, 200) << "Max-Forwards " << mf;
    auto allow = m.header_list("Allow");
    for (const char* method : {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "MESSAGE", "REGISTER"}) {
      EXPECT_NE(std::find(allow.begin(), allow.end(), method), allow.end()) << method;
    }
    EXPECT_FALSE(m.to.tag().empty());
  }
}

TEST_F(ProxyChecksTest, RequestComingBackUnchangedIsALoop) {
  // A trusted peer relays through us to 192.0.2.50, which sends it straight back.
  Req r;
  r.ruri = "sip:someone@192.0.2.50:5060";
  r.from = "sip:gw@trunk.example";
  r.via = "UDP 10.9.9.9:5060";
  auto sent = deliver(r, trunk_);
  const Flow far = udp("192.0.2.50", 5060);
  const Sent* fwd = only_to(sent, far);
  ASSERT_NE(fwd, nullptr);
  Message back = fwd->message;
  Via v;
  v.transport = "UDP";
  v.host = "192.0.2.50";
  v.port = 5060;
  v.params.set("branch", "z9hG4bKback1");
  back.vias.insert(back.vias.begin(), v);
  auto answer = deliver(parse(serialize(back)), far);
  EXPECT_EQ(status_of(answer, far), 482);
  EXPECT_TRUE(to_peer(answer, far).size() == 1u);
}

TEST_F(ProxyChecksTest, SpiralWithAnotherRequestUriIsNotALoop) {
  Req r;
  auto sent = deliver(r, bob_);
  const Sent* fwd = only_to(sent, alice_phone_);
  ASSERT_NE(fwd, nullptr);
  Message back = fwd->message;
  back.request_uri = parse_uri("sip:bob@localhost").value();
  Via v;
  v.transport = "UDP";
  v.host = "10.9.9.9";
  v.port = 5060;
  v.params.set("branch", "z9hG4bKspiral1");
  back.vias.insert(back.vias.begin(), v);
  auto again = deliver(parse(serialize(back)), trunk_);
  const Sent* to_bob = only_to(again, bob_);
  ASSERT_NE(to_bob, nullptr);
  EXPECT_TRUE(to_bob->message.is_request());
  EXPECT_EQ(to_bob->message.vias.size(), 4u);
}

TEST_F(ProxyChecksTest, ProxyRequireIs420WithUnsupported) {
  Req r;
  r.extra = {"Proxy-Require: foo, bar"};
  auto sent = deliver(r, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 420);
  auto unsupported = sent[0].message.header_list("Unsupported");
  EXPECT_EQ(unsupported, (std::vector<std::string>{"foo", "bar"}));
}

TEST_F(ProxyChecksTest, UnknownSchemeIs416) {
  Req r;
  r.ruri = "mailto:alice@example.com";
  r.to = "sip:alice@localhost";
  auto sent = deliver(r, bob_);
  EXPECT_EQ(status_of(sent, bob_), 416);
}

TEST_F(ProxyChecksTest, TrustedPeerMayRelayOutsideOurDomain) {
  Req r;
  r.method = "OPTIONS";
  r.ruri = "sip:someone@192.0.2.77";
  r.via = "UDP 10.9.9.9:5060";
  auto sent = deliver(r, trunk_);
  EXPECT_NE(only_to(sent, udp("192.0.2.77", 5060)), nullptr);
}

TEST_F(ProxyChecksTest, StrangerCannotRelayAnyMethodOutsideOurDomain) {
  // DESIGN.md: never an open relay. OPTIONS, REGISTER, NOTIFY ... out of
  // dialog to a foreign host from an unknown source must not be forwarded.
  const Flow target = udp("192.0.2.77", 5060);
  int n = 0;
  for (const char* method : {"OPTIONS", "REGISTER", "NOTIFY", "INFO", "MESSAGE", "INVITE"}) {
    Req r;
    r.method = method;
    r.ruri = "sip:someone@192.0.2.77";
    r.from = "sip:mallory@evil.example";
    r.via = "UDP 198.51.100.7:5060";
    r.branch = "z9hG4bKrelay" + std::to_string(++n);
    r.call_id = "relay-" + std::to_string(n);
    auto sent = deliver(r, stranger_);
    EXPECT_TRUE(to_peer(sent, target).empty()) << method << " was relayed";
    EXPECT_EQ(status_of(sent, stranger_), 407) << method;
  }
}

TEST_F(ProxyChecksTest, StrangerCannotRelayThroughAPreloadedRoute) {
  // A Route to a foreign host after ours must not turn us into a relay either.
  const Flow target = udp("192.0.2.77", 5060);
  int n = 0;
  for (const char* method : {"INVITE", "MESSAGE", "OPTIONS"}) {
    Req r;
    r.method = method;
    r.ruri = "sip:alice@localhost";
    r.from = "sip:mallory@evil.example";
    r.via = "UDP 198.51.100.7:5060";
    r.branch = "z9hG4bKroute" + std::to_string(++n);
    r.call_id = "route-" + std::to_string(n);
    r.extra = {"Route: <sip:127.0.0.1:5060;lr>, <sip:192.0.2.77;lr>"};
    auto sent = deliver(r, stranger_);
    EXPECT_TRUE(to_peer(sent, target).empty()) << method << " was relayed";
    EXPECT_EQ(status_of(sent, stranger_), 407) << method;
  }
}

TEST_F(ProxyChecksTest, OutboundProxyRouteToUsKeepsTheRequestUri) {
  // A phone with "outbound proxy = 127.0.0.1" sends a loose Route to us. The
  // Request-URI sip:alice@localhost names our domain; it is not a strict
  // router's copy of our Record-Route (§16.4), so it must stay.
  Req r;
  r.method = "INVITE";
  r.branch = "z9hG4bKobp1";
  r.extra = {"Route: <sip:127.0.0.1:5060;lr>", "Contact: <sip:bob@192.0.2.20:5060>"};
  auto sent = deliver(r, bob_);
  const Sent* p = only_to(sent, alice_phone_);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->message.request_uri.to_string(), "sip:alice-phone@192.0.2.11:5060");
  EXPECT_TRUE(p->message.routes.empty());
  EXPECT_NE(only_to(sent, alice_desk_), nullptr);
}

TEST_F(ProxyChecksTest, StrictRouterRequestUriIsReplacedByTheLastRoute) {
  // §16.4: the Request-URI is our Record-Route URI; the real one is the last Route.
  Req r;
  r.method = "BYE";
  r.ruri = "sip:127.0.0.1:5060;lr";
  r.to = "sip:alice@localhost";
  r.to_tag = "t1";
  r.extra = {"Route: <sip:alice-phone@192.0.2.11:5060>"};
  auto sent = deliver(r, bob_);
  const Sent* p = only_to(sent, alice_phone_);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->message.request_uri.to_string(), "sip:alice-phone@192.0.2.11:5060");
  EXPECT_TRUE(p->message.routes.empty());
}

TEST_F(ProxyChecksTest, OurUserMayUseAPreloadedRoute) {
  Req r;
  r.ruri = "sip:someone@example.net";
  r.extra = {"Route: <sip:192.0.2.77;lr>"};
  auto sent = deliver(r, bob_);  // bob's registered device
  const Sent* s = only_to(sent, udp("192.0.2.77", 5060));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->message.request_uri.to_string(), "sip:someone@example.net");
  ASSERT_EQ(s->message.routes.size(), 1u);  // loose routing: the Route stays
}

// RFC 4475 messages whose outcome the proxy decides (see the README there).
struct VectorCase {
  const char* name;
  std::set<int> expected;  // any of these is right
};

class ProxyVectorTest : public ProxyTest, public ::testing::WithParamInterface<VectorCase> {};

TEST_P(ProxyVectorTest, Outcome) {
  const auto dir = std::filesystem::path(PARLEY_SHARED_DIR) / "vectors" / "sip" / "rfc4475";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "RFC 4475 vectors absent: " << dir;
  std::ifstream in(dir / (std::string(GetParam().name) + ".sip"), std::ios::binary);
  ASSERT_TRUE(in) << GetParam().name;
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::set<int>& expected = GetParam().expected;
  auto parsed = parse_message(ss.str(), Framing::Datagram);
  if (!parsed) {
    // The transport answers parse errors statelessly with the parser's status.
    EXPECT_TRUE(expected.count(parsed.error().status))
        << GetParam().name << ": parser said " << parsed.error().status << " "
        << parsed.error().reason;
    return;
  }
  const Flow peer = udp("192.0.2.99", 5060);
  auto sent = deliver(parsed.value(), peer);
  ASSERT_EQ(sent.size(), 1u) << GetParam().name;
  EXPECT_EQ(sent[0].flow.host, peer.host);
  EXPECT_TRUE(expected.count(sent[0].message.status_code))
      << GetParam().name << ": answered " << sent[0].message.status_code << "\n" << sent[0].wire;
  if (std::string(GetParam().name) == "bext01") {
    auto u = sent[0].message.header_list("Unsupported");
    EXPECT_EQ(u, (std::vector<std::string>{"noProxiesSupportThis", "norDoAnyProxiesSupportThis"}));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4475, ProxyVectorTest,
    ::testing::Values(VectorCase{"unkscm", {416}}, VectorCase{"novelsc", {416}},
                      VectorCase{"bext01", {420}}, VectorCase{"zeromf", {483, 200}},
                      VectorCase{"insuf", {400}}, VectorCase{"multi01", {400}},
                      VectorCase{"mismatch01", {400}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ProxyTest, EveryRfc4475MessageGetsAnAnswerOrIsDropped) {
  // Every torture message the parser accepts, fed to a proxy whose domain is
  // example.com (the vectors' domain), from an untrusted and from a trusted
  // source: no crash, a request (but ACK) is answered or forwarded, a
  // response matching nothing is dropped.
  const auto dir = std::filesystem::path(PARLEY_SHARED_DIR) / "vectors" / "sip" / "rfc4475";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "RFC 4475 vectors absent: " << dir;
  ProxyConfig cfg = config_;
  cfg.domain = "example.com";
  ProxyDeps deps{registrar_, authenticator_, directory_, directory_, directory_, sender_, observer_};
  Proxy proxy(cfg, TransactionConfig{}, deps);
  int fed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".sip") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    auto parsed = parse_message(ss.str(), Framing::Datagram);
    if (!parsed) continue;
    for (const Flow& from : {stranger_, trunk_}) {
      ++fed;
      sender_.sent.clear();
      proxy.on_message(Message(parsed.value()), from, now_);
      const std::string name = entry.path().stem().string();
      const Message& m = parsed.value();
      if (m.is_response()) {
        EXPECT_TRUE(sender_.sent.empty()) << name;
      } else if (m.method != Method::Ack) {
        EXPECT_FALSE(sender_.sent.empty()) << name << " from " << from.host;
      }
      for (const auto& s : sender_.sent) {
        EXPECT_NE(s.flow.host, "255.255.255.255") << name;
        // Never forward what could not be understood as one request.
        EXPECT_TRUE(parse_message(s.wire, Framing::Datagram).ok()) << name << "\n" << s.wire;
      }
    }
  }
  EXPECT_GT(fed, 40);
  // Time runs out for everything that was started.
  for (int i = 0; i < 100 && proxy.next_deadline(); ++i) {
    now_ = std::max(now_, *proxy.next_deadline());
    proxy.on_timer(now_);
  }
  EXPECT_EQ(proxy.transactions().size(), 0u);
}

}  // namespace
}  // namespace parley::sip::test
