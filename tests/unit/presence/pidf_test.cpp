#include "presence/pidf.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley::presence {
namespace {

PidfDocument decode_ok(std::string_view body) {
  auto r = decode_pidf(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason) << "\n" << body;
  return r.ok() ? *r : PidfDocument{};
}

std::string decode_error(std::string_view body, const XmlLimits& limits = {}) {
  auto r = decode_pidf(body, limits);
  EXPECT_FALSE(r.ok()) << body.substr(0, 200);
  return r.ok() ? std::string() : r.error().reason;
}

TEST(PidfTest, RoundTripsEveryStatus) {
  for (auto s : {Status::Offline, Status::Available, Status::Away, Status::Busy,
                 Status::OnThePhone, Status::Dnd}) {
    PresenceState in{s, "note <&> \"quoted\" 'x' é"};
    std::string body = encode_pidf("sip:alice@example.com", in);
    auto doc = decode_ok(body);
    EXPECT_EQ(doc.entity, "sip:alice@example.com");
    EXPECT_EQ(device_state(doc), in) << to_string(s) << "\n" << body;
  }
}

TEST(PidfTest, DndWithoutNoteSaysSoAndComesBackWithoutNote) {
  std::string body = encode_pidf("sip:bob@example.com", {Status::Dnd, ""});
  EXPECT_NE(body.find("<rpid:busy/>"), std::string::npos) << body;
  EXPECT_NE(body.find("<rpid:other>do-not-disturb</rpid:other>"), std::string::npos);
  EXPECT_NE(body.find("<note>Do not disturb</note>"), std::string::npos);
  auto doc = decode_ok(body);
  EXPECT_EQ(doc.activity, Status::Dnd);
  EXPECT_EQ(device_state(doc), (PresenceState{Status::Dnd, ""}));
}

TEST(PidfTest, EncodesWhatLiteralMatchingPhonesLookFor) {
  std::string away = encode_pidf("sip:a@x", {Status::Away, ""});
  EXPECT_NE(away.find("<status><basic>open</basic></status>"), std::string::npos);
  EXPECT_NE(away.find("<rpid:away/>"), std::string::npos);
  std::string phone = encode_pidf("sip:a@x", {Status::OnThePhone, ""});
  EXPECT_NE(phone.find("<rpid:on-the-phone/>"), std::string::npos);
  std::string off = encode_pidf("sip:a@x", {Status::Offline, ""});
  EXPECT_NE(off.find("<basic>closed</basic>"), std::string::npos);
  EXPECT_EQ(off.find("rpid:activities"), std::string::npos);
  std::string avail = encode_pidf("sip:a@x", {Status::Available, ""});
  EXPECT_EQ(avail.find("dm:person"), std::string::npos);
}

TEST(PidfTest, EscapesEntityAndNote) {
  std::string body = encode_pidf("sip:a\"b@x", {Status::Away, "</note><x>"});
  EXPECT_EQ(body.find("</note><x>"), std::string::npos);
  auto doc = decode_ok(body);
  EXPECT_EQ(doc.entity, "sip:a\"b@x");
  EXPECT_EQ(doc.note, "</note><x>");
}

// RFC 3863 §3.4 example (the first one), as published by plain PIDF phones.
TEST(PidfTest, DecodesRfc3863Example) {
  auto doc = decode_ok(R"(<?xml version="1.0" encoding="UTF-8"?>
     <presence xmlns="urn:ietf:params:xml:ns:pidf"
         xmlns:im="urn:ietf:params:xml:ns:pidf:im"
         xmlns:myex="http://id.example.com/presence/"
         entity="pres:someone@example.com">
       <tuple id="bs35r9">
         <status>
           <basic>open</basic>
           <im:im>busy</im:im>
           <myex:location>home</myex:location>
         </status>
         <contact priority="0.8">im:someone@mobilecarrier.net</contact>
         <note xml:lang="en">Don't Disturb Please!</note>
         <note xml:lang="fr">Ne derangez pas, s'il vous plait</note>
         <timestamp>2001-10-27T16:49:29Z</timestamp>
       </tuple>
       <tuple id="eg92n8">
         <status>
           <basic>open</basic>
         </status>
         <contact priority="1.0">mailto:someone@example.com</contact>
       </tuple>
       <note>I'll be in Tokyo next week</note>
     </presence>)");
  EXPECT_EQ(doc.entity, "pres:someone@example.com");
  EXPECT_EQ(doc.basic, Basic::Open);
  EXPECT_FALSE(doc.activity.has_value());
  EXPECT_EQ(doc.note, "Don't Disturb Please!");
  EXPECT_EQ(device_state(doc).status, Status::Available);
}

// RFC 4480 §4 style: activities in a dm:person, with other prefixes.
TEST(PidfTest, DecodesRpidPersonWithArbitraryPrefixes) {
  auto doc = decode_ok(R"(<?xml version="1.0" encoding="UTF-8"?>
   <presence xmlns="urn:ietf:params:xml:ns:pidf"
     xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
     xmlns:r="urn:ietf:params:xml:ns:pidf:rpid"
     xmlns:c="urn:ietf:params:xml:ns:pidf:cipid"
     entity="pres:someone@example.com">
     <tuple id="bs35r9">
       <status><basic>open</basic></status>
       <dm:deviceID>urn:device:0003ba4811e3</dm:deviceID>
       <r:relationship><r:self/></r:relationship>
       <contact priority="0.8">im:someone@mobilecarrier.net</contact>
       <timestamp>2005-05-30T22:00:29Z</timestamp>
     </tuple>
     <dm:person id="p1">
       <r:activities from="2005-05-30T12:00:00+05:00" until="2005-05-30T17:00:00+05:00">
         <r:note>Far away</r:note>
         <r:away/>
       </r:activities>
       <r:class>calendar</r:class>
       <r:mood><r:angry/><r:other>brooding</r:other></r:mood>
       <dm:note>Scoring 120</dm:note>
     </dm:person>
   </presence>)");
  EXPECT_EQ(doc.activity, Status::Away);
  EXPECT_EQ(doc.note, "Scoring 120");
  EXPECT_EQ(device_state(doc), (PresenceState{Status::Away, "Scoring 120"}));
}

// What baresip's presence module PUBLISHes when the user types "/presence busy".
TEST(PidfTest, DecodesBaresipStylePublish) {
  auto doc = decode_ok(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
      "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\r\n"
      "    xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\r\n"
      "    xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\"\r\n"
      "    entity=\"sip:carol@example.com\">\r\n"
      "  <dm:person id=\"p4159\"><rpid:activities><rpid:busy/></rpid:activities></dm:person>\r\n"
      "  <tuple id=\"t4109\">\r\n"
      "    <status>\r\n"
      "      <basic>open</basic>\r\n"
      "    </status>\r\n"
      "    <contact>sip:carol@192.0.2.7:5060</contact>\r\n"
      "  </tuple>\r\n"
      "</presence>\r\n");
  EXPECT_EQ(device_state(doc), (PresenceState{Status::Busy, ""}));
}

// linphone: a person with activities and a note, the service tuple with a
// timestamp, and a default-namespace switch inside a child.
TEST(PidfTest, DecodesLinphoneStylePublish) {
  auto doc = decode_ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:dave@example.com">
  <tuple id="qmtbmb">
    <status>
      <basic>open</basic>
    </status>
    <contact>sip:dave@example.com</contact>
    <timestamp>2026-11-30T09:00:00Z</timestamp>
  </tuple>
  <dm:person id="sip:dave@example.com">
    <rpid:activities>
      <rpid:on-the-phone/>
    </rpid:activities>
    <dm:note xml:lang="en">In a call</dm:note>
  </dm:person>
  <x xmlns="urn:example:other"><note>not a pidf note</note></x>
</presence>)");
  EXPECT_EQ(device_state(doc), (PresenceState{Status::OnThePhone, "In a call"}));
}

TEST(PidfTest, StrongestActivityWinsAndUnknownOnesAreIgnored) {
  auto doc = decode_ok(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:e@x">
  <tuple id="a"><status><basic>open</basic></status></tuple>
  <rpid:activities><rpid:tv/><rpid:away/><rpid:meeting/><rpid:working/></rpid:activities></presence>)");
  EXPECT_EQ(doc.activity, Status::Busy);
}

TEST(PidfTest, ClosedTupleMeansOfflineDevice) {
  auto doc = decode_ok(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:e@x"><tuple id="a"><status><basic>closed</basic></status></tuple></presence>)");
  EXPECT_EQ(doc.basic, Basic::Closed);
  EXPECT_EQ(device_state(doc).status, Status::Offline);
}

TEST(PidfTest, AnyOpenTupleWins) {
  auto doc = decode_ok(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:e@x"><tuple id="a"><status><basic>closed</basic></status></tuple><tuple id="b"><status><basic>open</basic></status></tuple></presence>)");
  EXPECT_EQ(doc.basic, Basic::Open);
}

TEST(PidfTest, RpidElementsOutsideTheRpidNamespaceDoNotCount) {
  auto doc = decode_ok(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:rpid="urn:example:not-rpid" entity="sip:e@x"><tuple id="a"><status><basic>open</basic></status></tuple><rpid:activities><rpid:busy/></rpid:activities></presence>)");
  EXPECT_FALSE(doc.activity.has_value());
}

TEST(PidfTest, CharacterReferencesAndCdataInNote) {
  auto doc = decode_ok(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:e@x"><note>caf&#xE9; &#38; <![CDATA[<tea>]]></note></presence>)");
  EXPECT_EQ(doc.note, "café & <tea>");
}

TEST(PidfTest, RefusesWrongRoot) {
  EXPECT_NE(decode_error(R"(<presence entity="sip:e@x"/>)"), "");  // no namespace
  EXPECT_NE(decode_error(R"(<p:presence xmlns:p="urn:example" entity="x"/>)"), "");
  EXPECT_NE(decode_error(R"(<html><body/></html>)"), "");
  EXPECT_NE(decode_error(""), "");
  EXPECT_NE(decode_error("just text"), "");
}

TEST(PidfTest, AcceptsAPrefixedRoot) {
  auto doc = decode_ok(R"(<p:presence xmlns:p="urn:ietf:params:xml:ns:pidf" entity="sip:e@x"><p:tuple id="a"><p:status><p:basic>open</p:basic></p:status></p:tuple></p:presence>)");
  EXPECT_EQ(doc.basic, Basic::Open);
}

TEST(PidfTest, RefusesHostileXml) {
  const std::string ns = R"( xmlns="urn:ietf:params:xml:ns:pidf")";
  // Deep nesting past the depth limit.
  std::string deep = "<presence" + ns + ">";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  deep += "</presence>";
  EXPECT_EQ(decode_error(deep), "too deep");
  // A million nested opens: still refused quickly, no recursion to blow up.
  std::string very_deep = "<presence" + ns + ">";
  for (int i = 0; i < 5000; ++i) very_deep += "<a>";
  XmlLimits big;
  big.max_bytes = 1 << 20;
  EXPECT_EQ(decode_error(very_deep, big), "too deep");
  // Too many elements.
  std::string wide = "<presence" + ns + ">";
  for (int i = 0; i < 600; ++i) wide += "<a/>";
  wide += "</presence>";
  EXPECT_EQ(decode_error(wide), "too many elements");
  // Huge.
  std::string huge = "<presence" + ns + "><note>" + std::string(40000, 'x') + "</note></presence>";
  EXPECT_EQ(decode_error(huge), "document too large");
  // Unterminated in every way.
  EXPECT_EQ(decode_error("<presence" + ns + "><tuple>"), "unterminated element");
  EXPECT_NE(decode_error("<presence" + ns + " entity=\"x"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><!-- never ends"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><![CDATA[ never ends"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><tuple></presence>"), "");
  EXPECT_NE(decode_error("<presence" + ns + "></presence><presence" + ns + "/>"), "");
  // Entity tricks: no DTD, no external or custom entities, no bad references.
  EXPECT_NE(decode_error(R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><presence xmlns="urn:ietf:params:xml:ns:pidf"><note>&lol2;</note></presence>)"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><note>&xxe;</note></presence>"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><note>&#0;</note></presence>"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><note>&#xD800;</note></presence>"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><note>&#x110000;</note></presence>"), "");
  EXPECT_NE(decode_error("<presence" + ns + "><note>&amp</note></presence>"), "");
  // Namespace tricks.
  EXPECT_NE(decode_error("<presence" + ns + "><x:note>a</x:note></presence>"), "");
  EXPECT_NE(decode_error(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:x=""/>)"), "");
  EXPECT_NE(decode_error(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:xmlns="urn:a"/>)"), "");
  // Attribute abuse.
  EXPECT_NE(decode_error(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="a" entity="b"/>)"), "");
  EXPECT_NE(decode_error(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity=a/>)"), "");
  EXPECT_NE(decode_error(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="<"/>)"), "");
  std::string many_attrs = "<presence" + ns;
  for (int i = 0; i < 40; ++i) many_attrs += " a" + std::to_string(i) + "=\"1\"";
  EXPECT_EQ(decode_error(many_attrs + "/>"), "too many attributes");
  // Text outside the root.
  EXPECT_NE(decode_error("junk<presence" + ns + "/>"), "");
  EXPECT_NE(decode_error("<presence" + ns + "/>junk"), "");
}

TEST(PidfTest, NamespaceScopesEndWithTheirElement) {
  // The rpid prefix is bound only inside the first person; using it later is an error.
  EXPECT_NE(decode_error(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf"><a xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"><rpid:activities/></a><rpid:activities/></presence>)"), "");
}

TEST(Pidf, BasicOtherThanOpenCountsAsClosed) {
  // baresip 1.0.0 may publish <basic>unknown</basic> first: not a present device.
  const char* body =
      "<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:a@b\">"
      "<tuple id=\"t\"><status><basic>unknown</basic></status></tuple></presence>";
  auto doc = decode_pidf(body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->basic, Basic::Closed);
  EXPECT_EQ(device_state(*doc).status, Status::Offline);
}

}  // namespace
}  // namespace parley::presence
