// RFC 4475 torture messages: the outcome of parse_message + validate for all
// 49, and the values the README requires for the valid ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "sip/message/validator.hpp"
#include "vectors.hpp"

namespace parley::sip {
namespace {

// -1: parsed and valid. Otherwise the status of the ParseError (0 = drop).
const std::map<std::string, int>& expected_outcomes() {
  static const std::map<std::string, int> kOutcomes = {
      // 3.1.1 valid
      {"wsinv", -1}, {"intmeth", -1}, {"esc01", -1}, {"escnull", -1}, {"esc02", -1},
      {"lwsdisp", -1}, {"longreq", -1}, {"dblreq", -1}, {"semiuri", -1}, {"transports", -1},
      {"mpart01", -1}, {"unreason", -1}, {"noreason", -1},
      // 3.1.2 invalid
      {"badinv01", 400}, {"clerr", 400}, {"ncl", 400}, {"scalar02", 400}, {"scalarlg", 0},
      {"quotbal", 400}, {"ltgtruri", 400}, {"lwsruri", 400},
      {"lwsstart", -1},  // accepted; the serializer writes single SPs
      {"trws", -1},      // accepted; the trailing SP is not forwarded
      {"escruri", -1},   // accepted; the headers stay inside the URI
      {"baddate", -1},   // Date does not matter to Parley
      {"regbadct", 400}, {"badaspec", 400}, {"baddn", 400}, {"badvers", 505},
      {"mismatch01", 400}, {"mismatch02", 400}, {"bigcode", 0},
      // 3.2 transaction layer: parses; the transaction layer decides
      {"badbranch", -1},
      // 3.3 application layer: parse, the proxy/registrar decides
      {"insuf", 400}, {"unkscm", -1}, {"novelsc", -1}, {"unksm2", -1}, {"bext01", -1},
      {"invut", -1}, {"regaut01", -1}, {"multi01", 400}, {"mcl01", 400}, {"bcast", -1},
      {"zeromf", -1}, {"cparam01", -1}, {"cparam02", -1}, {"regescrt", -1}, {"sdp01", -1},
      {"inv2543", -1},
  };
  return kOutcomes;
}

class Rfc4475 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(test::rfc4475_dir())) {
      GTEST_SKIP() << "RFC 4475 vectors not found at " << test::rfc4475_dir()
                   << " (the shared folder is absent)";
    }
  }
  static std::string load(const std::string& name) {
    auto bytes = test::read_file(test::rfc4475_dir() / (name + ".sip"));
    EXPECT_TRUE(bytes.has_value()) << name;
    return bytes.value_or("");
  }
  static Message parse_ok(const std::string& name) {
    auto r = parse_message(load(name), Framing::Datagram);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().reason);
    if (!r.ok()) return Message{};
    EXPECT_FALSE(validate(*r).has_value()) << name;
    return std::move(r).value();
  }
};

TEST_F(Rfc4475, EveryMessageHasTheRequiredOutcome) {
  ASSERT_EQ(expected_outcomes().size(), 49u);
  for (const auto& [name, expected] : expected_outcomes()) {
    std::string bytes = load(name);
    auto r = parse_message(bytes, Framing::Datagram);
    int outcome = -1;
    std::string why;
    if (!r.ok()) {
      outcome = r.error().status;
      why = r.error().reason;
    } else if (auto e = validate(*r)) {
      outcome = e->status;
      why = e->reason;
    }
    EXPECT_EQ(outcome, expected) << name << " (" << why << ")";
  }
}

TEST_F(Rfc4475, AcceptedMessagesSurviveARoundTrip) {
  for (const auto& [name, expected] : expected_outcomes()) {
    auto r = parse_message(load(name), Framing::Datagram);
    if (!r.ok()) continue;
    std::string wire = serialize(*r);
    auto again = parse_message(wire, Framing::Stream);
    ASSERT_TRUE(again.ok()) << name << ": " << again.error().reason << "\n" << wire;
    EXPECT_EQ(serialize(*again), wire) << name;
    EXPECT_EQ(again->body, r->body) << name;
    EXPECT_EQ(again->headers.size(), r->headers.size()) << name;
  }
}

TEST_F(Rfc4475, Wsinv) {
  Message m = parse_ok("wsinv");
  EXPECT_EQ(m.method, Method::Invite);
  EXPECT_EQ(m.to.tag(), "1918181833n");
  EXPECT_EQ(m.from.display_name, "J Rosenberg \\\"");
  EXPECT_EQ(m.from.tag(), "98asjd8");
  EXPECT_EQ(m.max_forwards, 68u);
  EXPECT_EQ(m.cseq.number, 9u);
  EXPECT_EQ(m.cseq.method, Method::Invite);
  ASSERT_EQ(m.vias.size(), 3u);
  EXPECT_EQ(m.vias[0].transport, "UDP");
  EXPECT_EQ(m.vias[0].host, "192.0.2.2");
  EXPECT_EQ(m.vias[1].transport, "TCP");
  EXPECT_EQ(m.vias[1].branch(), "z9hG4bK9ikj8");
  EXPECT_EQ(m.vias[2].branch(), "z9hG4bK30239");
  EXPECT_EQ(m.header("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
  EXPECT_EQ(m.header("Subject"), "");
  ASSERT_TRUE(m.header("NewFangledHeader"));
  EXPECT_EQ(*m.header("NewFangledHeader"), "newfangled value continued newfangled value");
  ASSERT_EQ(m.contacts.size(), 1u);
  EXPECT_EQ(m.contacts[0].display_name, "Quoted string \"\"");
  EXPECT_EQ(m.contacts[0].params.get("newparam"), "newvalue");
  EXPECT_TRUE(m.contacts[0].params.has("secondparam"));
  EXPECT_EQ(m.contacts[0].params.get("q"), "0.33");
  ASSERT_EQ(m.routes.size(), 1u);
  EXPECT_TRUE(m.routes[0].uri.params.has("lr"));
  EXPECT_EQ(m.body.size(), 150u);
}

TEST_F(Rfc4475, Intmeth) {
  Message m = parse_ok("intmeth");
  EXPECT_EQ(m.method, Method::Unknown);
  EXPECT_EQ(m.method_text, "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(m.request_uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(m.request_uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(m.request_uri.host, "example.com");
  EXPECT_EQ(m.to.display_name, std::string("BEL:\x07 NUL:\0 DEL:\x7f", 17));
  EXPECT_EQ(m.call_id, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(m.from.tag(), "_token~1'+`*%!-.");
  EXPECT_EQ(m.from.display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(m.header("extensionHeader-!.%*+_`'~"), "\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb");
}

TEST_F(Rfc4475, EscapesInUris) {
  Message m = parse_ok("esc01");
  EXPECT_EQ(m.request_uri.user_unescaped(), "sips:user@example.com");
  EXPECT_EQ(m.to.uri.aor(), "sip:user@example.com");
  EXPECT_EQ(m.from.uri.user_unescaped(), "I have spaces");
  ASSERT_EQ(m.contacts.size(), 1u);
  EXPECT_TRUE(m.contacts[0].uri.params.has("%6C%72"));

  Message n = parse_ok("escnull");
  EXPECT_EQ(n.to.uri.aor(), std::string("sip:null-\0-null@example.com", 27));
  ASSERT_EQ(n.contacts.size(), 2u);
  EXPECT_NE(n.contacts[0].uri.aor(), n.contacts[1].uri.aor());

  Message e = parse_ok("esc02");
  EXPECT_EQ(e.method, Method::Unknown);
  EXPECT_EQ(e.method_text, "RE%47IST%45R");
  EXPECT_EQ(e.contacts.size(), 2u);
  EXPECT_EQ(e.header("C%6Fntact"), "<sip:alias2@host2.example.com>");
  EXPECT_EQ(e.to.display_name, "%Z%45");
}

TEST_F(Rfc4475, SmallValidOnes) {
  EXPECT_EQ(parse_ok("lwsdisp").from.display_name, "caller");
  Message semi = parse_ok("semiuri");
  EXPECT_EQ(semi.request_uri.user, "user;par=u%40example.net");
  EXPECT_EQ(semi.request_uri.user_unescaped(), "user;par=u@example.net");
  EXPECT_EQ(semi.request_uri.host, "example.com");
  EXPECT_TRUE(semi.request_uri.params.empty());
  EXPECT_EQ(semi.header_list("Accept").size(), 6u);

  Message tr = parse_ok("transports");
  ASSERT_EQ(tr.vias.size(), 5u);
  EXPECT_EQ(tr.vias[1].transport, "SCTP");
  EXPECT_EQ(tr.vias[3].transport, "UNKNOWN");

  Message lr = parse_ok("longreq");
  EXPECT_EQ(lr.vias.size(), 34u);
  EXPECT_EQ(lr.body.size(), 150u);

  Message un = parse_ok("unreason");
  EXPECT_EQ(un.status_code, 200);
  EXPECT_EQ(un.reason.substr(0, 12), "= 2**3 * 5**");
  Message nr = parse_ok("noreason");
  EXPECT_EQ(nr.status_code, 100);
  EXPECT_EQ(nr.reason, "");
}

TEST_F(Rfc4475, DblreqIgnoresTrailingBytes) {
  Message m = parse_ok("dblreq");
  EXPECT_EQ(m.method, Method::Register);
  EXPECT_TRUE(m.body.empty());
  EXPECT_EQ(serialize(m).find("INVITE"), std::string::npos);
}

TEST_F(Rfc4475, Mpart01FramedByContentLength) {
  Message m = parse_ok("mpart01");
  EXPECT_EQ(m.body.size(), 553u);
  EXPECT_NE(m.body.find('\0'), std::string::npos);
  EXPECT_EQ(m.content_type, "multipart/mixed;boundary=7a9cbec02ceef655");
}

TEST_F(Rfc4475, Inv2543BodyIsRestOfDatagram) {
  std::string bytes = load("inv2543");
  Message m = parse_ok("inv2543");
  EXPECT_FALSE(m.max_forwards.has_value());
  EXPECT_EQ(m.vias[0].branch(), "");
  EXPECT_EQ(m.from.tag(), "");
  EXPECT_EQ(m.body, bytes.substr(bytes.find("\r\n\r\n") + 4));
  EXPECT_FALSE(m.body.empty());
  // Over a stream the same bytes lack the mandatory Content-Length.
  EXPECT_FALSE(parse_message(bytes, Framing::Stream).ok());
}

TEST_F(Rfc4475, ContactParameterPlacement) {
  Message c1 = parse_ok("cparam01");
  ASSERT_EQ(c1.contacts.size(), 1u);
  EXPECT_TRUE(c1.contacts[0].params.has("unknownparam"));
  EXPECT_FALSE(c1.contacts[0].uri.params.has("unknownparam"));
  Message c2 = parse_ok("cparam02");
  ASSERT_EQ(c2.contacts.size(), 1u);
  EXPECT_FALSE(c2.contacts[0].params.has("unknownparam"));
  EXPECT_TRUE(c2.contacts[0].uri.params.has("unknownparam"));
}

TEST_F(Rfc4475, EscapedRouteStaysInsideTheUri) {
  Message m = parse_ok("regescrt");
  ASSERT_EQ(m.contacts.size(), 1u);
  EXPECT_EQ(m.contacts[0].uri.headers, "Route=%3Csip:sip.example.com%3E");
  EXPECT_TRUE(m.routes.empty());
  EXPECT_FALSE(m.header("Route"));
  Message e = parse_ok("escruri");
  EXPECT_EQ(e.request_uri.headers, "Route=%3Csip:example.com%3E");
  EXPECT_TRUE(e.routes.empty());
}

TEST_F(Rfc4475, ApplicationLayerValuesAreAvailable) {
  Message unk = parse_ok("unkscm");
  EXPECT_EQ(unk.request_uri.scheme, "nobodyknowsthisscheme");
  EXPECT_EQ(unk.request_uri.opaque, "totallyopaquecontent");
  Message nov = parse_ok("novelsc");
  EXPECT_EQ(nov.request_uri.scheme, "soap.beep");
  Message u2 = parse_ok("unksm2");
  EXPECT_EQ(u2.to.uri.scheme, "isbn");
  EXPECT_EQ(u2.from.uri.scheme, "http");
  EXPECT_EQ(u2.contacts.at(0).uri.scheme, "name");
  Message bext = parse_ok("bext01");
  EXPECT_FALSE(bext.header_list("Require").empty());
  EXPECT_FALSE(bext.header_list("Proxy-Require").empty());
  EXPECT_EQ(parse_ok("invut").content_type, "application/unknownformat");
  EXPECT_TRUE(parse_ok("regaut01").header("Authorization"));
  EXPECT_EQ(parse_ok("zeromf").max_forwards, 0u);
  Message bc = parse_ok("bcast");
  ASSERT_EQ(bc.vias.size(), 2u);
  EXPECT_EQ(bc.vias[1].host, "255.255.255.255");
  EXPECT_EQ(parse_ok("badbranch").vias.at(0).branch(), "z9hG4bK");
  EXPECT_EQ(parse_ok("sdp01").header("Accept"), "text/nobodyKnowsThis");
}

TEST_F(Rfc4475, StreamFramingForClerr) {
  // Over TCP the transport waits for the missing bytes; a complete-looking
  // buffer with too short a body is still an error here.
  EXPECT_FALSE(parse_message(load("clerr"), Framing::Stream).ok());
}

}  // namespace
}  // namespace parley::sip
