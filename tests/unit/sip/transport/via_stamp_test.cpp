#include "sip/transport/via_stamp.hpp"

#include <gtest/gtest.h>

namespace parley::sip::transport {
namespace {

Message request_with_via(std::string_view host, std::uint16_t port, bool rport,
                         std::string_view transport = "UDP") {
  Message m;
  m.kind = Message::Kind::Request;
  m.method = Method::Options;
  Via v;
  v.transport = std::string(transport);
  v.host = std::string(host);
  v.port = port;
  v.params.set("branch", "z9hG4bK1");
  if (rport) v.params.set_flag("rport");
  m.vias.push_back(v);
  m.vias.push_back(v);  // a second Via that must stay untouched
  return m;
}

TEST(ViaStamp, SameHostWithoutRportIsLeftAlone) {
  Message m = request_with_via("192.0.2.1", 5060, false);
  stamp_received(m, "192.0.2.1", 5060);
  EXPECT_FALSE(m.vias[0].params.has("received"));
  EXPECT_FALSE(m.vias[0].params.has("rport"));
}

TEST(ViaStamp, DifferentHostGetsReceived) {
  Message m = request_with_via("pc33.example.com", 5060, false);
  stamp_received(m, "192.0.2.4", 5060);
  EXPECT_EQ(m.vias[0].params.get("received"), std::optional<std::string_view>("192.0.2.4"));
  EXPECT_FALSE(m.vias[0].params.has("rport"));
  EXPECT_FALSE(m.vias[1].params.has("received"));
}

TEST(ViaStamp, EmptyRportIsFilledAndReceivedAddedEvenIfEqual) {
  // RFC 3581 §4.
  Message m = request_with_via("192.0.2.1", 5060, true);
  stamp_received(m, "192.0.2.1", 61000);
  EXPECT_EQ(m.vias[0].params.get("received"), std::optional<std::string_view>("192.0.2.1"));
  EXPECT_EQ(m.vias[0].params.get("rport"), std::optional<std::string_view>("61000"));
  EXPECT_FALSE(m.vias[1].params.has("received"));
}

TEST(ViaStamp, RportWithAValueIsNotOverwritten) {
  Message m = request_with_via("192.0.2.1", 5060, false);
  m.vias[0].params.set("rport", "1234");
  stamp_received(m, "192.0.2.1", 61000);
  EXPECT_EQ(m.vias[0].params.get("rport"), std::optional<std::string_view>("1234"));
}

TEST(ViaStamp, BracketedIpv6SentByMatchesTheSource) {
  Message m = request_with_via("[2001:db8::1]", 5060, false);
  stamp_received(m, "2001:db8::1", 5060);
  EXPECT_FALSE(m.vias[0].params.has("received"));
}

TEST(ViaStamp, NoViaIsHarmless) {
  Message m;
  stamp_received(m, "192.0.2.1", 1);
  EXPECT_TRUE(m.vias.empty());
}

TEST(ResponseTarget, UdpUsesReceivedAndRport) {
  Message m = request_with_via("pc33.example.com", 5070, true);
  stamp_received(m, "192.0.2.9", 40000);
  const auto t = response_target(m, 7);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->protocol, Protocol::Udp);
  EXPECT_EQ(t->ip, "192.0.2.9");
  EXPECT_EQ(t->port, 40000);
  EXPECT_EQ(t->flow, 0U);  // flows only exist on reliable transports
}

TEST(ResponseTarget, WithoutRportUsesSentByPortOrDefault) {
  Message m = request_with_via("192.0.2.1", 5070, false);
  auto t = response_target(m);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ip, "192.0.2.1");
  EXPECT_EQ(t->port, 5070);
  Message tls = request_with_via("192.0.2.1", 0, false, "TLS");
  t = response_target(tls, 3);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->protocol, Protocol::Tls);
  EXPECT_EQ(t->port, 5061);
  EXPECT_EQ(t->flow, 3U);
  Message udp = request_with_via("192.0.2.1", 0, false);
  EXPECT_EQ(response_target(udp)->port, 5060);
}

TEST(ResponseTarget, UnknownTransportOrNoViaGivesNothing) {
  Message m = request_with_via("192.0.2.1", 5060, false, "SCTP");
  EXPECT_FALSE(response_target(m));
  EXPECT_FALSE(response_target(Message{}));
}

TEST(StatelessErrorReply, CopiesTheHeadersAResponseNeeds) {
  const std::string raw =
      "INVITE sip:bob@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nv: SIP/2.0/UDP c\r\n"
      "From: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: xyz\r\nCSeq: 1 INVITE\r\n"
      "Contact: <sip:a@a>\r\nContent-Length: 0\r\n\r\n";
  const auto reply = stateless_error_reply(raw, ParseError{400, "bad"});
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("SIP/2.0 400 Bad Request\r\n")) << *reply;
  EXPECT_NE(reply->find("z9hG4bK1"), std::string::npos);
  EXPECT_NE(reply->find("SIP/2.0/UDP c"), std::string::npos);
  EXPECT_NE(reply->find("xyz"), std::string::npos);
  EXPECT_NE(reply->find("CSeq: 1 INVITE"), std::string::npos);
  EXPECT_NE(reply->find(";tag="), reply->rfind("tag=1"));  // a To tag was added
  EXPECT_EQ(reply->find("Contact"), std::string::npos);
  EXPECT_TRUE(reply->ends_with("Content-Length: 0\r\n\r\n"));
}

TEST(StatelessErrorReply, NeverAnswersResponsesAcksOrViaLessBytes) {
  const std::string via = "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n";
  EXPECT_FALSE(stateless_error_reply("SIP/2.0 200 OK\r\n" + via + "\r\n", ParseError{400, ""}));
  EXPECT_FALSE(stateless_error_reply("ACK sip:a@b SIP/2.0\r\n" + via + "\r\n", ParseError{400, ""}));
  EXPECT_FALSE(stateless_error_reply("OPTIONS sip:a@b SIP/2.0\r\nTo: x\r\n\r\n", ParseError{400, ""}));
  EXPECT_FALSE(stateless_error_reply("OPTIONS sip:a@b SIP/2.0\r\n" + via + "\r\n", ParseError{0, ""}));
  EXPECT_FALSE(stateless_error_reply("garbage", ParseError{400, ""}));
}

}  // namespace
}  // namespace parley::sip::transport
