// parse_message / serialize on hand-written messages: compact forms, folding,
// framing, limits, IPv6, escaping and round trips.
#include <gtest/gtest.h>

#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "sip/message/validator.hpp"

namespace parley::sip {
namespace {

const std::string kRegister =
    "REGISTER sip:example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: Alice <sip:alice@example.com>\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 REGISTER\r\n"
    "Contact: <sip:alice@192.0.2.1:5060>;expires=3600\r\n"
    "Expires: 7200\r\n"
    "User-Agent: test\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

Message parse_ok(std::string_view bytes, Framing f = Framing::Stream) {
  auto r = parse_message(bytes, f);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason);
  return r.ok() ? std::move(r).value() : Message{};
}

int parse_status(std::string_view bytes, Framing f = Framing::Datagram,
                 const ParseLimits& limits = {}) {
  auto r = parse_message(bytes, f, limits);
  return r.ok() ? -1 : r.error().status;
}

std::string with_header(std::string_view extra) {
  std::string s = kRegister;
  s.insert(s.find("User-Agent"), extra);
  return s;
}

TEST(Parser, Register) {
  Message m = parse_ok(kRegister);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method, Method::Register);
  EXPECT_EQ(m.request_uri.host, "example.com");
  ASSERT_EQ(m.vias.size(), 1u);
  EXPECT_EQ(m.vias[0].port, 5060);
  EXPECT_EQ(m.vias[0].branch(), "z9hG4bK776asdhds");
  EXPECT_TRUE(m.vias[0].params.has("rport"));
  EXPECT_FALSE(m.vias[0].params.find("rport")->has_value);
  EXPECT_EQ(m.to.display_name, "Alice");
  EXPECT_EQ(m.from.tag(), "1928301774");
  EXPECT_EQ(m.cseq.number, 314159u);
  EXPECT_EQ(m.expires, 7200u);
  EXPECT_EQ(m.max_forwards, 70u);
  ASSERT_EQ(m.contacts.size(), 1u);
  EXPECT_EQ(m.contacts[0].params.get("expires"), "3600");
  EXPECT_EQ(m.header("user-agent"), "test");
  EXPECT_FALSE(validate(m).has_value());
}

TEST(Parser, CompactFormsMeanTheirLongForms) {
  std::string bytes =
      "MESSAGE sip:bob@example.com SIP/2.0\r\n"
      "v: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n"
      "f: <sip:a@example.com>;tag=1\r\n"
      "t: <sip:bob@example.com>\r\n"
      "i: cid-1\r\n"
      "CSeq: 1 MESSAGE\r\n"
      "m: <sip:a@h.example.com>\r\n"
      "c: text/plain\r\n"
      "e: gzip\r\nk: path\r\ns: hi\r\no: presence\r\nu: dialog\r\nr: <sip:c@x>\r\n"
      "b: <sip:d@x>\r\nx: 1800\r\n"
      "l: 2\r\n\r\nhi";
  Message m = parse_ok(bytes);
  EXPECT_EQ(m.call_id, "cid-1");
  EXPECT_EQ(m.content_type, "text/plain");
  EXPECT_EQ(m.body, "hi");
  EXPECT_EQ(m.contacts.size(), 1u);
  EXPECT_EQ(m.header("Content-Encoding"), "gzip");
  EXPECT_EQ(m.header("e"), "gzip");
  EXPECT_EQ(m.header("Supported"), "path");
  EXPECT_EQ(m.header("Subject"), "hi");
  EXPECT_EQ(m.header("Event"), "presence");
  EXPECT_EQ(m.header("Allow-Events"), "dialog");
  EXPECT_EQ(m.header("Refer-To"), "<sip:c@x>");
  EXPECT_EQ(m.header("Referred-By"), "<sip:d@x>");
  EXPECT_EQ(m.header("Session-Expires"), "1800");
  std::string wire = serialize(m);
  EXPECT_NE(wire.find("\r\nSupported: path\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nSession-Expires: 1800\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nContent-Length: 2\r\n\r\nhi"), std::string::npos);
}

TEST(Parser, HeaderNamesAreCanonicalised) {
  Message m = parse_ok(with_header("proxy-REQUIRE: foo\r\nX-Custom-Thing: 1\r\n"));
  std::string wire = serialize(m);
  EXPECT_NE(wire.find("\r\nProxy-Require: foo\r\n"), std::string::npos);
  EXPECT_NE(wire.find("\r\nX-Custom-Thing: 1\r\n"), std::string::npos);
}

TEST(Parser, FoldedHeadersAreUnfolded) {
  Message m = parse_ok(with_header("Subject: one\r\n two\r\n\tthree\r\nRequire: a,\r\n b\r\n"));
  EXPECT_EQ(m.header("Subject"), "one two\tthree");
  EXPECT_EQ(m.header_list("Require"), (std::vector<std::string>{"a", "b"}));
}

TEST(Parser, ListHeadersSplitOutsideQuotesAndBrackets) {
  Message m = parse_ok(with_header(
      "Route: <sip:p1.example.com;lr>, \"a, b\" <sip:p2.example.com;lr>\r\n"
      "Record-Route: <sip:rr1;lr>,<sip:rr2;lr>\r\n"
      "Contact: <sip:x@h;a=1,2>;q=0.5, sip:y@h\r\n"));
  ASSERT_EQ(m.routes.size(), 2u);
  EXPECT_EQ(m.routes[1].display_name, "a, b");
  EXPECT_EQ(m.record_routes.size(), 2u);
  ASSERT_EQ(m.contacts.size(), 3u);
  EXPECT_EQ(m.contacts[1].uri.params.get("a"), "1,2");
  EXPECT_EQ(m.contacts[2].uri.user, "y");
}

TEST(Parser, QuotedPairsInDisplayNames) {
  std::string s = kRegister;
  s.replace(s.find("\"Alice\""), 7, "\"A \\\"quoted\\\" \\\\ name\"");
  Message m = parse_ok(s);
  EXPECT_EQ(m.from.display_name, "A \"quoted\" \\ name");
  Message again = parse_ok(serialize(m));
  EXPECT_EQ(again.from.display_name, m.from.display_name);
}

TEST(Parser, Ipv6References) {
  std::string bytes =
      "OPTIONS sip:[2001:db8::10]:5070;transport=tcp SIP/2.0\r\n"
      "Via: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bKx;received=2001:db8::9\r\n"
      "From: <sip:a@[::1]>;tag=1\r\nTo: <sip:b@[::1]:5060>\r\nCall-ID: c\r\n"
      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  Message m = parse_ok(bytes);
  EXPECT_EQ(m.request_uri.host, "[2001:db8::10]");
  EXPECT_EQ(m.request_uri.port, 5070);
  EXPECT_EQ(m.request_uri.params.get("transport"), "tcp");
  EXPECT_EQ(m.vias[0].host, "[2001:db8::1]");
  EXPECT_EQ(m.vias[0].port, 5060);
  EXPECT_EQ(m.vias[0].params.get("received"), "2001:db8::9");
  EXPECT_EQ(m.from.uri.host, "[::1]");
  EXPECT_EQ(m.to.uri.port, 5060);
  EXPECT_EQ(serialize(parse_ok(serialize(m))), serialize(m));
  EXPECT_NE(parse_status("OPTIONS sip:[::1 SIP/2.0\r\n\r\n"), -1);
}

TEST(Parser, ContentLengthFraming) {
  std::string base = kRegister.substr(0, kRegister.find("Content-Length"));
  // Datagram: trailing bytes beyond Content-Length are ignored.
  Message m = parse_ok(base + "Content-Length: 3\r\n\r\nabcdef", Framing::Datagram);
  EXPECT_EQ(m.body, "abc");
  // Datagram without Content-Length: the rest of the datagram.
  EXPECT_EQ(parse_ok(base + "\r\nxyz", Framing::Datagram).body, "xyz");
  // Stream: mandatory.
  EXPECT_EQ(parse_status(base + "\r\nxyz", Framing::Stream), 400);
  // Larger than the datagram, negative, junk, duplicated.
  EXPECT_EQ(parse_status(base + "Content-Length: 10\r\n\r\nabc"), 400);
  EXPECT_EQ(parse_status(base + "Content-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(parse_status(base + "Content-Length: 1x\r\n\r\nabc"), 400);
  EXPECT_EQ(parse_status(base + "l: 0\r\nContent-Length: 0\r\n\r\n"), 400);
  EXPECT_EQ(parse_status(base + "Content-Length: 99999999999999999999999\r\n\r\n"), 513);
}

TEST(Parser, Limits) {
  ParseLimits small;
  small.max_message_size = 100;
  EXPECT_EQ(parse_status(kRegister, Framing::Datagram, small), 513);
  ParseLimits few;
  few.max_headers = 5;
  EXPECT_EQ(parse_status(kRegister, Framing::Datagram, few), 400);
  ParseLimits short_lines;
  short_lines.max_line_length = 40;
  EXPECT_EQ(parse_status(kRegister, Framing::Datagram, short_lines), 400);
  ParseLimits few_values;
  few_values.max_list_values = 2;
  EXPECT_EQ(parse_status(with_header("Route: <sip:a>,<sip:b>,<sip:c>\r\n"), Framing::Datagram,
                         few_values),
            400);
  EXPECT_EQ(parse_status(with_header("Route: <sip:a>,<sip:b>\r\n"), Framing::Datagram,
                         few_values),
            -1);
}

TEST(Parser, StartLineErrors) {
  std::string rest = kRegister.substr(kRegister.find("\r\n"));
  EXPECT_EQ(parse_status("REGISTER sip:example.com SIP/3.0" + rest), 505);
  EXPECT_EQ(parse_status("REGISTER sip:example.com HTTP/1.1" + rest), 400);
  EXPECT_EQ(parse_status("REGISTER <sip:example.com> SIP/2.0" + rest), 400);
  EXPECT_EQ(parse_status("REGISTER sip:exa mple.com SIP/2.0" + rest), 400);
  EXPECT_EQ(parse_status("REG(ISTER sip:example.com SIP/2.0" + rest), 400);
  EXPECT_EQ(parse_status("REGISTER sip:example.com:99999 SIP/2.0" + rest), 400);
  EXPECT_EQ(parse_status("REGISTER  sip:example.com  SIP/2.0 " + rest), -1);
  EXPECT_EQ(parse_status("\r\n\r\n" + kRegister), -1);  // leading CRLFs (keep-alives)
  EXPECT_EQ(parse_status(""), 400);
  EXPECT_EQ(parse_status("REGISTER sip:example.com SIP/2.0\r\nVia: x"), 400);
}

TEST(Parser, BadResponsesAreDropped) {
  std::string rest =
      "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(parse_status("SIP/2.0 180 Ringing" + rest), -1);
  EXPECT_EQ(parse_status("SIP/2.0 099 Low" + rest), 0);
  EXPECT_EQ(parse_status("SIP/2.0 700 High" + rest), 0);
  EXPECT_EQ(parse_status("SIP/2.0 1800 Long" + rest), 0);
  EXPECT_EQ(parse_status("SIP/2.0 18 Short" + rest), 0);
  EXPECT_EQ(parse_status("SIP/3.0 180 Ringing" + rest), 0);
  std::string bad_cseq = rest;
  bad_cseq.replace(bad_cseq.find("CSeq: 1"), 7, "CSeq: 4294967296");
  EXPECT_EQ(parse_status("SIP/2.0 180 Ringing" + bad_cseq), 0);
  auto r = parse_message("SIP/2.0 180 Ringing" + rest, Framing::Datagram);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status_code, 180);
  EXPECT_EQ(r->reason, "Ringing");
  EXPECT_FALSE(validate_response(*r).has_value());
}

TEST(Parser, ScalarRanges) {
  std::string s = kRegister;
  s.replace(s.find("CSeq: 314159"), 12, "CSeq: 2147483647");
  EXPECT_EQ(parse_status(s), -1);
  s.replace(s.find("CSeq: 2147483647"), 16, "CSeq: 2147483648");
  EXPECT_EQ(parse_status(s), 400);
  std::string mf = kRegister;
  mf.replace(mf.find("Max-Forwards: 70"), 16, "Max-Forwards: 256");
  EXPECT_EQ(parse_status(mf), 400);
  std::string ex = kRegister;
  ex.replace(ex.find("Expires: 7200"), 13, "Expires: 99999999999999");
  EXPECT_EQ(parse_ok(ex).expires, UINT32_MAX);
  ex.replace(ex.find("Expires: 99999999999999"), 23, "Expires: Thu, 01 Dec 1994 16:00:00 GMT");
  Message m = parse_ok(ex);
  EXPECT_FALSE(m.expires.has_value());
  EXPECT_EQ(m.header("Expires"), "Thu, 01 Dec 1994 16:00:00 GMT");
}

TEST(Parser, DuplicateSingleHeaders) {
  for (const char* dup : {"Call-ID: other\r\n", "i: other\r\n", "To: <sip:x@y>\r\n",
                          "From: <sip:x@y>;tag=2\r\n", "CSeq: 2 REGISTER\r\n",
                          "Max-Forwards: 1\r\n"}) {
    EXPECT_EQ(parse_status(with_header(dup)), 400) << dup;
  }
}

TEST(Parser, MalformedHeaders) {
  EXPECT_EQ(parse_status(with_header("No colon here\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Bad Name: x\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Route: <sip:a@b\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Route: *\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Contact: *, <sip:a@b>\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Via: SIP/2.0/UDP\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Via: SIP/2.0/UDP h;;x\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Via: SIP/2.0/UDP h;branch=\r\n")), 400);
  EXPECT_EQ(parse_status(with_header("Via: SIP/2.0/UDP h,\r\n")), 400);
  std::string s = kRegister;
  s.replace(s.find("\"Alice\""), 7, "\"Alice");
  EXPECT_EQ(parse_status(s), 400);
  // A CR inside a quoted string could not be written back (RFC 3261 §25.1).
  std::string cr = kRegister;
  cr.replace(cr.find("\"Alice\""), 7, "\"Al\rice\"");
  EXPECT_EQ(parse_status(cr), 400);
  cr = kRegister;
  cr.replace(cr.find("\"Alice\""), 7, "\"Al\\\rice\"");
  EXPECT_EQ(parse_status(cr), 400);
}

TEST(Parser, WildcardContact) {
  std::string s = kRegister;
  s.replace(s.find("<sip:alice@192.0.2.1:5060>;expires=3600"), 39, "*");
  Message m = parse_ok(s);
  ASSERT_EQ(m.contacts.size(), 1u);
  EXPECT_TRUE(m.contacts[0].wildcard);
  EXPECT_NE(serialize(m).find("\r\nContact: *\r\n"), std::string::npos);
}

TEST(Parser, RoundTripKeepsValues) {
  Message m = parse_ok(with_header(
      "Route: <sip:p1.example.com;lr>\r\nAccept: a/b, c/d\r\nX-Q: \"quoted ; value\"\r\n"));
  std::string wire = serialize(m);
  Message r = parse_ok(wire);
  EXPECT_EQ(serialize(r), wire);
  EXPECT_EQ(r.request_uri.to_string(), m.request_uri.to_string());
  EXPECT_EQ(r.from.to_string(), m.from.to_string());
  EXPECT_EQ(r.to.to_string(), m.to.to_string());
  EXPECT_EQ(r.vias[0].to_string(), m.vias[0].to_string());
  EXPECT_EQ(r.call_id, m.call_id);
  EXPECT_EQ(r.cseq.number, m.cseq.number);
  EXPECT_EQ(r.expires, m.expires);
  EXPECT_EQ(r.header("X-Q"), "\"quoted ; value\"");
  // Typed headers come first, Content-Length last.
  EXPECT_LT(wire.find("Via:"), wire.find("User-Agent:"));
  EXPECT_LT(wire.find("User-Agent:"), wire.find("Content-Length:"));
}

TEST(Parser, ContentLengthIsAlwaysRecomputed) {
  Message m = parse_ok(kRegister);
  m.body = "hello";
  m.content_type = "text/plain";
  std::string wire = serialize(m);
  EXPECT_NE(wire.find("Content-Length: 5\r\n\r\nhello"), std::string::npos);
  EXPECT_EQ(wire.find("Content-Length: 0"), std::string::npos);
}

TEST(Parser, StandaloneUriAndNameAddr) {
  auto u = parse_uri("sips:bob:secret@Example.COM:5061;transport=tls;lr?subject=x%20y");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "sips");
  EXPECT_EQ(u->user, "bob");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->host, "Example.COM");
  EXPECT_EQ(u->port, 5061);
  EXPECT_TRUE(u->params.has("LR"));
  EXPECT_EQ(u->headers, "subject=x%20y");
  EXPECT_EQ(u->to_string(), "sips:bob:secret@Example.COM:5061;transport=tls;lr?subject=x%20y");
  EXPECT_EQ(u->aor(), "sip:bob@example.com");
  auto tel = parse_uri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(tel.ok());
  EXPECT_EQ(tel->user, "+1-201-555-0123");
  EXPECT_EQ(tel->params.get("phone-context"), "example.com");
  EXPECT_EQ(tel->to_string(), "tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_FALSE(parse_uri("sip:").ok());
  EXPECT_FALSE(parse_uri("sip:@host").ok());
  EXPECT_FALSE(parse_uri("1sip:host").ok());
  EXPECT_FALSE(parse_uri("sip:host;=x").ok());
  EXPECT_FALSE(parse_uri("sip:ho st").ok());
  auto na = parse_name_addr("Bob <sip:bob@example.com>;tag=abc;expires=60");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->display_name, "Bob");
  EXPECT_EQ(na->tag(), "abc");
  EXPECT_EQ(na->to_string(), "\"Bob\" <sip:bob@example.com>;tag=abc;expires=60");
  EXPECT_FALSE(parse_name_addr("\"Bob\" sip:bob@example.com").ok());
  EXPECT_FALSE(parse_name_addr("").ok());
}

}  // namespace
}  // namespace parley::sip
