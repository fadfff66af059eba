// Routing decisions without state (RFC 3261 §16.4-§16.6, RFC 3263 without
// DNS) and the best-response choice (§16.7 step 6).
#include "sip/proxy/routing.hpp"

#include <gtest/gtest.h>

#include "proxy_harness.hpp"
#include "sip/proxy/response_selector.hpp"

namespace parley::sip::test {
namespace {

Uri uri(std::string_view text) {
  auto u = parse_uri(text);
  EXPECT_TRUE(u.ok()) << text;
  return u.ok() ? std::move(u).value() : Uri{};
}

class RoutingTest : public ::testing::Test {
 protected:
  RoutingTest() {
    config_.domain = "example.org";
    config_.addresses = {{"UDP", "192.0.2.1", 5060}, {"TLS", "192.0.2.1", 5061}};
  }
  ProxyConfig config_;
  Routing routing_{config_};
};

TEST_F(RoutingTest, LocalDomainAndSelf) {
  EXPECT_TRUE(routing_.is_local_domain(uri("sip:alice@example.org")));
  EXPECT_TRUE(routing_.is_local_domain(uri("sip:alice@EXAMPLE.org")));
  EXPECT_TRUE(routing_.is_local_domain(uri("sip:alice@192.0.2.1")));
  EXPECT_TRUE(routing_.is_local_domain(uri("tel:+15551234")));
  EXPECT_FALSE(routing_.is_local_domain(uri("sip:alice@example.net")));
  EXPECT_TRUE(routing_.is_self(uri("sip:192.0.2.1;lr")));
  EXPECT_TRUE(routing_.is_self(uri("sips:192.0.2.1;lr")));  // TLS defaults to 5061
  EXPECT_FALSE(routing_.is_self(uri("sip:192.0.2.1:5070;lr")));
  EXPECT_FALSE(routing_.is_self(uri("sip:192.0.2.2;lr")));
}

// With an IP-literal domain (the benchmark's 127.0.0.1), a device on the same
// host is another element: its port tells it apart from us.
TEST_F(RoutingTest, IpLiteralDomainWithAForeignPortIsNotLocal) {
  config_.domain = "192.0.2.1";
  EXPECT_TRUE(routing_.is_local_domain(uri("sip:alice@192.0.2.1")));
  EXPECT_TRUE(routing_.is_local_domain(uri("sip:alice@192.0.2.1:5060")));
  EXPECT_FALSE(routing_.is_local_domain(uri("sip:192.0.2.1:6081")));
  EXPECT_FALSE(routing_.is_local_domain(uri("sip:uas@192.0.2.1:6081")));
}

TEST_F(RoutingTest, NextHopResolvesOnlyLiterals) {
  auto hop = routing_.next_hop(uri("sip:bob@192.0.2.9:5080;transport=tcp"));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->transport, "TCP");
  EXPECT_EQ(hop->host, "192.0.2.9");
  EXPECT_EQ(hop->port, 5080);
  hop = routing_.next_hop(uri("sips:bob@[2001:db8::1]"));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->transport, "TLS");
  EXPECT_EQ(hop->host, "2001:db8::1");
  EXPECT_EQ(hop->port, 5061);
  hop = routing_.next_hop(uri("sip:bob@example.net;maddr=192.0.2.7"));  // §16.5: maddr wins
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->host, "192.0.2.7");
  hop = routing_.next_hop(uri("sip:bob@localhost"));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->host, "127.0.0.1");
  EXPECT_FALSE(routing_.next_hop(uri("sip:bob@example.net")));
  EXPECT_FALSE(routing_.next_hop(uri("tel:+15551234")));
}

TEST_F(RoutingTest, RecordRouteHasLrAndTransport) {
  EXPECT_EQ(routing_.record_route("UDP").uri.to_string(), "sip:192.0.2.1:5060;lr");
  EXPECT_EQ(routing_.record_route("TLS").uri.to_string(), "sip:192.0.2.1:5061;transport=tls;lr");
}

TEST(LoopHash, ChangesWithTheRequestUriOnly) {
  Req r;
  Message a = parse(r.text());
  Message b = parse(r.text());
  EXPECT_EQ(loop_hash(a), loop_hash(b));
  b.max_forwards = 3;  // changes on every hop, must not matter
  b.vias.push_back(a.vias[0]);
  EXPECT_EQ(loop_hash(a), loop_hash(b));
  b.request_uri = uri("sip:bob@localhost");
  EXPECT_NE(loop_hash(a), loop_hash(b));
}

Message response(int status) {
  Message m;
  m.kind = Message::Kind::Response;
  m.status_code = status;
  return m;
}

TEST(ResponseSelector, SixHundredsWinThenBusyThenLowestClass) {
  ResponseSelector s;
  s.add(response(404));
  s.add(response(486));
  s.add(response(302));
  s.add(response(500));
  EXPECT_FALSE(s.global_failure());
  EXPECT_EQ(s.take_best()->status_code, 486);
  ResponseSelector t;
  t.add(response(486));
  t.add(response(603));
  EXPECT_TRUE(t.global_failure());
  EXPECT_EQ(t.take_best()->status_code, 603);
}

TEST(ResponseSelector, Downstream503BecomesServerError) {
  ResponseSelector s;
  s.add(response(503));
  auto best = s.take_best();
  ASSERT_TRUE(best);
  EXPECT_EQ(best->status_code, 500);  // §16.7 step 6
}

TEST(ResponseSelector, SyntheticOnlyMeansTimeout) {
  ResponseSelector s;
  EXPECT_FALSE(s.has_response());
  s.add_synthetic(408);
  EXPECT_TRUE(s.has_response());
  EXPECT_FALSE(s.take_best());
  EXPECT_EQ(s.synthetic_status(), 408);
}

}  // namespace
}  // namespace parley::sip::test
