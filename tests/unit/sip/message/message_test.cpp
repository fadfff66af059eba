// The model's helpers: Params, Uri, NameAddr, Via and opaque header access.
#include <gtest/gtest.h>

#include "sip/message/message.hpp"
#include "sip/message/serializer.hpp"

namespace parley::sip {
namespace {

TEST(Params, SetGetRemoveCaseInsensitive) {
  Params p;
  p.set("Tag", "1");
  p.set_flag("lr");
  p.set("tag", "2");
  EXPECT_EQ(p.all().size(), 2u);
  EXPECT_EQ(p.get("TAG"), "2");
  EXPECT_TRUE(p.has("LR"));
  std::string out;
  p.append_to(out);
  EXPECT_EQ(out, ";Tag=2;lr");
  p.remove("lr");
  EXPECT_FALSE(p.has("lr"));
  EXPECT_FALSE(p.get("nope").has_value());
}

TEST(Methods, RoundTripAndCaseSensitive) {
  EXPECT_EQ(method_from_string("INVITE"), Method::Invite);
  EXPECT_EQ(method_from_string("invite"), Method::Unknown);
  EXPECT_EQ(to_string(Method::Subscribe), "SUBSCRIBE");
  EXPECT_EQ(to_string(Method::Unknown), "");
}

TEST(Uri, UnescapeAndAor) {
  Uri u;
  u.scheme = "sip";
  u.user = "al%69ce%2";
  u.host = "EXAMPLE.com";
  u.port = 5060;
  EXPECT_EQ(u.user_unescaped(), "alice%2");
  EXPECT_EQ(u.aor(), "sip:alice%2@example.com");
  EXPECT_EQ(u.to_string(), "sip:al%69ce%2@EXAMPLE.com:5060");
  Uri other;
  other.scheme = "urn";
  other.opaque = "service:sos";
  EXPECT_EQ(other.to_string(), "urn:service:sos");
}

TEST(NameAddr, DisplayNamesAreQuotedAndEscaped) {
  NameAddr na;
  na.display_name = std::string("a\"b\\c\x01", 6);
  na.uri.scheme = "sip";
  na.uri.host = "h";
  na.params.set("tag", "x");
  const char kWire[] = "\"a\\\"b\\\\c\\\x01\" <sip:h>;tag=x";
  EXPECT_EQ(na.to_string(), std::string(kWire, sizeof(kWire) - 1));
  EXPECT_EQ(na.tag(), "x");
}

TEST(Via, ToStringAndBranch) {
  Via v;
  v.transport = "TCP";
  v.host = "[::1]";
  v.port = 5060;
  v.params.set("branch", "z9hG4bK1");
  EXPECT_EQ(v.to_string(), "SIP/2.0/TCP [::1]:5060;branch=z9hG4bK1");
  EXPECT_EQ(v.branch(), "z9hG4bK1");
}

TEST(Message, OpaqueHeaderAccess) {
  Message m;
  m.add_header("k", "timer");
  m.add_header("supported", "path, \"a,b\"");
  m.add_header("X-Thing", "1");
  EXPECT_EQ(m.header("Supported"), "timer");
  EXPECT_EQ(m.header_values("Supported").size(), 2u);
  EXPECT_EQ(m.header_list("k"), (std::vector<std::string>{"timer", "path", "\"a,b\""}));
  m.set_header("x-thing", "2");
  EXPECT_EQ(m.header_values("X-Thing"), (std::vector<std::string_view>{"2"}));
  m.remove_header("Supported");
  EXPECT_FALSE(m.header("k").has_value());
  EXPECT_EQ(m.headers.size(), 1u);
}

TEST(Message, TypedNamesGoToTheirFields) {
  Message m;
  m.add_header("Call-ID", "abc");
  m.add_header("Contact", "<sip:a@b>, <sip:c@d>");
  m.add_header("Max-Forwards", "10");
  m.add_header("Content-Length", "99");
  m.add_header("c", "text/plain");
  EXPECT_TRUE(m.headers.empty());
  EXPECT_EQ(m.call_id, "abc");
  EXPECT_EQ(m.contacts.size(), 2u);
  EXPECT_EQ(m.max_forwards, 10u);
  EXPECT_EQ(m.content_type, "text/plain");
  m.set_header("Contact", "<sip:e@f>");
  EXPECT_EQ(m.contacts.size(), 1u);
  m.remove_header("m");
  EXPECT_TRUE(m.contacts.empty());
  EXPECT_EQ(serialize(m).find("Content-Length: 99"), std::string::npos);
}

TEST(Message, BuiltRequestSerializes) {
  Message m;
  m.method = Method::Options;
  m.request_uri.scheme = "sip";
  m.request_uri.host = "example.com";
  m.cseq.number = 2;
  m.cseq.method = Method::Options;
  m.call_id = "x";
  std::string wire = serialize(m);
  EXPECT_EQ(wire.substr(0, 32), "OPTIONS sip:example.com SIP/2.0\r");
  EXPECT_NE(wire.find("CSeq: 2 OPTIONS\r\n"), std::string::npos);
}

}  // namespace
}  // namespace parley::sip
