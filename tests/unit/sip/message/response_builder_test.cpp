// make_response / make_error_response / default_reason.
#include <gtest/gtest.h>

#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"
#include "sip/message/validator.hpp"

namespace parley::sip {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1\r\n"
    "Via: SIP/2.0/UDP ua.example.com;branch=z9hG4bK2;received=192.0.2.1\r\n"
    "Max-Forwards: 69\r\n"
    "From: Alice <sip:alice@example.com>;tag=a1\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: c1@ua\r\n"
    "CSeq: 7 INVITE\r\n"
    "Timestamp: 54\r\n"
    "Contact: <sip:alice@ua.example.com>\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(ResponseBuilder, DefaultReasons) {
  EXPECT_EQ(default_reason(200), "OK");
  EXPECT_EQ(default_reason(483), "Too Many Hops");
  EXPECT_EQ(default_reason(513), "Message Too Large");
  EXPECT_EQ(default_reason(299), "");
}

TEST(ResponseBuilder, CopiesTheMandatoryHeaders) {
  auto req = parse_message(kInvite, Framing::Datagram);
  ASSERT_TRUE(req.ok());
  Message r = make_response(*req, 486);
  EXPECT_TRUE(r.is_response());
  EXPECT_EQ(r.reason, "Busy Here");
  ASSERT_EQ(r.vias.size(), 2u);
  EXPECT_EQ(r.vias[1].params.get("received"), "192.0.2.1");
  EXPECT_EQ(r.from.tag(), "a1");
  EXPECT_EQ(r.call_id, "c1@ua");
  EXPECT_EQ(r.cseq.number, 7u);
  EXPECT_EQ(r.cseq.method, Method::Invite);
  EXPECT_TRUE(r.contacts.empty());
  EXPECT_FALSE(r.header("Timestamp"));
  EXPECT_EQ(make_response(*req, 100).header("Timestamp"), "54");
  EXPECT_EQ(make_response(*req, 299, "Custom").reason, "Custom");
  auto again = parse_message(serialize(r), Framing::Stream);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(validate_response(*again).has_value());
}

TEST(ResponseBuilder, FromASpentRequestIsTheSameResponse) {
  auto req = parse_message(kInvite, Framing::Datagram);
  ASSERT_TRUE(req.ok());
  const std::string copied = serialize(make_response(*req, 100));
  Message spent = *req;
  EXPECT_EQ(serialize(make_response(std::move(spent), 100)), copied);
  Message spent_again = *req;
  EXPECT_EQ(serialize(make_response(std::move(spent_again), 486)),
            serialize(make_response(*req, 486)));
}

TEST(ResponseBuilder, ErrorResponseFromRawBytes) {
  std::string raw = kInvite;
  raw.replace(raw.find("<sip:alice@ua.example.com>"), 26, "<sip:alice@ua.example.com");
  auto parsed = parse_message(raw, Framing::Datagram);
  ASSERT_FALSE(parsed.ok());
  auto text = make_error_response(raw, parsed.error());
  ASSERT_TRUE(text.has_value());
  auto r = parse_message(*text, Framing::Stream);
  ASSERT_TRUE(r.ok()) << *text << r.error().reason;
  EXPECT_EQ(r->status_code, 400);
  EXPECT_EQ(r->vias.size(), 2u);
  EXPECT_EQ(r->call_id, "c1@ua");
  EXPECT_FALSE(r->to.tag().empty());  // RFC 3261 §8.2.6.2
  EXPECT_NE(text->find("\r\nFrom: Alice <sip:alice@example.com>;tag=a1\r\n"), std::string::npos);
  EXPECT_TRUE(r->contacts.empty());
  // Deterministic: a retransmission gets the same tag.
  EXPECT_EQ(make_error_response(raw, parsed.error()), text);
}

TEST(ResponseBuilder, NoErrorResponseWhenNotAnswerable) {
  ParseError e{400, "x"};
  EXPECT_FALSE(make_error_response("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n", e));
  EXPECT_FALSE(make_error_response("INVITE sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\n\r\n", e));
  EXPECT_FALSE(make_error_response(kInvite, ParseError{0, "drop"}));
  EXPECT_FALSE(make_error_response("", e));
  auto v = make_error_response("OPTIONS sip:a SIP/7.0\r\nv: SIP/7.0/UDP h\r\n\r\n",
                               ParseError{505, "Version"});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->substr(0, 33), "SIP/2.0 505 Version Not Supported");
  EXPECT_NE(v->find("Via: SIP/7.0/UDP h\r\n"), std::string::npos);
}

}  // namespace
}  // namespace parley::sip
